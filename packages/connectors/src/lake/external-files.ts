import { QuarryError } from '@quarry/common';
import { physicalKind } from '@quarry/sql';
import type { ObjectStorage, StoredFile } from '@quarry/storage';
import { parquetMetadataAsync, type AsyncBuffer, type FileMetaData, type ParquetParsers } from 'hyparquet';
import { columnsOfFile, matchColumns } from './external-types.js';
import { footerStats } from './external-stats.js';
import { fileName } from './layout.js';
import type { DataFileEntry, LakeColumn } from './metadata.js';
import type { EncodedStats, EncodedValue } from './stats.js';

const FOOTER_FETCH = 64 * 1024;
const FOOTER_CACHE = 1024;

/**
 * Footer values as stored: days, microseconds (millis and nanos converted), so statistics compare
 * with the engine's values.
 */
export const RAW_PARSERS: Partial<ParquetParsers> = {
  dateFromDays: (days) => days,
  timestampFromMilliseconds: (ms) => BigInt(ms) * 1000n,
  timestampFromMicroseconds: (us) => BigInt(us),
  timestampFromNanoseconds: (ns) => {
    const v = BigInt(ns);
    return v >= 0n ? v / 1000n : -((-v + 999n) / 1000n);
  },
};

/**
 * The data files of an external location and their Parquet footers. A location is one file or a
 * directory; a directory's files are all files below it whose path has no segment starting with
 * `_` or `.` (Spark's `_SUCCESS`, checksum files). Files are listed again on every query (files
 * added since are read, as Hive's external tables do); footers are cached by path, size and
 * modification time.
 */
export class ExternalFiles {
  private readonly footers = new Map<string, Promise<FileMetaData>>();

  constructor(private readonly storage: ObjectStorage) {}

  /** The location's data files, sorted by URI; NOT_FOUND-like errors name the location. */
  async list(location: string): Promise<StoredFile[]> {
    const slash = location.lastIndexOf('/');
    const parent = await this.storage.listDirectory(location.slice(0, slash));
    const name = location.slice(slash + 1);
    const single = parent.files.find((f) => fileName(f.uri) === name);
    if (single) return [single];
    const files: StoredFile[] = [];
    for await (const f of this.storage.list(location)) {
      const relative = f.uri.slice(location.length + 1).split('/');
      if (relative.some((s) => s.startsWith('_') || s.startsWith('.'))) continue;
      files.push(f);
    }
    if (files.length === 0) {
      const exists = parent.directories.includes(decodeURIComponent(name));
      throw new QuarryError(
        exists ? 'INVALID_ARGUMENTS' : 'TABLE_NOT_FOUND',
        exists
          ? `lake: location '${location}' holds no data files`
          : `lake: location '${location}' does not exist`,
      );
    }
    return files.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  /** A file's Parquet footer; INVALID_ARGUMENTS naming the file when it is not Parquet. */
  footer(file: StoredFile): Promise<FileMetaData> {
    const key = `${file.uri}\n${file.bytes}\n${file.modified.getTime()}`;
    let cached = this.footers.get(key);
    if (!cached) {
      cached = parquetMetadataAsync(this.buffer(file), {
        initialFetchSize: FOOTER_FETCH,
        parsers: RAW_PARSERS,
      }).catch((e: unknown) => {
        this.footers.delete(key);
        throw new QuarryError(
          'INVALID_ARGUMENTS',
          `lake: ${file.uri} is not a readable Parquet file (${(e as Error).message})`,
          { cause: e },
        );
      });
      if (this.footers.size >= FOOTER_CACHE) this.footers.delete(this.footers.keys().next().value!);
      this.footers.set(key, cached);
    }
    return cached;
  }

  /** The columns the location's first file defines (every file is checked against them on reading). */
  async columnsOf(files: readonly StoredFile[]): Promise<LakeColumn[]> {
    const first = files[0]!;
    return columnsOfFile((await this.footer(first)).schema, first.uri);
  }

  /**
   * Every file as a data file entry with its row groups and their statistics from the footers,
   * each file's schema checked against the table's columns (TYPE_MISMATCH naming file and column).
   */
  async entries(files: readonly StoredFile[], columns: readonly LakeColumn[]): Promise<DataFileEntry[]> {
    return Promise.all(
      files.map(async (file) => {
        const footer = await this.footer(file);
        const matched = matchColumns(footer.schema, columns, file.uri);
        const rowGroups = footer.row_groups.map((g) => ({
          rows: Number(g.num_rows),
          // a column whose footer has no null count has no entry: readers of stats allow for that
          stats: footerStats(g, matched, columns) as EncodedStats[],
        }));
        return {
          path: file.uri,
          bytes: file.bytes,
          rows: Number(footer.num_rows),
          rowGroups,
          stats: mergeStats(rowGroups, columns),
        };
      }),
    );
  }

  private buffer(file: StoredFile): AsyncBuffer {
    const { storage } = this;
    return {
      byteLength: file.bytes,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? file.bytes;
        const bytes = await storage.readRange(file.uri, start, stop - start);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    };
  }
}

/** A file's statistics from its row groups': null counts added, the widest range, or none. */
function mergeStats(
  groups: readonly { rows: number; stats: readonly (EncodedStats | undefined)[] }[],
  columns: readonly LakeColumn[],
): EncodedStats[] {
  return columns.map((column, i) => {
    const long = physicalKind(column.type) === 'long';
    const less = (a: EncodedValue, b: EncodedValue) =>
      long ? BigInt(a as string) < BigInt(b as string) : a < b;
    let nulls = 0;
    let min: EncodedValue | undefined;
    let max: EncodedValue | undefined;
    let ranged = true;
    for (const g of groups) {
      const s = g.stats[i];
      if (!s) return undefined;
      nulls += s.nulls;
      if (g.rows - s.nulls <= 0) continue;
      if (s.min === undefined || s.max === undefined) ranged = false;
      else {
        if (min === undefined || less(s.min, min)) min = s.min;
        if (max === undefined || less(max, s.max)) max = s.max;
      }
    }
    return ranged && min !== undefined && max !== undefined ? { nulls, min, max } : { nulls };
  }) as EncodedStats[];
}
