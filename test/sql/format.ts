/**
 * The data files of the differential SQL tests (`test/sql/cases/*.sql`): parsing, and rewriting the
 * stored DuckDB results in place. The format is described in `sql-cases.test.ts`.
 */
import { readFileSync } from 'node:fs';

/** What a case expects of quarry. */
export type Expectation =
  /** DuckDB's answer, stored by REWRITE=1 (undefined rows: not stored yet). */
  | { readonly kind: 'duckdb'; readonly stored: StoredRows | undefined }
  /** Rows written by hand where Trino's semantics differ from DuckDB's; never rewritten. */
  | { readonly kind: 'trino'; readonly reason: string; readonly rows: readonly string[] }
  | { readonly kind: 'error'; readonly code: string; readonly at?: string; readonly fragment?: string }
  /** A `statement` that must succeed; what it returns is not compared. */
  | { readonly kind: 'ok' };

/** Stored rows: every row as text, or for a large result its count and a hash of the text. */
export type StoredRows =
  | { readonly kind: 'rows'; readonly rows: readonly string[] }
  | { readonly kind: 'hash'; readonly count: number; readonly hash: string };

export interface SqlCase {
  readonly file: string;
  /** `query` (a result to compare) or `statement` (DDL and the like: runs in order, must succeed or fail as told). */
  readonly kind: 'query' | 'statement';
  readonly name: string;
  /** 1-based line of the `query` line. */
  readonly line: number;
  readonly sql: string;
  /** DuckDB's spelling of the query, where the dialects differ. */
  readonly duckdbSql: string | undefined;
  /** Whether rows compare in order: a top-level ORDER BY, unless the case says otherwise. */
  readonly ordered: boolean;
  readonly skip: string | undefined;
  /** Quarry's column types, when the case states them. */
  readonly types: readonly string[] | undefined;
  readonly expect: Expectation;
  /** Lines [start, end) (0-based) of the stored DuckDB result, or the insertion point when none. */
  readonly resultLines: { readonly start: number; readonly end: number };
}

export interface SqlFile {
  readonly path: string;
  /** `-- session key=value` lines at the top of the file: extra session properties. */
  readonly session: Readonly<Record<string, string>>;
  /** The file has `statement` cases: its cases run one at a time, in file order. */
  readonly sequential: boolean;
  /** `-- task-memory <size>` at the top of the file: the cluster's task memory (`task.max-memory`), to make operators spill. */
  readonly taskMemory: string | undefined;
  readonly cases: readonly SqlCase[];
  readonly lines: readonly string[];
}

const QUERY = /^(query|statement)\s+(\S+)(.*)$/;
const SECTION = /^----(?:\s+(.*))?$/;
const HASHED = /^\((\d+) rows, sha256 ([0-9a-f]+)\)$/;
const ERROR = /^error\s+([A-Z_]+)(?:\s+at\s+(\d+:\d+))?(?:\s*:\s*(.*))?$/;

class FormatError extends Error {
  constructor(path: string, line: number, message: string) {
    super(`${path}:${line + 1}: ${message}`);
  }
}

export function parseSqlFile(path: string): SqlFile {
  const lines = readFileSync(path, 'utf8').split('\n');
  const session: Record<string, string> = {};
  let taskMemory: string | undefined;
  const cases: SqlCase[] = [];
  const names = new Set<string>();
  let i = 0;
  for (; i < lines.length && !QUERY.test(lines[i]!); i++) {
    const m = /^--\s*session\s+([\w.]+)\s*=\s*(\S+)\s*$/.exec(lines[i]!);
    if (m) session[m[1]!] = m[2]!;
    const memory = /^--\s*task-memory\s+(\S+)\s*$/.exec(lines[i]!);
    if (memory) taskMemory = memory[1]!;
  }
  while (i < lines.length) {
    const start = i;
    const header = QUERY.exec(lines[i]!)!;
    let end = i + 1;
    while (end < lines.length && !QUERY.test(lines[end]!)) end++;
    const parsed = parseCase(path, lines, {
      start,
      end,
      kind: header[1] as SqlCase['kind'],
      name: header[2]!,
      options: header[3]!.trim(),
    });
    if (names.has(parsed.name)) throw new FormatError(path, start, `duplicate case name ${parsed.name}`);
    names.add(parsed.name);
    cases.push(parsed);
    i = end;
  }
  return { path, session, sequential: cases.some((c) => c.kind === 'statement'), taskMemory, cases, lines };
}

/** One case of a file: lines [start, end), its name and the options after it on its `-- query` line. */
interface CaseSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: SqlCase['kind'];
  readonly name: string;
  readonly options: string;
}

