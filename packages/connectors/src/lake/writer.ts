import { internalError, QuarryError } from '@quarry/common';
import type { ObjectStorage, StorageWriter } from '@quarry/storage';
import {
  concatPages,
  physicalKind,
  slicePage,
  typeToString,
  type DataType,
  type Page,
  type WriteFragment,
  type WriteSink,
} from '@quarry/sql';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { DataFileEntry, LakeColumn, RowGroupEntry } from './metadata.js';
import { parquetSchema, writerColumn } from './parquet-types.js';
import { StatsAccumulator } from './stats.js';

/** What a lake sink reports: its data files, paths relative to the table's directory. */
export interface LakeFragmentInfo {
  readonly attemptDir: string;
  readonly files: readonly DataFileEntry[];
}

export interface LakeSinkOptions {
  readonly storage: ObjectStorage;
  readonly tableDir: string;
  /** This attempt's directory, under the table's directory. */
  readonly attemptDir: string;
  readonly columns: readonly LakeColumn[];
  readonly rowGroupRows: number;
  readonly targetMaxFileSize: number;
}

/**
 * One task attempt's rows, written as Parquet files `<attemptDir>/<seq>.parquet`. Pages gather until
 * a row group's worth (`lake.parquet.row-group-rows`), which is encoded and sent to storage at once,
 * so memory holds one row group; a file is closed and the next begun once it reaches
 * `lake.target-max-file-size`, or when a row group holds a NULL in a column the file declared REQUIRED
 * (the file's first row group had none there; see `parquet-types.ts`). Nothing is visible until `finish`, and nothing is committed by the
 * sink: the fragment it returns lists its files for the coordinator's commit. `abort` deletes the
 * attempt's directory.
 */
export class LakeWriteSink implements WriteSink {
  private pending: Page[] = [];
  private pendingRows = 0;
  private file: OpenFile | undefined;
  private readonly files: DataFileEntry[] = [];
  private state: 'open' | 'finished' | 'aborted' = 'open';

  constructor(private readonly options: LakeSinkOptions) {}

  async appendPage(page: Page): Promise<void> {
    if (this.state !== 'open') throw internalError('lake sink: appendPage after finish or abort');
    if (page.blocks.length !== this.options.columns.length) {
      throw internalError(
        `lake sink: page has ${page.blocks.length} columns, the table ${this.options.columns.length}`,
      );
    }
    page.blocks.forEach((b, i) => {
      const column = this.options.columns[i]!;
      if (physicalKind(b.type) !== physicalKind(column.type)) {
        throw internalError(
          `lake sink: column ${column.name} is ${typeToString(column.type)}, the page holds ${typeToString(b.type)}`,
        );
      }
    });
    if (page.rowCount === 0) return;
    this.pending.push(page);
    this.pendingRows += page.rowCount;
    while (this.pendingRows >= this.options.rowGroupRows) await this.writeRowGroup(this.options.rowGroupRows);
  }

