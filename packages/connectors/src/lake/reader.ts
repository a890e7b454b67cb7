import type { ObjectStorage } from '@quarry/storage';
import type { Page } from '@quarry/sql';
import { parquetMetadataAsync, parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';
import type { LakeColumn } from './metadata.js';
import { RAW_PARSERS } from './external-files.js';
import { matchColumns } from './external-types.js';
import { ColumnBuilder, physicalSchema } from './parquet-types.js';
import { readFlatColumns } from './flat-read.js';

/** A lake split: rows `[rowStart, rowEnd)` of one data file — one row group. */
export interface LakeSplitInfo {
  readonly uri: string;
  readonly bytes: number;
  readonly rowGroup: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  /** The table's columns (names and types): a worker needs no metadata read to decode. */
  readonly columns: readonly LakeColumn[];
  /**
   * A file of a registered or external table, written by someone else: its columns are found by
   * name (case-insensitively) and checked against the table's, and values converted
   * (`external-types.ts`).
   */
  readonly external?: boolean;
}

type Builders = Map<
  string,
  { builder: ColumnBuilder; convert: ((data: ArrayLike<unknown>) => ArrayLike<unknown>) | undefined }
>;

/** Rows per page handed to the engine. */
export const PAGE_ROWS = 8192;
const FOOTER_FETCH = 64 * 1024;
const FOOTER_CACHE = 64;

/**
 * Snappy pages are decompressed in WebAssembly (hysnappy, about twice the speed of hyparquet's
 * JavaScript decoder); one instance per thread, made on first use.
 */
let uncompress: ((input: Uint8Array, outputLength: number) => Uint8Array) | undefined;
const snappy = () => (uncompress ??= snappyUncompressor());

/** Counters of what page sources read, for tests and metrics. */
export interface LakeScanStats {
  rowGroupsRead: number;
  bytesRead: number;
  /** Column chunks decoded by `flat-chunk.ts`, and read by hyparquet instead (other files, types). */
  flatChunks: number;
  hyparquetChunks: number;
}

/**
 * Reads splits of lake data files. Data files never change once written, so their footers are
 * cached (a task reading several row groups of a file reads its footer once).
 */
export class LakeReader {
  private readonly footers = new Map<string, Promise<FileMetaData>>();

  constructor(
    private readonly storage: ObjectStorage,
    readonly stats: LakeScanStats,
  ) {}

  /** Pages of only `names`, in that order; with no names, pages of row counts only. */
  async *pages(split: LakeSplitInfo, names: readonly string[]): AsyncIterable<Page> {
    const columns = names.map((name) => {
      const c = split.columns.find((x) => x.name === name);
      if (!c) throw new Error(`lake: column '${name}' not in the split`);
      return c;
    });
    const total = split.rowEnd - split.rowStart;
    this.stats.rowGroupsRead++;
    if (columns.length === 0) {
      for (let at = 0; at < total; at += PAGE_ROWS)
        yield { blocks: [], rowCount: Math.min(PAGE_ROWS, total - at) };
      return;
    }
    const file = this.file(split);
    const metadata = await this.footer(split, file);
    const readings = split.external
      ? matchColumns(metadata.schema, columns, split.uri).map((m) => ({ name: m.fileName, ...m.column }))
      : columns.map((c) => ({ name: c.name, type: c.type, convert: undefined }));
    const builders: Builders = new Map(
      readings.map((r) => [r.name, { builder: new ColumnBuilder(r.type, total), convert: r.convert }]),
    );
    // the lake's own files: flat columns decoded here, the rest by hyparquet
    const rest = split.external
      ? readings.map((r) => r.name)
      : await readFlatColumns(
          {
            file,
            metadata,
            rowGroup: split.rowGroup,
            rowStart: split.rowStart,
            rows: total,
            builders,
            uncompress: snappy(),
          },
          readings.map((r) => r.name),
        );
    this.stats.flatChunks += readings.length - rest.length;
    this.stats.hyparquetChunks += rest.length;
    if (rest.length > 0) await this.readWithHyparquet({ split, file, metadata, builders }, rest);
    const data = readings.map((r) => builders.get(r.name)!.builder);
    for (let at = 0; at < total; at += PAGE_ROWS) {
      const end = Math.min(total, at + PAGE_ROWS);
      yield { blocks: data.map((b) => b.block(at, end)), rowCount: end - at };
      // let the event loop breathe between pages (cancellation, progress reports)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async readWithHyparquet(
    read: { split: LakeSplitInfo; file: AsyncBuffer; metadata: FileMetaData; builders: Builders },
    columns: string[],
  ): Promise<void> {
    const { split, file, metadata, builders } = read;
    await parquetRead({
      file,
      metadata: { ...metadata, schema: physicalSchema(metadata.schema) },
      columns,
      rowStart: split.rowStart,
      rowEnd: split.rowEnd,
      compressors: { SNAPPY: snappy() },
      parsers: RAW_PARSERS,
      onChunk: (c) => {
        const to = builders.get(c.columnName);
        to?.builder.put(c.rowStart - split.rowStart, to.convert ? to.convert(c.columnData) : c.columnData);
      },
    });
  }

  private file(split: LakeSplitInfo): AsyncBuffer {
    const { storage, stats } = this;
    return {
      byteLength: split.bytes,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? split.bytes;
        const bytes = await storage.readRange(split.uri, start, stop - start);
        stats.bytesRead += bytes.byteLength;
        // a range read into a buffer of its own is handed over as it is, not copied
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        if (whole && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    };
  }

  private footer(split: LakeSplitInfo, file: AsyncBuffer): Promise<FileMetaData> {
    let cached = this.footers.get(split.uri);
    if (!cached) {
      cached = parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH });
      cached.catch(() => this.footers.delete(split.uri));
      if (this.footers.size >= FOOTER_CACHE) this.footers.delete(this.footers.keys().next().value!);
      this.footers.set(split.uri, cached);
    }
    return cached;
  }
}
