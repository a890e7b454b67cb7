import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { QuarryError } from '@quarry/common';
import type { DirectoryListing, ObjectStorage, StorageWriter, StoredFile } from '../storage.js';
import { backoffMs, isRetryable, s3Error, withRetries } from './retry.js';
import { createS3Client } from './s3-client.js';
import { describeEndpoint, type S3Settings } from './s3-settings.js';
import { dirPrefix, parseS3Uri, s3Uri } from './s3-uri.js';
import { S3Writer } from './s3-writer.js';

/** Keys in one DeleteObjects request: S3's limit. */
export const DELETE_BATCH = 1000;
/** Listings or deletes in flight at once for one call. */
const CONCURRENCY = 8;
/** Leading prefixes a writer of many files spreads them over (the exchange's shard directories). */
export const S3_PREFIX_SHARDS = 16;

/**
 * Files in S3 or any S3-compatible server. Writes: `S3Writer` (PutObject or multipart).
 * Reads: one streamed GetObject per file; when the connection breaks, the read resumes with a
 * ranged GetObject from the byte it reached (`If-Match` the first response's ETag). Deletes: the
 * directories are listed (paginated) and their keys removed by DeleteObjects, up to 1000 a request.
 */
export class S3Storage implements ObjectStorage {
  readonly prefixShards = S3_PREFIX_SHARDS;
  private readonly client: S3Client;
  /** The server as errors name it (its origin, or AWS and the region). */
  private readonly endpoint: string;

  constructor(
    private readonly settings: Pick<S3Settings, 'maxErrorRetries' | 'uploadPartSize' | 'endpoint' | 'region'>,
    client: S3Client,
  ) {
    this.client = client;
    this.endpoint = describeEndpoint(settings);
  }

  static fromSettings(settings: S3Settings): S3Storage {
    return new S3Storage(settings, createS3Client(settings));
  }

  createFile(uri: string): StorageWriter {
    return new S3Writer({
      client: this.client,
      at: parseS3Uri(uri),
      partSize: this.settings.uploadPartSize,
      maxRetries: this.settings.maxErrorRetries,
      endpoint: this.endpoint,
    });
  }

  /** Retries of one request (see `retry.ts`), errors naming `what` and the endpoint. */
  private request<T>(what: string, op: () => Promise<T>): Promise<T> {
    return withRetries({ what, maxRetries: this.settings.maxErrorRetries, endpoint: this.endpoint }, op);
  }

