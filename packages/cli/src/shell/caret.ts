import type { SourceLocation } from '@quarry/common';

/**
 * The statement with a caret under the error's position, as Trino's CLI shows a failed query: the
 * lines up to the error's line, a line with `^` under its column, then the rest. A location outside
 * the text (a stale or hostile one) shows the statement without a caret.
 */
export function renderErrorLocation(sql: string, location: SourceLocation | undefined): string {
  const lines = sql.split('\n');
  if (!location || location.line < 1 || location.line > lines.length || location.column < 1) return sql;
  const target = lines[location.line - 1]!;
  // tabs keep their width in the caret line, so that the caret lines up on a terminal
  const pad = [...target.slice(0, location.column - 1)].map((c) => (c === '\t' ? '\t' : ' ')).join('');
  return [...lines.slice(0, location.line), `${pad}^`, ...lines.slice(location.line)].join('\n');
}
