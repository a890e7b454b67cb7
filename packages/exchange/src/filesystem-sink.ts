import { QuarryError } from '@quarry/common';
import { encodeFrame, fileHeader, type FileEncoding } from './format.js';
import type { ExchangeFile, ExchangeSink } from './spi.js';
import type { ObjectStorage, StorageWriter } from '@quarry/storage';

export interface SinkSettings {
  readonly dir: string;
  readonly partitionCount: number;
  readonly maxFileSize: number;
  readonly bufferSize: number;
  readonly encoding: FileEncoding;
  readonly fileUri: (partition: number, seq: number) => string;
}

interface OpenFile {
  readonly partition: number;
  readonly seq: number;
  readonly uri: string;
  readonly writer: StorageWriter;
  buffered: Buffer[];
  bufferedBytes: number;
  /** Bytes written or buffered in this file, header included. */
  fileBytes: number;
  pages: number;
}

/**
 * One task attempt's output: a file per output partition, rolled over past the maximum file size.
 * Memory held: per open partition, up to `exchange.sink-buffer-size` here plus what the storage
 * writer holds (on S3, up to two upload parts).
 */
export class FileSystemSink implements ExchangeSink {
  private readonly open = new Map<number, OpenFile>();
  private readonly done: ExchangeFile[] = [];
  private finished = false;
  private aborted = false;
  bytesAdded = 0;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly settings: SinkSettings,
  ) {}

  async add(partition: number, page: Uint8Array): Promise<void> {
    if (this.finished || this.aborted) {
      throw new QuarryError('GENERIC_INTERNAL_ERROR', 'add after finish or abort (this is a bug in quarry)');
    }
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.settings.partitionCount) {
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        `partition ${partition} out of range [0, ${this.settings.partitionCount}) (this is a bug in quarry)`,
      );
    }
    let f = this.open.get(partition);
    const index = f?.pages ?? 0;
    const parts = encodeFrame(page, index, this.settings.encoding);
    const frameBytes = parts.reduce((n, p) => n + p.length, 0);
    if (f && f.pages > 0 && f.fileBytes + frameBytes > this.settings.maxFileSize) {
      await this.close(f);
      f = this.openFile(partition, f.seq + 1);
      // The frame index is authenticated: encode again as the first frame of the new file.
      parts.splice(0, parts.length, ...encodeFrame(page, 0, this.settings.encoding));
    }
    f ??= this.openFile(partition, 0);
    for (const part of parts) {
      f.buffered.push(part);
      f.bufferedBytes += part.length;
      f.fileBytes += part.length;
    }
    f.pages++;
    this.bytesAdded += page.byteLength;
    if (f.bufferedBytes >= this.settings.bufferSize) await this.flush(f);
  }

  async finish(): Promise<ExchangeFile[]> {
    this.finished = true;
    for (const f of this.open.values()) await this.close(f);
    this.open.clear();
    return [...this.done].sort((a, b) => a.partition - b.partition || a.uri.localeCompare(b.uri));
  }

  async abort(): Promise<void> {
    this.aborted = true;
    await Promise.allSettled([...this.open.values()].map((f) => f.writer.abort()));
    this.open.clear();
    await this.storage.deleteRecursively([this.settings.dir]);
  }

  private openFile(partition: number, seq: number): OpenFile {
    const uri = this.settings.fileUri(partition, seq);
    const header = fileHeader(this.settings.encoding);
    const f: OpenFile = {
      partition,
      seq,
      uri,
      writer: this.storage.createFile(uri),
      buffered: [header],
      bufferedBytes: header.length,
      fileBytes: header.length,
      pages: 0,
    };
    this.open.set(partition, f);
    return f;
  }

  private async flush(f: OpenFile): Promise<void> {
    if (f.bufferedBytes === 0) return;
    const chunk = Buffer.concat(f.buffered, f.bufferedBytes);
    f.buffered = [];
    f.bufferedBytes = 0;
    await f.writer.write(chunk);
  }

  private async close(f: OpenFile): Promise<void> {
    await this.flush(f);
    await f.writer.finish();
    this.done.push({ uri: f.uri, partition: f.partition, bytes: f.fileBytes, pages: f.pages });
  }
}