function parseCase(path: string, lines: readonly string[], span: CaseSpan): SqlCase {
  const { start, end, kind, name, options } = span;
  // the body runs to the last non-blank, non-comment line before the next case
  let last = end;
  while (last > start + 1 && /^\s*(#.*)?$/.test(lines[last - 1]!)) last--;
  const sections: { title: string; line: number; body: string[] }[] = [];
  const sqlLines: string[] = [];
  for (let l = start + 1; l < last; l++) {
    if (lines[l]!.startsWith('#')) continue;
    const m = SECTION.exec(lines[l]!);
    if (m) sections.push({ title: (m[1] ?? '').trim(), line: l, body: [] });
    else if (sections.length) sections.at(-1)!.body.push(lines[l]!);
    else sqlLines.push(lines[l]!);
  }
  const sql = sqlLines.join('\n').trim();
  if (!sql) throw new FormatError(path, start, `case ${name} has no SQL`);

  const skipMatch = /\bskip:\s*(.*)$/.exec(options);
  const flags = (skipMatch ? options.slice(0, skipMatch.index) : options).split(/\s+/).filter(Boolean);
  for (const f of flags)
    if (f !== 'ordered' && f !== 'unordered') throw new FormatError(path, start, `unknown option ${f}`);

  let duckdbSql: string | undefined;
  let types: string[] | undefined;
  let expect: Expectation | undefined;
  let resultLines = { start: last, end: last };
  const expectations = sections.filter((s) => /^(result$|trino:|error\s)/.test(s.title));
  if (expectations.length > 1)
    throw new FormatError(path, expectations[1]!.line, `case ${name} has more than one expectation`);
  sections.forEach((s, k) => {
    const body = s.body.join('\n').trim();
    const err = ERROR.exec(s.title);
    if ((err || s.title.startsWith('types ')) && body)
      throw new FormatError(path, s.line, `'---- ${s.title}' takes no lines after it`);
    if (s.title === 'duckdb') duckdbSql = body;
    else if (s.title.startsWith('types ')) types = s.title.slice(6).split(/,\s*(?![^()]*\))/);
    else if (err) {
      expect = {
        kind: 'error',
        code: err[1]!,
        ...(err[2] ? { at: err[2] } : {}),
        ...(err[3] ? { fragment: err[3] } : {}),
      };
    } else if (s.title.startsWith('trino:')) {
      expect = { kind: 'trino', reason: s.title.slice(6).trim(), rows: bodyRows(s.body) };
    } else if (s.title === 'result') {
      const rows = bodyRows(s.body);
      const hashed = rows.length === 1 ? HASHED.exec(rows[0]!) : null;
      expect = {
        kind: 'duckdb',
        stored: hashed
          ? { kind: 'hash', count: Number(hashed[1]), hash: hashed[2]! }
          : { kind: 'rows', rows },
      };
      resultLines = { start: s.line, end: sections[k + 1]?.line ?? last };
    } else throw new FormatError(path, s.line, `unknown section '---- ${s.title}'`);
  });
  if (kind === 'statement' && expect && expect.kind !== 'error')
    throw new FormatError(path, start, `statement ${name} takes no result, only '---- error'`);
  return {
    file: path,
    kind,
    name,
    line: start + 1,
    sql,
    duckdbSql,
    ordered: flags.includes('ordered') || (!flags.includes('unordered') && hasTopLevelOrderBy(sql)),
    skip: skipMatch ? skipMatch[1]!.trim() || 'no reason given' : undefined,
    types,
    expect: expect ?? (kind === 'statement' ? { kind: 'ok' } : { kind: 'duckdb', stored: undefined }),
    resultLines,
  };
}

function bodyRows(body: readonly string[]): string[] {
  const rows = [...body];
  while (rows.length && rows.at(-1)!.trim() === '') rows.pop();
  return rows;
}

/** Whether the statement's outermost query ends with ORDER BY (not one inside parentheses). */
export function hasTopLevelOrderBy(sql: string): boolean {
  const text = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""');
  let depth = 0;
  let outer = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0) outer += ch;
  }
  return /\border\s+by\b/i.test(outer);
}

/** The file with the DuckDB result of each case replaced by `results.get(case)` (others untouched). */
export function rewriteFile(file: SqlFile, results: ReadonlyMap<SqlCase, readonly string[]>): string {
  const out: string[] = [];
  let next = 0;
  for (const c of file.cases) {
    const rows = results.get(c);
    if (!rows) continue;
    out.push(...file.lines.slice(next, c.resultLines.start));
    out.push('---- result', ...rows);
    next = c.resultLines.end;
  }
  out.push(...file.lines.slice(next));
  return out.join('\n');
}
