import { Readable } from 'node:stream';
import { QuarryError } from '@quarry/common';
import type { ObjectStorage } from '@quarry/storage';
import { caster, pageFromRows, typeToString, VARCHAR, type DataType, type Page } from '@quarry/sql';
import { parse, type Info } from 'csv-parse';
import type { LakeColumn } from './metadata.js';
import { PAGE_ROWS } from './reader.js';

/** A CSV split: one whole file (quoted fields may span lines, so a file is not split further). */
export interface LakeCsvSplitInfo {
  readonly format: 'CSV';
  readonly uri: string;
  readonly bytes: number;
  readonly columns: readonly LakeColumn[];
  readonly separator: string;
  readonly skipHeaderLineCount: number;
}

/**
 * Reads CSV files with csv-parse (RFC 4180 quoting with `"`, `""` inside quotes; lines end in LF
 * or CRLF), streaming. Every record must have one field per table column; a field is cast to its
 * column's type as `CAST(field AS type)` would, an empty field is NULL (for varchar too, as
 * Trino's Hive CSV tables read it). A bad record or value is INVALID_CAST_ARGUMENT naming the
 * file, line and column.
 */
export async function* csvPages(
  storage: ObjectStorage,
  split: LakeCsvSplitInfo,
  names: readonly string[],
): AsyncIterable<Page> {
  const wanted = names.map((name) => {
    const index = split.columns.findIndex((c) => c.name === name);
    if (index < 0) throw new Error(`lake: column '${name}' not in the split`);
    const column = split.columns[index]!;
    return { index, column, cast: castFor(column.type) };
  });
  const parser = Readable.from(storage.read(split.uri)).pipe(
    parse({
      delimiter: split.separator,
      from_line: split.skipHeaderLineCount + 1,
      info: true,
      skip_empty_lines: true,
      bom: true,
    }),
  );
  const types = wanted.map((w) => w.column.type);
  let rows: unknown[][] = [];
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const { record, info } = item;
      if (record.length !== split.columns.length) {
        throw new QuarryError(
          'INVALID_CAST_ARGUMENT',
          `lake: ${split.uri} line ${info.lines}: ${record.length} fields, the table has ${split.columns.length} columns`,
        );
      }
      rows.push(wanted.map((w) => value(split, w, { record, line: info.lines })));
      if (rows.length === PAGE_ROWS) {
        yield pageFromRows(types, rows);
        rows = [];
      }
    }
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    throw new QuarryError('INVALID_CAST_ARGUMENT', `lake: ${split.uri}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (rows.length > 0) yield pageFromRows(types, rows);
}

type Cast = (text: string) => unknown;

function castFor(type: DataType): Cast {
  const cast = caster(VARCHAR, type) as ((v: string) => unknown) | undefined;
  if (!cast)
    throw new QuarryError('NOT_SUPPORTED', `lake: CSV columns cannot be of type ${typeToString(type)}`);
  return cast;
}

function value(
  split: LakeCsvSplitInfo,
  w: { index: number; column: LakeColumn; cast: Cast },
  at: { record: readonly string[]; line: number },
): unknown {
  const text = at.record[w.index]!;
  if (text === '') return null;
  try {
    return w.cast(text);
  } catch (e) {
    throw new QuarryError(
      'INVALID_CAST_ARGUMENT',
      `lake: ${split.uri} line ${at.line}, column '${w.column.name}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}
