import type { ResultColumn } from '@quarry/protocol';

export type OutputFormat = 'table' | 'csv' | 'json' | 'ndjson';

const NUMERIC = /^(tinyint|smallint|integer|bigint|real|double|decimal)/;

function text(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return String(v);
}

/** Rows as an aligned table, Trino CLI style: numbers right-aligned, a row count at the end. */
export function formatTable(columns: readonly ResultColumn[], rows: readonly (readonly unknown[])[]): string {
  // a value with line breaks (a plan) takes several lines of its row, each within the column
  const cells = rows.map((r) => r.map((v) => text(v).split('\n')));
  const widths = columns.map((c, i) =>
    Math.max(c.name.length, ...cells.map((r) => Math.max(...r[i]!.map((l) => l.length)))),
  );
  const numeric = columns.map((c) => NUMERIC.test(c.type));
  const line = (vals: string[], align: boolean) =>
    ' ' +
    vals.map((v, i) => (align && numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ');
  const rowLines = (r: string[][]) => {
    const height = Math.max(...r.map((c) => c.length));
    return Array.from({ length: height }, (_, k) =>
      line(
        r.map((c) => c[k] ?? ''),
        true,
      ),
    );
  };
  const out = [
    line(
      columns.map((c) => c.name),
      false,
    ),
    widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...cells.flatMap(rowLines),
  ];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n');
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatRows(
  format: OutputFormat,
  columns: readonly ResultColumn[],
  rows: readonly (readonly unknown[])[],
): string {
  switch (format) {
    case 'table':
      return formatTable(columns, rows);
    case 'csv':
      return [
        columns.map((c) => csvField(c.name)).join(','),
        ...rows.map((r) => r.map(csvField).join(',')),
      ].join('\n');
    case 'json':
      return JSON.stringify(
        rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null]))),
        null,
        2,
      );
    case 'ndjson':
      return rows
        .map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null]))))
        .join('\n');
  }
}
