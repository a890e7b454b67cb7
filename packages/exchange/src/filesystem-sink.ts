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
  /**
   * When the attempt's whole output (every file, headers included) stays within this many bytes,
   * nothing is written to storage: `finish` returns the files with their bytes in `data`, for the
   * coordinator to keep with the winner and hand to readers (see {@link ExchangeFile.data}). 0: never.
   */
  readonly inlineMaxBytes: number;
}

interface OpenFile {
  readonly partition: number;
  readonly seq: number;
  readonly uri: string;
  /** Made at the first write: an output kept inline never touches storage. */
  writer: StorageWriter | undefined;
  buffered: Buffer[];
  bufferedBytes: number;
  /** Bytes written or buffered in this file, header included. */
  fileBytes: number;
  pages: number;
}

/**
 * One task attempt's output: a file per output partition, rolled over past the maximum file size.
 * Memory held: per open partition, up to `exchange.sink-buffer-size` here plus what the storage
 * writer holds (on S3, up to two upload parts). A tiny output (within `inlineMaxBytes`) is held
 * whole and returned inline instead; the moment it grows past that, what it held is written out
 * and the sink goes on as any other.
 */
export class FileSystemSink implements ExchangeSink {
  private readonly open = new Map<number, OpenFile>();
  private readonly done: ExchangeFile[] = [];
  private finished = false;
  private aborted = false;
  /** Bytes of every file so far, while the output may still be returned inline; undefined after. */
  private inlineBytes: number | undefined;
  bytesAdded = 0;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly settings: SinkSettings,
  ) {
    if (settings.inlineMaxBytes > 0) this.inlineBytes = 0;
  }

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
    if (this.inlineBytes !== undefined) {
      this.inlineBytes += frameBytes;
      if (this.inlineBytes > this.settings.inlineMaxBytes) await this.spoolInlined();
    }
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
    await Promise.allSettled([...this.open.values()].map((f) => f.writer?.abort()));
    this.open.clear();
    await this.storage.deleteRecursively([this.settings.dir]);
  }

  private openFile(partition: number, seq: number): OpenFile {
    const uri = this.settings.fileUri(partition, seq);
    const header = fileHeader(this.settings.encoding);
    if (this.inlineBytes !== undefined) this.inlineBytes += header.length;
    const f: OpenFile = {
      partition,
      seq,
      uri,
      writer: undefined,
      buffered: [header],
      bufferedBytes: header.length,
      fileBytes: header.length,
      pages: 0,
    };
    this.open.set(partition, f);
    return f;
  }

  private async flush(f: OpenFile): Promise<void> {
    if (f.bufferedBytes === 0 || this.inlineBytes !== undefined) return;
    const chunk = Buffer.concat(f.buffered, f.bufferedBytes);
    f.buffered = [];
    f.bufferedBytes = 0;
    f.writer ??= this.storage.createFile(f.uri);
    await f.writer.write(chunk);
  }

  private async close(f: OpenFile): Promise<void> {
    const file = { uri: f.uri, partition: f.partition, bytes: f.fileBytes, pages: f.pages };
    if (this.inlineBytes !== undefined) {
      this.done.push({ ...file, data: Buffer.concat(f.buffered, f.bufferedBytes) });
      return;
    }
    await this.flush(f);
    f.writer ??= this.storage.createFile(f.uri);
    await f.writer.finish();
    this.done.push(file);
  }

  /** The output outgrew the inline limit: the files closed so far are written out; open ones flush as usual. */
  private async spoolInlined(): Promise<void> {
    this.inlineBytes = undefined;
    for (let i = 0; i < this.done.length; i++) {
      const { data, ...file } = this.done[i]!;
      if (!data) continue;
      const writer = this.storage.createFile(file.uri);
      await writer.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      await writer.finish();
      this.done[i] = file;
    }
  }
}
