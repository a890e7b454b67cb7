import { QuarryError } from '@quarry/common';
import type { ExchangeConfig } from './config.js';
import { fileHeader, frame, readFrames } from './format.js';
import type { ExchangeFile, ExchangeManager, ExchangeSink, SinkId } from './spi.js';
import type { ExchangeStorage, StorageWriter } from './storage.js';

/**
 * Trino's filesystem exchange model over an {@link ExchangeStorage}.
 *
 * Layout: `<base>/<queryId>/<exchangeId>/<taskPartition>.<attempt>/<partition>.<seq>.qx`.
 * The base directory of a task's output is `bases[(exchangeOrdinal + taskPartition) % bases.length]`:
 * consecutive tasks of one exchange go to consecutive directories, and each exchange starts one
 * further along, so the files of a query are spread evenly (within one file per directory).
 */
export class FileSystemExchange implements ExchangeManager {
  readonly baseDirectories: readonly string[];

  constructor(
    private readonly storage: ExchangeStorage,
    private readonly config: ExchangeConfig,
  ) {
    if (config.baseDirectories.length === 0) {
      throw new QuarryError('INVALID_CONFIGURATION', 'exchange.base-directories is empty');
    }
    this.baseDirectories = config.baseDirectories;
  }

  baseFor(exchangeOrdinal: number, taskPartition: number): string {
    const n = this.baseDirectories.length;
    return this.baseDirectories[(((exchangeOrdinal + taskPartition) % n) + n) % n]!;
  }

  attemptDir(id: Omit<SinkId, 'partitionCount'>): string {
    const base = this.baseFor(id.exchangeOrdinal, id.taskPartition);
    return `${base}/${id.queryId}/${id.exchangeId}/${id.taskPartition}.${id.attempt}`;
  }

  createSink(id: SinkId): ExchangeSink {
    return new FileSystemSink(this.storage, this.attemptDir(id), id.partitionCount, this.config);
  }

  async *read(files: readonly ExchangeFile[]): AsyncIterable<Uint8Array> {
    for (const f of files) yield* readFrames(f.uri, this.storage.read(f.uri));
  }

  async deleteAttempt(id: Omit<SinkId, 'partitionCount'>): Promise<void> {
    await this.storage.deleteRecursively(this.attemptDir(id));
  }

  async deleteExchange(queryId: string, exchangeId: string): Promise<void> {
    await Promise.all(
      this.baseDirectories.map((b) => this.storage.deleteRecursively(`${b}/${queryId}/${exchangeId}`)),
    );
  }

  async deleteQuery(queryId: string): Promise<void> {
    await Promise.all(this.baseDirectories.map((b) => this.storage.deleteRecursively(`${b}/${queryId}`)));
  }
}

interface OpenFile {
  readonly partition: number;
  seq: number;
  uri: string;
  writer: StorageWriter;
  buffered: Buffer[];
  bufferedBytes: number;
  /** Bytes written or buffered in the current file, header included. */
  fileBytes: number;
  pages: number;
}

class FileSystemSink implements ExchangeSink {
  private readonly open = new Map<number, OpenFile>();
  private readonly done: ExchangeFile[] = [];
  private finished = false;
  private aborted = false;
  bytesAdded = 0;

  constructor(
    private readonly storage: ExchangeStorage,
    private readonly dir: string,
    private readonly partitionCount: number,
    private readonly config: ExchangeConfig,
  ) {}

  async add(partition: number, page: Uint8Array): Promise<void> {
    if (this.finished || this.aborted)
      throw new QuarryError('GENERIC_INTERNAL_ERROR', 'add after finish or abort (this is a bug in quarry)');
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitionCount) {
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        `partition ${partition} out of range [0, ${this.partitionCount}) (this is a bug in quarry)`,
      );
    }
    let f = this.open.get(partition);
    if (f && f.fileBytes > 0 && f.fileBytes + page.byteLength > this.config.sinkMaxFileSize) {
      await this.close(f);
      f = this.openFile(partition, f.seq + 1);
    }
    f ??= this.openFile(partition, 0);
    for (const part of frame(page)) {
      f.buffered.push(part);
      f.bufferedBytes += part.length;
      f.fileBytes += part.length;
    }
    f.pages++;
    this.bytesAdded += page.byteLength;
    if (f.bufferedBytes >= this.config.sinkBufferSize) await this.flush(f);
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
    await this.storage.deleteRecursively(this.dir);
  }

  private openFile(partition: number, seq: number): OpenFile {
    const uri = `${this.dir}/${partition}.${seq}.qx`;
    const header = fileHeader();
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