  async finish(): Promise<WriteFragment> {
    if (this.state !== 'open') throw internalError('lake sink: finish after finish or abort');
    if (this.pendingRows > 0) await this.writeRowGroup(this.pendingRows);
    await this.closeFile();
    this.state = 'finished';
    const info: LakeFragmentInfo = { attemptDir: this.relative(this.options.attemptDir), files: this.files };
    return { rows: this.files.reduce((n, f) => n + f.rows, 0), info };
  }

  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    this.state = 'aborted';
    this.pending = [];
    await this.file?.writer.abort().catch(() => {});
    this.file = undefined;
    await this.options.storage.deleteRecursively([this.options.attemptDir]);
  }

  /** Takes `rows` rows from the pending pages and writes them as one row group. */
  private async writeRowGroup(rows: number): Promise<void> {
    const { columns } = this.options;
    const all = concatPages(
      columns.map((c) => c.type),
      this.pending,
    );
    const group = rows === all.rowCount ? all : slicePage(all, 0, rows);
    const rest = rows === all.rowCount ? undefined : slicePage(all, rows, all.rowCount);
    this.pending = rest ? [rest] : [];
    this.pendingRows = rest?.rowCount ?? 0;

    const stats = columns.map((c, i) => {
      const acc = new StatsAccumulator(c.type);
      acc.add(group.blocks[i]!);
      return acc;
    });
    // a column without NULLs so far is REQUIRED in the file; a NULL in it starts the next file
    const required = stats.map((s) => s.nulls === 0);
    if (this.file?.required.some((r, i) => r && !required[i])) await this.closeFile();
    const file = (this.file ??= this.openFile(required));
    const written = file.parquet.write({
      columnData: columns.map((c, i) => ({
        name: c.name,
        data: writerColumn(group.blocks[i]!, c.type),
        ...columnEncoding(c.type),
      })),
      rowGroupSize: rows,
    });
    await written;
    await file.flushed;
    file.rowGroups.push({ rows, stats: stats.map((s) => s.encode()) });
    file.stats.forEach((s, i) => s.merge(stats[i]!));
    if (file.bytes.offset >= this.options.targetMaxFileSize) await this.closeFile();
  }

  private openFile(required: readonly boolean[]): OpenFile {
    const { storage, columns, attemptDir } = this.options;
    const uri = `${attemptDir}/${this.files.length}.parquet`;
    const writer = storage.createFile(uri);
    const bytes = new ByteWriter(1 << 20);
    const file: OpenFile = {
      uri,
      writer,
      bytes,
      required,
      parquet: undefined as unknown as ParquetWriter,
      rowGroups: [],
      stats: columns.map((c) => new StatsAccumulator(c.type)),
      flushed: Promise.resolve(),
    };
    // Encoded bytes go to storage after each row group; `offset` keeps counting file positions.
    const flush = (): Promise<void> => {
      const chunk = Buffer.from(new Uint8Array(bytes.buffer, 0, bytes.index));
      bytes.index = 0;
      file.flushed = file.flushed.then(() => writer.write(chunk));
      return file.flushed;
    };
    Object.assign(bytes, { flush, finish: flush });
    file.parquet = new ParquetWriter({
      writer: bytes,
      schema: parquetSchema(columns, required),
      statisticsTruncateLength: 64,
      createdBy: 'quarry',
    });
    return file;
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    await file.parquet.finish();
    await file.flushed;
    await file.writer.finish();
    const rows = file.rowGroups.reduce((n, g) => n + g.rows, 0);
    this.files.push({
      path: this.relative(file.uri),
      bytes: file.bytes.offset,
      rows,
      rowGroups: file.rowGroups,
      stats: file.stats.map((s) => s.encode()),
    });
  }

  private relative(uri: string): string {
    const prefix = `${this.options.tableDir}/`;
    if (!uri.startsWith(prefix)) throw internalError(`lake sink: ${uri} is outside ${prefix}`);
    return uri.slice(prefix.length);
  }
}

interface OpenFile {
  readonly uri: string;
  readonly writer: StorageWriter;
  readonly bytes: ByteWriter;
  /** Per column: REQUIRED in this file (its rows so far hold no NULL). */
  readonly required: readonly boolean[];
  parquet: ParquetWriter;
  readonly rowGroups: RowGroupEntry[];
  readonly stats: StatsAccumulator[];
  flushed: Promise<void>;
}

/**
 * 64-bit and floating-point columns are written PLAIN: a dictionary would shrink the few-valued ones
 * (discounts, quantities), but readers then rebuild every value from it one by one — for 64-bit
 * integers a bigint each — where PLAIN pages decode to one typed array. Snappy still compresses
 * them. Other columns leave the choice to the writer (dictionaries for few distinct values).
 */
function columnEncoding(type: DataType): { encoding?: 'PLAIN' } {
  const kind = physicalKind(type);
  return kind === 'long' || kind === 'float64' ? { encoding: 'PLAIN' } : {};
}

/** A fragment's info checked to be a lake fragment (fragments cross processes as plain data). */
export function lakeFragmentInfo(info: unknown): LakeFragmentInfo {
  const f = info as Partial<LakeFragmentInfo> | undefined;
  if (!f || typeof f.attemptDir !== 'string' || !Array.isArray(f.files)) {
    throw new QuarryError(
      'GENERIC_INTERNAL_ERROR',
      'lake: a write fragment is not a lake fragment (this is a bug in quarry)',
    );
  }
  return f as LakeFragmentInfo;
}