  async *read(uri: string): AsyncIterable<Uint8Array> {
    const at = parseS3Uri(uri);
    const retries = this.settings.maxErrorRetries;
    let offset = 0;
    let size: number | undefined;
    let etag: string | undefined;
    let failures = 0;
    for (;;) {
      const what = offset === 0 ? `GetObject ${uri}` : `GetObject ${uri} from byte ${offset}`;
      const r = await this.request(what, () =>
        this.client.send(
          new GetObjectCommand({
            Bucket: at.bucket,
            Key: at.key,
            ...(offset > 0 ? { Range: `bytes=${offset}-`, IfMatch: etag } : {}),
          }),
        ),
      );
      etag ??= r.ETag;
      size ??= r.ContentLength;
      const body = r.Body as Readable | undefined;
      if (!body) throw new QuarryError('EXCHANGE_IO_ERROR', `S3 ${what} returned no body`);
      try {
        for await (const chunk of body) {
          offset += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        return;
      } catch (e) {
        if (size !== undefined && offset >= size) return;
        if (!isRetryable(e) || ++failures > retries)
          throw s3Error(
            { what: `${what} (read to byte ${offset})`, maxRetries: retries, endpoint: this.endpoint },
            e,
            failures,
          );
        await sleep(backoffMs(failures - 1));
      } finally {
        body.destroy();
      }
    }
  }

  async *list(dirUri: string): AsyncIterable<StoredFile> {
    const dir = parseS3Uri(dirUri);
    let token: string | undefined;
    do {
      const page = await this.request(`ListObjectsV2 ${dirUri}/`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: dir.bucket, Prefix: dirPrefix(dir), ContinuationToken: token }),
        ),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { uri: s3Uri(dir.bucket, o.Key), bytes: o.Size ?? 0, modified: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async readRange(uri: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    const at = parseS3Uri(uri);
    const what = `GetObject ${uri} bytes ${offset}-${offset + length - 1}`;
    // The whole request is retried, body included: a range is small enough to read again.
    return this.request(what, async () => {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: at.bucket,
          Key: at.key,
          Range: `bytes=${offset}-${offset + length - 1}`,
        }),
      );
      if (!r.Body) throw new QuarryError('EXCHANGE_IO_ERROR', `S3 ${what} returned no body`);
      const bytes = await r.Body.transformToByteArray();
      // A server that ignores Range sends the whole object.
      return r.ContentRange === undefined && bytes.length > length
        ? bytes.subarray(offset, offset + length)
        : bytes;
    });
  }

  async createExclusive(uri: string, bytes: Uint8Array): Promise<boolean> {
    const at = parseS3Uri(uri);
    try {
      await this.request(`PutObject ${uri} (If-None-Match: *)`, () =>
        this.client.send(
          new PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: bytes, IfNoneMatch: '*' }),
        ),
      );
      return true;
    } catch (e) {
      const cause = (e as { cause?: { $metadata?: { httpStatusCode?: number } } }).cause;
      // 412: the key exists; 409: a concurrent conditional write to the key won the race.
      const status = cause?.$metadata?.httpStatusCode;
      if (status === 412 || status === 409) return false;
      throw e;
    }
  }

  async listDirectory(dirUri: string): Promise<DirectoryListing> {
    const dir = parseS3Uri(dirUri);
    const prefix = dirPrefix(dir);
    const directories: string[] = [];
    const files: StoredFile[] = [];
    let token: string | undefined;
    do {
      const page = await this.request(`ListObjectsV2 ${dirUri}/ (one level)`, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: dir.bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        ),
      );
      for (const p of page.CommonPrefixes ?? []) {
        if (p.Prefix !== undefined) directories.push(p.Prefix.slice(prefix.length, -1));
      }
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || o.Key === prefix) continue;
        files.push({
          uri: s3Uri(dir.bucket, o.Key),
          bytes: o.Size ?? 0,
          modified: o.LastModified ?? new Date(0),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { directories: directories.sort(), files };
  }

  async deleteRecursively(dirUris: readonly string[]): Promise<void> {
    const uris: string[] = [];
    await forEachLimited(dirUris, CONCURRENCY, async (dirUri) => {
      for await (const f of this.list(dirUri)) uris.push(f.uri);
    });
    await this.deleteFiles(uris);
  }

  async deleteFiles(uris: readonly string[]): Promise<void> {
    const keys = new Map<string, string[]>();
    for (const uri of uris) {
      const at = parseS3Uri(uri);
      let list = keys.get(at.bucket);
      if (!list) keys.set(at.bucket, (list = []));
      list.push(at.key);
    }
    const batches = [...keys].flatMap(([bucket, all]) =>
      Array.from({ length: Math.ceil(all.length / DELETE_BATCH) }, (_, i) => ({
        bucket,
        keys: all.slice(i * DELETE_BATCH, (i + 1) * DELETE_BATCH),
      })),
    );
    await forEachLimited(batches, CONCURRENCY, (b) => this.deleteBatch(b.bucket, b.keys));
  }

  private async deleteBatch(bucket: string, keys: readonly string[]): Promise<void> {
    const what = `DeleteObjects s3://${bucket} (${keys.length} keys from ${keys[0]})`;
    const r = await this.request(what, () =>
      this.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    const failed = r.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new QuarryError(
        'EXCHANGE_IO_ERROR',
        `S3 DeleteObjects could not delete ${failed.length} of ${keys.length} objects in s3://${bucket}, e.g. ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
      );
    }
  }

  /**
   * One ListObjectsV2 of at most one key under the directory: it fails with NoSuchBucket,
   * AccessDenied, InvalidAccessKeyId or a host that does not resolve, as reads and writes would.
   */
  async checkDirectory(dirUri: string): Promise<void> {
    const dir = parseS3Uri(dirUri);
    await this.request(`ListObjectsV2 ${dirUri}/ (bucket '${dir.bucket}' check)`, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: dir.bucket, Prefix: dirPrefix(dir), MaxKeys: 1 })),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
