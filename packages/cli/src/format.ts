import type { ResultColumn } from '@quarry/protocol';

/** quarry's own names (`--format`). */
export const QUARRY_FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
/** Trino CLI's names (`--output-format`), with Trino's meanings: its JSON is one object per line. */
export const TRINO_FORMATS = [
  'ALIGNED',
  'CSV',
  'CSV_HEADER',
  'CSV_UNQUOTED',
  'CSV_HEADER_UNQUOTED',
  'TSV',
  'TSV_HEADER',
  'JSON',
  'NULL',
] as const;

export type OutputFormat = (typeof QUARRY_FORMATS)[number] | (typeof TRINO_FORMATS)[number];

/** Formats that print one line per row and no header: written page by page as results arrive. */
export function isStreamed(format: OutputFormat): boolean {
  return format === 'ndjson' || format === 'JSON';
}

const NUMERIC = /^(tinyint|smallint|integer|bigint|real|double|decimal)/;

function text(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return plain(v);
}

/**
 * A value as text, composite values as Trino's CLI prints them: arrays (and rows, which arrive as
 * lists) `[1, 2]`, maps `{a=1, b=2}`, NULL inside them as `null`.
 */
function plain(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(plain).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}=${plain(x)}`)
      .join(', ')}}`;
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
  const s = plain(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Trino's CSV: every value quoted, NULL as an empty field. */
function quotedField(v: unknown): string {
  return v === null || v === undefined ? '' : `"${plain(v).replace(/"/g, '""')}"`;
}

/** Trino's TSV: tabs, line breaks and backslashes escaped with a backslash, NULL as nothing. */
function tsvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  return plain(v).replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );
}

function delimited(
  columns: readonly ResultColumn[],
  rows: readonly (readonly unknown[])[],
  o: { field: (v: unknown) => string; separator: string; header: boolean },
): string {
  const lines = rows.map((r) => r.map(o.field).join(o.separator));
  return (o.header ? [columns.map((c) => o.field(c.name)).join(o.separator), ...lines] : lines).join('\n');
}

const objects = (columns: readonly ResultColumn[], rows: readonly (readonly unknown[])[]) =>
  rows.map((r) => Object.fromEntries(columns.map((c, i) => [c.name, r[i] ?? null])));

/** Rows in a format, without a final line break; an empty string when there is nothing to print. */
export function formatRows(
  format: OutputFormat,
  columns: readonly ResultColumn[],
  rows: readonly (readonly unknown[])[],
): string {
  switch (format) {
    case 'table':
    case 'ALIGNED':
      return formatTable(columns, rows);
    case 'csv':
    case 'CSV_HEADER_UNQUOTED':
      return delimited(columns, rows, { field: csvField, separator: ',', header: true });
    case 'CSV_UNQUOTED':
      return delimited(columns, rows, { field: csvField, separator: ',', header: false });
    case 'CSV':
    case 'CSV_HEADER':
      return delimited(columns, rows, {
        field: quotedField,
        separator: ',',
        header: format === 'CSV_HEADER',
      });
    case 'TSV':
    case 'TSV_HEADER':
      return delimited(columns, rows, { field: tsvField, separator: '\t', header: format === 'TSV_HEADER' });
    case 'json':
      return JSON.stringify(objects(columns, rows), null, 2);
    case 'ndjson':
    case 'JSON':
      return objects(columns, rows)
        .map((o) => JSON.stringify(o))
        .join('\n');
    case 'NULL':
      return '';
  }
}
