import { createReadStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import type { CompressionCodec } from './config.js';
import { generateExchangeKey } from './encryption.js';
import { encodeFrame, fileHeader, readFrames, type FileEncoding } from './format.js';

/**
 * How much may be spilled: the node's and the query's allowances (`max-spill-per-node`,
 * `query-max-spill-per-node`), shared by every task of the worker.
 */
export interface SpillLimits {
  /** Takes `bytes`; throws EXCEEDED_SPILL_LIMIT, taking nothing, when a limit would be passed. */
  reserve(bytes: number): void;
  /** Gives back bytes taken before. */
  release(bytes: number): void;
}

export interface SpillSpaceOptions {
  /** This task attempt's own directory: made with the first file, removed whole by `close`. */
  readonly directory: string;
  readonly codec: CompressionCodec;
  /** Encrypt every page with a key made for this space and held only in memory. */
  readonly encrypted: boolean;
  readonly limits?: SpillLimits;
}

/**
 * A task attempt's spill files on the worker's local disk: the exchange's file format (frames of
 * compressed, optionally encrypted pages, each with its checksum), so a page read back is checked
 * as an exchange page is. The pages are opaque bytes here. Every byte written is taken from the
 * spill limits first and given back when its file is deleted or the space closed; `close` deletes
 * the directory whatever is left in it (the task runner calls it when the attempt ends).
 */
export class LocalSpillSpace {
  private readonly encoding: FileEncoding;
  private readonly handles = new Set<FileHandle>();
  private made: Promise<unknown> | undefined;
  private seq = 0;
  private closed = false;
  /** Bytes on disk now, taken from the limits. */
  private held = 0;
  /** Bytes ever written (the task's spilled bytes). */
  bytesWritten = 0;

  constructor(private readonly options: SpillSpaceOptions) {
    this.encoding = { codec: options.codec, ...(options.encrypted ? { key: generateExchangeKey() } : {}) };
  }

  get directory(): string {
    return this.options.directory;
  }

  create(): LocalSpillWriter {
    this.checkOpen();
    return new LocalSpillWriter(this, join(this.options.directory, `${++this.seq}.qsp`));
  }

  /** Deletes every file of the space and gives their bytes back. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.handles].map((h) => h.close()));
    this.handles.clear();
    // nothing spilled, nothing to remove: most tasks never spill, and a removal is a trip to libuv's pool
    if (this.made) await rm(this.options.directory, { recursive: true, force: true });
    this.give(this.held);
  }

  /** @internal */
  header(): Buffer {
    return fileHeader(this.encoding);
  }

  /** @internal The frame of one page. */
  frame(page: Uint8Array, index: number): Buffer[] {
    return encodeFrame(page, index, this.encoding);
  }

  /** @internal */
  async openFile(path: string): Promise<FileHandle> {
    this.checkOpen();
    this.made ??= mkdir(this.options.directory, { recursive: true });
    const handle = await io(path, async () => (await this.made, open(path, 'wx')));
    this.handles.add(handle);
    return handle;
  }

  /** @internal */
  async closeFile(handle: FileHandle, path: string): Promise<void> {
    this.handles.delete(handle);
    await io(path, () => handle.close());
  }

  /** @internal Takes bytes from the limits before they are written. */
  take(bytes: number): void {
    this.checkOpen();
    this.options.limits?.reserve(bytes);
    this.held += bytes;
    this.bytesWritten += bytes;
  }

  /** @internal */
  give(bytes: number): void {
    const n = Math.min(bytes, this.held);
    this.held -= n;
    if (n > 0) this.options.limits?.release(n);
  }

  /** @internal */
  readFile(path: string, written: { pages: number; bytes: number }): AsyncIterable<Uint8Array> {
    return readFrames(path, createReadStream(path, { highWaterMark: 64 * 1024 }), {
      key: this.encoding.key,
      ...written,
    });
  }

  private checkOpen(): void {
    if (this.closed)
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        'spill space used after close (this is a bug in quarry)',
      );
  }
}

/** One spill file being written: pages in order, then `finish`. */
export class LocalSpillWriter {
  private handle: Promise<FileHandle> | undefined;
  private pages = 0;
  private bytes = 0;
  private finished = false;

  constructor(
    private readonly space: LocalSpillSpace,
    readonly path: string,
  ) {}

  async write(page: Uint8Array): Promise<void> {
    if (this.finished)
      throw new QuarryError('GENERIC_INTERNAL_ERROR', 'spill write after finish (this is a bug in quarry)');
    const handle = await this.opened();
    const parts = this.space.frame(page, this.pages);
    await this.append(handle, parts);
    this.pages++;
  }

  async finish(): Promise<LocalSpillFile> {
    if (this.finished)
      throw new QuarryError('GENERIC_INTERNAL_ERROR', 'spill file finished twice (this is a bug in quarry)');
    this.finished = true;
    // a file that got no page still exists, with its header: reading it gives no page
    const handle = await this.opened();
    await this.space.closeFile(handle, this.path);
    return new LocalSpillFile(this.space, this.path, { pages: this.pages, bytes: this.bytes });
  }

  /** The file, made with its header on first use. */
  private opened(): Promise<FileHandle> {
    return (this.handle ??= this.space.openFile(this.path).then(async (handle) => {
      await this.append(handle, [this.space.header()]);
      return handle;
    }));
  }

  /** Writes bytes taken from the spill limits first (nothing is written when they are refused). */
  private async append(handle: FileHandle, parts: Buffer[]): Promise<void> {
    const n = parts.reduce((s, p) => s + p.length, 0);
    this.space.take(n);
    this.bytes += n;
    await io(this.path, () => handle.writev(parts));
  }
}

/** A finished spill file: read any number of times, then deleted. */
export class LocalSpillFile {
  private deleted = false;

  constructor(
    private readonly space: LocalSpillSpace,
    readonly path: string,
    private readonly written: { readonly pages: number; readonly bytes: number },
  ) {}

  get pages(): number {
    return this.written.pages;
  }

  get bytes(): number {
    return this.written.bytes;
  }

  read(): AsyncIterable<Uint8Array> {
    return this.space.readFile(this.path, this.written);
  }

  async delete(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    await io(this.path, () => rm(this.path, { force: true }));
    this.space.give(this.written.bytes);
  }
}

async function io<T>(path: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    throw new QuarryError('SPILL_IO_ERROR', `Spill file ${path}: ${(e as Error).message}`, { cause: e });
  }
}
