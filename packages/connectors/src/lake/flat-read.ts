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
  const done = await Promise.all(
    [...chunks].map(async ([name, chunk]) => {
      const bytes = await read.file.slice(chunk.start, chunk.start + chunk.length);
      const target = read.builders.get(name)!;
      try {
        new FlatChunkDecoder(chunk, read.uncompress).decode(new Uint8Array(bytes), target.builder);
        return undefined;
      } catch {
        target.builder = new ColumnBuilder(target.builder.type, target.builder.length);
        return name;
      }
    }),
  );
  return [...rest, ...done.filter((n): n is string => n !== undefined)];
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
