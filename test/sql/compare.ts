/**
 * One result against another, row by row in order or as multisets, and a report a person can read
 * when they differ: the SQL, both results and the first difference.
 */
import { createHash } from 'node:crypto';
import { formatRow, mismatch, sortKey, type ExpectedSource, type Text } from './values.js';

/** Up to this many rows are stored as text in a data file; a larger result as its count and hash. */
export const MAX_STORED_ROWS = 40;

export interface Difference {
  /** 0-based row (after sorting, when unordered) and column; column -1 for a row-count mismatch. */
  readonly row: number;
  readonly column: number;
  readonly why: string;
}

/** Sorted copies of both sides when the order does not matter. */
export function arrange(
  types: readonly string[],
  got: readonly (readonly Text[])[],
  expected: readonly (readonly Text[])[],
  options: { ordered: boolean; sources?: readonly ExpectedSource[] },
): { got: (readonly Text[])[]; expected: (readonly Text[])[] } {
  if (options.ordered) return { got: [...got], expected: [...expected] };
  const sorted = (rows: readonly (readonly Text[])[], sources?: readonly ExpectedSource[]) =>
    rows
      .map((r) => ({ r, k: sortKey(types, r, sources) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map((x) => x.r);
  return { got: sorted(got), expected: sorted(expected, options.sources) };
}

export function firstDifference(
  types: readonly string[],
  got: readonly (readonly Text[])[],
  expected: readonly (readonly Text[])[],
  sources: readonly ExpectedSource[] = [],
): Difference | undefined {
  const n = Math.min(got.length, expected.length);
  for (let r = 0; r < n; r++) {
    const g = got[r]!;
    const e = expected[r]!;
    if (g.length !== e.length)
      return { row: r, column: -1, why: `${g.length} values in quarry's row, ${e.length} expected` };
    for (let c = 0; c < g.length; c++) {
      const why = mismatch(types[c] ?? 'varchar', g[c]!, e[c]!, sources[c]);
      if (why) return { row: r, column: c, why };
    }
  }
  if (got.length !== expected.length)
    return { row: n, column: -1, why: `quarry returned ${got.length} rows, expected ${expected.length}` };
  return undefined;
}

/** A result as it is stored in a data file: rows as text (sorted when unordered), or count and hash. */
export function storedForm(rows: readonly (readonly Text[])[], ordered: boolean): string[] {
  const lines = rows.map(formatRow);
  if (!ordered) lines.sort();
  if (lines.length <= MAX_STORED_ROWS) return lines;
  const hash = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  return [`(${lines.length} rows, sha256 ${hash})`];
}

function excerpt(rows: readonly (readonly Text[])[], around: number): string {
  const from = Math.max(0, Math.min(around - 5, rows.length - 12));
  const shown = rows.slice(from, from + 12).map((r, i) => {
    const marker = from + i === around ? '>' : ' ';
    return `  ${marker}${String(from + i + 1).padStart(4)}  ${formatRow(r)}`;
  });
  if (from > 0) shown.unshift('        …');
  if (from + 12 < rows.length) shown.push(`        … (${rows.length} rows)`);
  return shown.length ? shown.join('\n') : '        (no rows)';
}

export function report(options: {
  readonly name: string;
  readonly where: string;
  readonly sql: string;
  readonly columns: readonly { name: string; type: string }[];
  readonly expectedLabel: string;
  readonly got: readonly (readonly Text[])[];
  readonly expected: readonly (readonly Text[])[];
  readonly difference: Difference;
  readonly ordered: boolean;
}): string {
  const d = options.difference;
  const col = options.columns[d.column];
  const at =
    d.column < 0
      ? `row ${d.row + 1}: ${d.why}`
      : `row ${d.row + 1}, column ${d.column + 1} (${col?.name} ${col?.type}): expected ${JSON.stringify(
          options.expected[d.row]?.[d.column],
        )}, got ${JSON.stringify(options.got[d.row]?.[d.column])} — ${d.why}`;
  return [
    `case ${options.name} (${options.where}) — ${options.ordered ? 'ordered' : 'compared as multisets (sorted)'}`,
    `SQL:\n${options.sql.replace(/^/gm, '  ')}`,
    `first difference: ${at}`,
    `columns: ${options.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`,
    `expected (${options.expectedLabel}), ${options.expected.length} rows:\n${excerpt(options.expected, d.row)}`,
    `quarry, ${options.got.length} rows:\n${excerpt(options.got, d.row)}`,
  ].join('\n');
}
