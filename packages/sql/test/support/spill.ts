/**
 * A spill space over a temporary directory for operator tests: real files, each page written as a
 * u32 length and its bytes (compression, encryption and limits are the worker's, tested there).
 * It counts the files it made, how many were read at once, how often one file was read, and lists
 * those still on disk.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpillFile, SpillSpace, SpillWriter } from '../../src/spi/spill.js';

export class TempSpillSpace implements SpillSpace {
  readonly dir = mkdtempSync(join(tmpdir(), 'quarry-sql-spill-'));
  /** Files made so far, and bytes written to them. */
  created = 0;
  bytesWritten = 0;
  /** Files made before the first was read (a sort's runs), and the most read at once (a merge's fan-in). */
  createdBeforeRead: number | undefined;
  mostReadAtOnce = 0;
  /** The most times one file was read (a chunked join reads its probe rows once per chunk). */
  mostReadsOfOneFile = 0;
  private reading = 0;

  create(): SpillWriter {
    const path = join(this.dir, `${++this.created}.spill`);
    let pages = 0;
    let bytes = 0;
    let finished = false;
    return {
      write: async (page) => {
        if (finished) throw new Error('write after finish');
        const head = Buffer.alloc(4);
        head.writeUInt32LE(page.byteLength);
        await appendFile(path, Buffer.concat([head, page]));
        pages++;
        bytes += 4 + page.byteLength;
        this.bytesWritten += 4 + page.byteLength;
      },
      finish: async () => {
        finished = true;
        if (pages === 0) await appendFile(path, Buffer.alloc(0));
        return this.spillFile(path, pages, bytes);
      },
    };
  }

  /** Files still on disk. */
  files(): string[] {
    return readdirSync(this.dir);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spillFile(path: string, pages: number, bytes: number): SpillFile {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const space = this;
    let reads = 0;
    return {
      pages,
      bytes,
      async *read() {
        space.createdBeforeRead ??= space.created;
        space.mostReadAtOnce = Math.max(space.mostReadAtOnce, ++space.reading);
        space.mostReadsOfOneFile = Math.max(space.mostReadsOfOneFile, ++reads);
        try {
          const data = await readFile(path);
          let at = 0;
          while (at < data.length) {
            const n = data.readUInt32LE(at);
            yield data.subarray(at + 4, at + 4 + n);
            at += 4 + n;
          }
        } finally {
          space.reading--;
        }
      },
      delete: () => rm(path, { force: true }),
    };
  }
}
