import type { ObjectStorage } from '@quarry/storage';
import { QuarryError } from '@quarry/common';
import type { DataType, Page } from '@quarry/sql';
import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SubColumnData,
} from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';
import type { LakeColumn } from './metadata.js';
import { RAW_PARSERS } from './external-files.js';
import { externalLeaf, matchColumns } from './external-types.js';
import { assembleRows, compositePlan, leafPaths, nativeLeaf } from './parquet-nested.js';
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
    const data = await decodeRowGroup({ split, file, metadata, readings, stats: this.stats });
    for (let at = 0; at < total; at += PAGE_ROWS) {
      const end = Math.min(total, at + PAGE_ROWS);
      yield { blocks: data.map((b) => b.block(at, end)), rowCount: end - at };
      // let the event loop breathe between pages (cancellation, progress reports)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
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

/** A column as a page source reads it: its name in the file, type, and conversion (external files). */
interface Reading {
  readonly name: string;
  readonly type: DataType;
  readonly convert?: ((data: ArrayLike<unknown>) => ArrayLike<unknown>) | undefined;
}

interface RowGroupRead {
  readonly split: LakeSplitInfo;
  readonly file: AsyncBuffer;
  readonly metadata: FileMetaData;
  readonly readings: readonly Reading[];
  readonly stats: LakeScanStats;
}

/**
 * The split's rows of each reading, decoded into one builder each. Flat columns arrive as chunks
 * of values; composite ones (groups in the file) as their leaves, page by page, and are assembled
 * once all have arrived (`parquet-nested.ts`). The two reads run side by side.
 */
async function decodeRowGroup(read: RowGroupRead): Promise<ColumnBuilder[]> {
  const { split, file, metadata, readings } = read;
  const total = split.rowEnd - split.rowStart;
  const builders = readings.map((r) => new ColumnBuilder(r.type, total));
  const nodes = new Map(parquetSchema(metadata).children.map((c) => [c.element.name, c]));
  const isComposite = (r: Reading) => (nodes.get(r.name)?.children.length ?? 0) > 0;
  const options = {
    file,
    metadata: { ...metadata, schema: physicalSchema(metadata.schema) },
    rowStart: split.rowStart,
    rowEnd: split.rowEnd,
    compressors: { SNAPPY: snappy() },
    parsers: RAW_PARSERS,
  };
  const composite = readings.filter(isComposite);
  const at = (r: Reading) => builders[readings.indexOf(r)]!;
  const flatRead = async () => {
    const flat = await ownFlatColumns(
      read,
      builders,
      readings.filter((r) => !isComposite(r)),
    );
    if (flat.length === 0) return;
    await parquetRead({
      ...options,
      columns: flat.map((r) => r.name),
      onChunk: (c) => {
        // a column may be asked for twice
        for (const r of flat) {
          if (r.name !== c.columnName) continue;
          at(r).put(c.rowStart - split.rowStart, r.convert ? r.convert(c.columnData) : c.columnData);
        }
      },
    });
  };
  const compositeRead = async () => {
    const leaves = new LeafColumns(split.rowStart, total);
    await parquetRead({ ...options, columns: composite.map((r) => r.name), onPage: (c) => leaves.put(c) });
    for (const r of composite) {
      const node = nodes.get(r.name)!;
      const plan = compositePlan(node, r.type, split.external ? externalLeaf : ownLeaf, split.uri);
      at(r).put(
        0,
        assembleRows(
          plan,
          leafPaths(node).map((p) => leaves.get(p)),
          total,
        ),
      );
    }
  };
  await Promise.all([flatRead(), composite.length > 0 && compositeRead()]);
  return builders;
}

/**
 * The lake's own files: flat columns `flat-chunk.ts` takes are decoded into their builders here
 * (a column asked for twice shares one); returns the readings left for hyparquet — all of them
 * for an external file.
 */
async function ownFlatColumns(
  read: RowGroupRead,
  builders: ColumnBuilder[],
  flat: readonly Reading[],
): Promise<Reading[]> {
  const { split, readings, stats } = read;
  if (split.external || flat.length === 0) {
    stats.hyparquetChunks += flat.length;
    return [...flat];
  }
  const holders = new Map<string, { builder: ColumnBuilder }>();
  for (const r of flat)
    if (!holders.has(r.name)) holders.set(r.name, { builder: builders[readings.indexOf(r)]! });
  const rest = new Set(
    await readFlatColumns(
      {
        file: read.file,
        metadata: read.metadata,
        rowGroup: split.rowGroup,
        rowStart: split.rowStart,
        rows: split.rowEnd - split.rowStart,
        builders: holders,
        uncompress: snappy(),
      },
      [...holders.keys()],
    ),
  );
  // a chunk that failed has a fresh builder, for hyparquet to fill again
  for (const r of flat) builders[readings.indexOf(r)] = holders.get(r.name)!.builder;
  stats.flatChunks += holders.size - rest.size;
  stats.hyparquetChunks += rest.size;
  return flat.filter((r) => rest.has(r.name));
}

/** The lake's own files hold each leaf as its type is written (`parquet-types.ts`). */
const ownLeaf = (_element: unknown, type: DataType) => nativeLeaf(type);

/**
 * The decoded rows of a split's leaf columns of composite columns, each as the decoder nests it
 * (`parquet-nested.ts`); a leaf's pages may start before the split's rows, which are dropped.
 */
class LeafColumns {
  private readonly leaves = new Map<string, unknown[]>();

  constructor(
    private readonly rowStart: number,
    private readonly rows: number,
  ) {}

  put(chunk: SubColumnData): void {
    const key = chunk.pathInSchema.join('\u0000');
    let out = this.leaves.get(key);
    if (!out) this.leaves.set(key, (out = new Array<unknown>(this.rows).fill(null)));
    const offset = chunk.rowStart - this.rowStart;
    const data = chunk.columnData;
    for (let i = Math.max(0, -offset); i < data.length && offset + i < this.rows; i++)
      out[offset + i] = data[i];
  }

  get(path: readonly string[]): ArrayLike<unknown> {
    const out = this.leaves.get(path.join('\u0000'));
    if (!out)
      throw new QuarryError('GENERIC_INTERNAL_ERROR', `lake: no data read for leaf ${path.join('.')}`);
    return out;
  }
}
