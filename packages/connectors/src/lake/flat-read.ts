import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { FlatChunkDecoder, flatChunk, type FlatChunk } from './flat-chunk.js';
import { ColumnBuilder } from './parquet-types.js';

type Uncompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** What `readFlatColumns` reads: one row group of a file, and builders by column name to fill. */
export interface FlatRead {
  readonly file: AsyncBuffer;
  readonly metadata: FileMetaData;
  readonly rowGroup: number;
  /** The split's first row in the file and its row count: the whole row group, or nothing is read. */
  readonly rowStart: number;
  readonly rows: number;
  readonly builders: Map<string, { builder: ColumnBuilder }>;
  readonly uncompress: Uncompress;
}

/**
 * Fills the builders of the columns `FlatChunkDecoder` takes (see flat-chunk.ts) and returns the
 * names of the others, for hyparquet to read. A column whose decoding fails gets a fresh builder and
 * is returned too, so that hyparquet reads it again (and reports what is wrong with it).
 */
export async function readFlatColumns(read: FlatRead, names: readonly string[]): Promise<string[]> {
  const group = read.metadata.row_groups[read.rowGroup];
  if (!group || Number(group.num_rows) !== read.rows || firstRow(read) !== read.rowStart) return [...names];
  const chunks = new Map<string, FlatChunk>();
  for (const name of names) {
    const index = topLevelIndex(read.metadata, name);
    const column = index === undefined ? undefined : group.columns[index];
    const element = index === undefined ? undefined : topLevel(read.metadata)[index];
    const chunk = column && element && flatChunk(column, element, read.rows);
    if (chunk) chunks.set(name, chunk);
  }
  const rest = names.filter((n) => !chunks.has(n));
  const failed: string[] = [];
  await Promise.all(
    rangesOf([...chunks]).map(async (range) => {
      const bytes = new Uint8Array(await read.file.slice(range.start, range.end));
      for (const [name, chunk] of range.chunks) {
        const target = read.builders.get(name)!;
        const at = chunk.start - range.start;
        try {
          new FlatChunkDecoder(chunk, read.uncompress).decode(
            bytes.subarray(at, at + chunk.length),
            target.builder,
          );
        } catch {
          target.builder = new ColumnBuilder(target.builder.type, target.builder.length);
          failed.push(name);
        }
      }
    }),
  );
  return [...rest, ...failed];
}

/** Chunks nearer than this are read in one range (as hyparquet does), up to RANGE_LIMIT bytes. */
const GAP_LIMIT = 8 * 1024;
const RANGE_LIMIT = 8 * 1024 * 1024;

interface ByteRange {
  readonly start: number;
  end: number;
  readonly chunks: [string, FlatChunk][];
}

/** The chunks' bytes as few ranges of the file: neighbours in one read, not a read per column. */
function rangesOf(chunks: [string, FlatChunk][]): ByteRange[] {
  const ranges: ByteRange[] = [];
  for (const entry of [...chunks].sort(([, a], [, b]) => a.start - b.start)) {
    const { start, length } = entry[1];
    const last = ranges.at(-1);
    if (
      last &&
      start >= last.end &&
      start - last.end <= GAP_LIMIT &&
      start + length - last.start <= RANGE_LIMIT
    ) {
      last.end = start + length;
      last.chunks.push(entry);
    } else ranges.push({ start, end: start + length, chunks: [entry] });
  }
  return ranges;
}

function firstRow(read: FlatRead): number {
  let row = 0;
  for (let g = 0; g < read.rowGroup; g++) row += Number(read.metadata.row_groups[g]!.num_rows);
  return row;
}

/** The schema's top-level elements, in column order when every column is flat. */
function topLevel(metadata: FileMetaData) {
  return metadata.schema.slice(1);
}

/** The column index of top-level column `name`, when every column of the file is flat. */
function topLevelIndex(metadata: FileMetaData, name: string): number | undefined {
  const elements = topLevel(metadata);
  if (elements.length !== metadata.schema[0]?.num_children) return undefined;
  const index = elements.findIndex((e) => e.name === name);
  return index < 0 || elements[index]!.num_children !== undefined ? undefined : index;
}
