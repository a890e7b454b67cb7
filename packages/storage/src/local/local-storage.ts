import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { QuarryError } from '@quarry/common';
import type { DirectoryListing, ObjectStorage, StorageWriter, StoredFile } from '../storage.js';
import { READ_CHUNK, SyncFileWriter, readChunksSync, readRangeSync } from './sync-files.js';

/** Files in local directories (the embedded default). URIs are `file://` URLs. */
export class LocalStorage implements ObjectStorage {
  readonly prefixShards = 1;

  /**
   * @param syncIo reads and writes files synchronously (sync-files.ts): the default off the main
   *   thread (task and planner threads), where nothing else waits for the thread meanwhile.
   */
  constructor(private readonly syncIo = !isMainThread) {}

  createFile(uri: string): StorageWriter {
    return this.syncIo ? new SyncWriter(toPath(uri)) : new LocalWriter(toPath(uri));
  }

  /**
   * The file through one handle, in chunks of at most {@link READ_CHUNK} sized to what is left: a
   * small file (most exchange files) is one read into a buffer of its own size, not a 1 MB stream
   * buffer; the size read at open is final, since files are complete once visible.
   */
  async *read(uri: string): AsyncIterable<Uint8Array> {
    if (this.syncIo) {
      try {
        yield* readChunksSync(toPath(uri));
      } catch (e) {
        throw ioError(`Cannot read ${uri}`, e);
      }
      return;
    }
    let fh: FileHandle | undefined;
    try {
      fh = await open(toPath(uri), 'r');
      let left = (await fh.stat()).size;
      while (left > 0) {
        const chunk = Buffer.allocUnsafe(Math.min(left, READ_CHUNK));
        const got = await readFully(fh, chunk);
        if (got === 0) break;
        left -= got;
        yield got === chunk.length ? chunk : chunk.subarray(0, got);
      }
    } catch (e) {
      throw ioError(`Cannot read ${uri}`, e);
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  async deleteRecursively(dirUris: readonly string[]): Promise<void> {
    await Promise.all(
      dirUris.map(async (dirUri) => {
        try {
          await rm(toPath(dirUri), { recursive: true, force: true });
        } catch (e) {
          throw ioError(`Cannot delete ${dirUri}`, e);
        }
      }),
    );
  }

  async deleteFiles(uris: readonly string[]): Promise<void> {
    await Promise.all(
      uris.map(async (uri) => {
        try {
          await rm(toPath(uri), { force: true });
        } catch (e) {
          throw ioError(`Cannot delete ${uri}`, e);
        }
      }),
    );
  }

  async *list(dirUri: string): AsyncIterable<StoredFile> {
    let entries;
    try {
      entries = await readdir(toPath(dirUri), { recursive: true, withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw ioError(`Cannot list ${dirUri}`, e);
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const s = await stat(path).catch(() => undefined); // deleted meanwhile
      if (s) yield { uri: pathToFileURL(path).href, bytes: s.size, modified: s.mtime };
    }
  }

  async readRange(uri: string, offset: number, length: number): Promise<Uint8Array> {
    let fh: FileHandle | undefined;
    try {
      if (this.syncIo) return readRangeSync(toPath(uri), offset, length);
      fh = await open(toPath(uri), 'r');
      // every byte is read over (a short read hands out only what was read): no zero fill
      const out = Buffer.allocUnsafeSlow(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(out, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? out : out.subarray(0, got);
    } catch (e) {
      throw ioError(`Cannot read ${length} bytes at ${offset} of ${uri}`, e);
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  /** Written aside, then hard-linked to the name: `link` fails with EEXIST when the name is taken. */
  async createExclusive(uri: string, bytes: Uint8Array): Promise<boolean> {
    const path = toPath(uri);
    const aside = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(aside, bytes, { flush: true });
      await link(aside, path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw ioError(`Cannot create ${uri}`, e);
    } finally {
      await rm(aside, { force: true }).catch(() => {});
    }
  }

  async listDirectory(dirUri: string): Promise<DirectoryListing> {
    const dir = toPath(dirUri);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { directories: [], files: [] };
      throw ioError(`Cannot list ${dirUri}`, e);
    }
    const directories = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    const files: StoredFile[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(dir, entry.name);
      const s = await stat(path).catch(() => undefined); // deleted meanwhile
      if (s) files.push({ uri: pathToFileURL(path).href, bytes: s.size, modified: s.mtime });
    }
    return { directories: directories.sort(), files };
  }

  /** Made when missing; a probe file written (flushed) and removed proves it can be written. */
  async checkDirectory(dirUri: string): Promise<void> {
    const dir = toPath(dirUri);
    const probe = join(dir, `.quarry-probe-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(probe, 'probe', { flush: true });
    } catch (e) {
      throw new QuarryError(
        'STORAGE_UNAVAILABLE',
        `Local directory ${dir} cannot be used: ${(e as Error).message}`,
        { cause: e },
      );
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
  }

  async close(): Promise<void> {}
}

/** Writes to `<path>.tmp` and renames at finish, so a file is either complete or absent. */
class LocalWriter implements StorageWriter {
  private handle: Promise<FileHandle> | undefined;
  private readonly tmp: string;

  constructor(private readonly path: string) {
    this.tmp = `${path}.tmp`;
  }

  async write(chunk: Buffer): Promise<void> {
    this.handle ??= mkdir(dirname(this.path), { recursive: true }).then(() => open(this.tmp, 'w'));
    try {
      const fh = await this.handle;
      await fh.write(chunk);
    } catch (e) {
      throw ioError(`Cannot write ${this.path}`, e);
    }
  }

  async finish(): Promise<void> {
    try {
      if (!this.handle) await this.write(Buffer.alloc(0));
      const fh = await this.handle!;
      await fh.close();
      await rename(this.tmp, this.path);
    } catch (e) {
      throw ioError(`Cannot finish ${this.path}`, e);
    }
  }

  async abort(): Promise<void> {
    if (this.handle) await (await this.handle.catch(() => undefined))?.close().catch(() => {});
    await rm(this.tmp, { force: true });
    await rm(this.path, { force: true });
  }
}

/** {@link SyncFileWriter} behind the asynchronous interface, with the errors named as LocalWriter names them. */
class SyncWriter implements StorageWriter {
  private readonly file: SyncFileWriter;

  constructor(private readonly path: string) {
    this.file = new SyncFileWriter(path);
  }

  async write(chunk: Buffer): Promise<void> {
    try {
      this.file.write(chunk);
    } catch (e) {
      throw ioError(`Cannot write ${this.path}`, e);
    }
  }

  async finish(): Promise<void> {
    try {
      this.file.finish();
    } catch (e) {
      throw ioError(`Cannot finish ${this.path}`, e);
    }
  }

  async abort(): Promise<void> {
    this.file.abort();
  }
}

/** Fills `buf` from the handle's position; fewer bytes only at the end of the file. */
async function readFully(fh: FileHandle, buf: Buffer): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, null);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** The local path of a `file://` URI (a plain path is returned as it is). */
export function toPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

function ioError(message: string, cause: unknown): QuarryError {
  return new QuarryError('EXCHANGE_IO_ERROR', `${message}: ${(cause as Error).message}`, { cause });
}
