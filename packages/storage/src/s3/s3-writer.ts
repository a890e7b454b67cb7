import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { internalError } from '@quarry/common';
import type { StorageWriter } from '../storage.js';
import { withRetries } from './retry.js';
import type { S3Location } from './s3-uri.js';

export interface S3WriterOptions {
  readonly client: S3Client;
  readonly at: S3Location;
  /** Bytes per part of a multipart upload; a smaller file is one PutObject. */
  readonly partSize: number;
  readonly maxRetries: number;
  /** The server, for errors. */
  readonly endpoint: string;
}

/**
 * One object written as a stream. Bytes gather until a part's worth (`exchange.s3.upload.part-size`
 * for the exchange):
 * a file that never reaches it is one PutObject at `finish`; a larger one becomes a multipart upload,
 * each part sent while the next gathers. Memory: at most one part gathering and one in flight.
 * Nothing is visible under the key until `finish` resolves; `abort` cancels the upload.
 */
export class S3Writer implements StorageWriter {
  private chunks: Buffer[] = [];
  private gathered = 0;
  private uploadId: Promise<string> | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly parts: CompletedPart[] = [];
  private state: 'open' | 'finished' | 'aborted' = 'open';

  private readonly client: S3Client;
  private readonly at: S3Location;
  private readonly partSize: number;

  constructor(private readonly options: S3WriterOptions) {
    this.client = options.client;
    this.at = options.at;
    this.partSize = options.partSize;
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.state !== 'open') throw internalError(`write to ${this.uri} after finish or abort`);
    this.chunks.push(chunk);
    this.gathered += chunk.length;
    if (this.gathered >= this.partSize) await this.sendPart();
  }

  async finish(): Promise<void> {
    if (this.state !== 'open') throw internalError(`finish of ${this.uri} after finish or abort`);
    if (this.uploadId === undefined) {
      const body = this.take();
      await this.retry('PutObject', () =>
        this.client.send(new PutObjectCommand({ Bucket: this.at.bucket, Key: this.at.key, Body: body })),
      );
    } else {
      if (this.gathered > 0) await this.sendPart();
      await this.inFlight;
      const uploadId = await this.uploadId;
      await this.retry('CompleteMultipartUpload', () =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.at.bucket,
            Key: this.at.key,
            UploadId: uploadId,
            MultipartUpload: { Parts: this.parts },
          }),
        ),
      );
    }
    this.state = 'finished';
  }

  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    this.state = 'aborted';
    this.chunks = [];
    this.gathered = 0;
    await this.inFlight?.catch(() => {});
    const uploadId = await this.uploadId?.catch(() => undefined);
    if (uploadId === undefined) return;
    await this.retry('AbortMultipartUpload', () =>
      this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.at.bucket, Key: this.at.key, UploadId: uploadId }),
      ),
    ).catch(() => {}); // an upload that was never completed expires with the bucket's lifecycle rule
  }

  /** Waits for the part before (its failure fails this call), then starts sending what gathered. */
  private async sendPart(): Promise<void> {
    if (this.uploadId === undefined) {
      this.uploadId = this.retry('CreateMultipartUpload', async () => {
        const r = await this.client.send(
          new CreateMultipartUploadCommand({ Bucket: this.at.bucket, Key: this.at.key }),
        );
        if (!r.UploadId) throw internalError(`S3 returned no upload id for ${this.uri}`);
        return r.UploadId;
      });
      this.uploadId.catch(() => {}); // awaited below, or by abort
    }
    await this.inFlight;
    const uploadId = await this.uploadId;
    const body = this.take();
    const partNumber = this.parts.length + 1;
    const slot: CompletedPart = { PartNumber: partNumber };
    this.parts.push(slot);
    this.inFlight = this.retry(`UploadPart ${partNumber}`, async () => {
      const r = await this.client.send(
        new UploadPartCommand({
          Bucket: this.at.bucket,
          Key: this.at.key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
      );
      slot.ETag = r.ETag;
    });
    // Seen by the next sendPart or finish; never an unhandled rejection meanwhile.
    this.inFlight.catch(() => {});
  }

  private take(): Buffer {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.gathered);
    this.chunks = [];
    this.gathered = 0;
    return body;
  }

  private retry<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const { maxRetries, endpoint } = this.options;
    return withRetries({ what: `${op} ${this.uri}`, maxRetries, endpoint }, fn);
  }

  private get uri(): string {
    return `s3://${this.at.bucket}/${this.at.key}`;
  }
}
