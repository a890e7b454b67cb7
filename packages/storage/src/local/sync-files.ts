import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Local file I/O done synchronously, for threads that have nothing else to do while they wait: a
 * task thread blocks on its own read (from the page cache, microseconds) instead of queueing it on
 * libuv's pool — four threads shared by the whole process, where every task thread's reads, writes
 * and opens would otherwise wait behind each other's. The main threads (heartbeats, NATS) keep
 * asynchronous I/O (`local-storage.ts` picks).
 */

/** Largest chunk a read hands out: what one read of a file holds in memory at most. */
export const READ_CHUNK = 1 << 20;

/** The file in chunks of at most {@link READ_CHUNK}, sized to what is left (the size at open is final). */
export function* readChunksSync(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    let left = fstatSync(fd).size;
    while (left > 0) {
      const chunk = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
      const got = fill(fd, chunk, null);
      if (got === 0) break;
      left -= got;
      yield got === chunk.length ? chunk : chunk.subarray(0, got);
    }
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes from `offset` (fewer past the end), in a buffer of its own. */
export function readRangeSync(path: string, offset: number, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    // every byte is read over (a short read hands out only what was read): no zero fill
    const out = Buffer.allocUnsafeSlow(length);
    const got = fill(fd, out, offset);
    return got === length ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Reads into `buf` from `position` (null: the file's position); fewer bytes only at the end. */
function fill(fd: number, buf: Buffer, position: number | null): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position === null ? null : position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * Directories this process made or found (a writer of many files in one directory makes it once).
 * One deleted since is made again: the open fails with ENOENT and is retried after a mkdir.
 */
const knownDirectories = new Set<string>();
const MAX_KNOWN_DIRECTORIES = 10_000;

/** Opens `path` for writing, making its directory when this process has not seen it yet. */
function openForWriting(path: string): number {
  const dir = dirname(path);
  if (knownDirectories.has(dir)) {
    try {
      return openSync(path, 'w');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      knownDirectories.delete(dir);
    }
  }
  mkdirSync(dir, { recursive: true });
  if (knownDirectories.size >= MAX_KNOWN_DIRECTORIES) knownDirectories.clear();
  knownDirectories.add(dir);
  return openSync(path, 'w');
}

/** A file written synchronously to `<path>.tmp` and renamed at finish (see LocalWriter). */
export class SyncFileWriter {
  private fd: number | undefined;
  private readonly tmp: string;

  constructor(private readonly path: string) {
    this.tmp = `${path}.tmp`;
  }

  write(chunk: Uint8Array): void {
    this.fd ??= openForWriting(this.tmp);
    for (let at = 0; at < chunk.length;) at += writeSync(this.fd, chunk, at, chunk.length - at);
  }

  finish(): void {
    if (this.fd === undefined) this.write(new Uint8Array(0));
    const fd = this.fd!;
    this.fd = undefined;
    closeSync(fd);
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    if (this.fd !== undefined) {
      const fd = this.fd;
      this.fd = undefined;
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
    rmSync(this.tmp, { force: true });
    rmSync(this.path, { force: true });
  }
}
