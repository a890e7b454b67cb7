import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { TestS3 } from '@quarry/testkit';
import { toPath } from '@quarry/storage';

/** One storage backend as the contract suite sees it: configuration, and raw access for checks. */
export interface Backend {
  readonly name: string;
  /** The two base directories, as the configuration normalizes them. */
  readonly bases: readonly string[];
  /** `exchange-manager.properties` for these base directories. */
  properties(overrides?: Record<string, string>): Record<string, string>;
  /** Every file in the backend's storage (whole buckets on S3), as URIs. */
  listAll(): Promise<string[]>;
  readRaw(uri: string): Promise<Buffer>;
  writeRaw(uri: string, bytes: Uint8Array): Promise<void>;
  /** Removes everything, between tests. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export function localBackend(): Backend {
  const dirs = [mkdtempSync(join(tmpdir(), 'qx-a-')), mkdtempSync(join(tmpdir(), 'qx-b-'))];
  const files = (dir: string) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => pathToFileURL(join(e.parentPath, e.name)).href);
  return {
    name: 'local directories',
    bases: dirs.map((d) => pathToFileURL(d).href),
    properties: (overrides = {}) => ({ 'exchange.base-directories': dirs.join(','), ...overrides }),
    listAll: async () => dirs.flatMap(files),
    readRaw: async (uri) => readFileSync(toPath(uri)),
    writeRaw: async (uri, bytes) => {
      mkdirSync(dirname(toPath(uri)), { recursive: true });
      writeFileSync(toPath(uri), bytes);
    },
    clear: async () => {
      for (const d of dirs)
        for (const e of readdirSync(d)) rmSync(join(d, e), { recursive: true, force: true });
    },
    close: async () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}

/** Two buckets of a test S3 server; the first used with a key prefix, the second whole. */
export function s3Backend(s3: TestS3, endpoint = s3.endpoint): Backend {
  const [b1, b2] = s3.buckets as [string, string];
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  });
  const split = (uri: string) => {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    return { Bucket: rest.slice(0, slash), Key: rest.slice(slash + 1) };
  };
  const keys = async (bucket: string): Promise<string[]> => {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      out.push(...(r.Contents ?? []).map((o) => o.Key!));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  };
  return {
    name: 'S3 (two buckets)',
    bases: [`s3://${b1}/spool`, `s3://${b2}`],
    properties: (overrides = {}) =>
      s3.exchangeProperties({
        'exchange.base-directories': `s3://${b1}/spool/, s3://${b2}`,
        'exchange.s3.endpoint': endpoint,
        'exchange.s3.max-error-retries': '3',
        ...overrides,
      }),
    listAll: async () =>
      (await Promise.all([b1, b2].map(async (b) => (await keys(b)).map((k) => `s3://${b}/${k}`)))).flat(),
    readRaw: async (uri) => {
      const r = await client.send(new GetObjectCommand(split(uri)));
      return Buffer.from(await r.Body!.transformToByteArray());
    },
    writeRaw: async (uri, bytes) => {
      await client.send(new PutObjectCommand({ ...split(uri), Body: bytes }));
    },
    clear: async () => {
      for (const b of [b1, b2]) {
        const all = await keys(b);
        for (let i = 0; i < all.length; i += 1000) {
          const batch = all.slice(i, i + 1000).map((Key) => ({ Key }));
          await client.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: batch } }));
        }
      }
    },
    close: async () => client.destroy(),
  };
}
