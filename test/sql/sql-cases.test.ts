/**
 * Differential SQL tests: every query of `test/sql/cases/*.sql` runs through quarry (an in-process
 * cluster of a coordinator and 2 workers, one per data file, each with its own subject prefix) and,
 * unless the case says otherwise, through DuckDB over the same rows; the results must agree.
 *
 *   node --import tsx tools/run-tests.mjs test/sql              # run
 *   REWRITE=1 node --import tsx tools/run-tests.mjs test/sql    # store DuckDB's current answers
 *
 * Data. Quarry runs with session catalog `tpch`, schema `tiny` (TPC-H SF 0.01 from its generator);
 * DuckDB has the same eight tables under the same names, loaded from the reference dbgen rows
 * (testdata/tpch/reference-sf0.01) with the specification's types (duckdb.ts). Edge cases bring
 * their own rows inline: `WITH t(a, b) AS (VALUES …)` or `(VALUES …) AS t(a, b)`. Each file's
 * cluster also has a `lake` catalog (Parquet under a directory of its own) and a `memory` catalog,
 * for the statements that make views and tables.
 *
 * Data file format (one file per area; `#` lines are comments anywhere):
 *
 *   -- session retry_policy=TASK          optional, before the first case: extra session properties
 *   -- task-memory 256kB                  optional, before the first case: the cluster's task memory
 *                                         (`task.max-memory`), so small that operators spill
 *
 *   statement <name> [skip: <reason>]     DDL and the like: must succeed (or fail as its
 *   <SQL>                                 '---- error' says); its rows are not compared. A file
 *                                         with statements runs its cases one at a time, in order.
 *
 *   query <name> [ordered|unordered] [skip: <reason>]
 *   <SQL, one or more lines>
 *   ---- duckdb                           optional: DuckDB's spelling, where the dialects differ
 *   <SQL>
 *   ---- types <type>, <type>…            optional: quarry's column types, as it names them
 *   ---- result                           DuckDB's answer, written by REWRITE=1 — or instead:
 *   ---- trino: <why>                     rows written by hand where Trino's semantics differ from
 *                                         DuckDB's (never rewritten, DuckDB not consulted) — or:
 *   ---- error <CODE> [at <line>:<col>] [: <message fragment>]
 *                                         quarry must fail with this code (and location, and a
 *                                         message containing the fragment, case-insensitively)
 *
 * A case runs to the next `query` line. Rows: one per line, values separated by `|`, NULL as
 * `NULL`; a string that is empty, is `NULL`, has a `|`, `"`, `\`, control character or surrounding
 * space is written as a JSON string. Numbers and dates as in values.ts. A DuckDB result of more
 * than 40 rows is stored as `(<n> rows, sha256 <hex>)`. Unordered results are stored sorted.
 *
 * Order: rows compare in order when the outermost query has an ORDER BY (which must then fix the
 * order completely), otherwise as multisets; `ordered`/`unordered` override that.
 *
 * Checks of a DuckDB-judged case: DuckDB's live answer must equal the stored one (else the file is
 * stale: REWRITE=1), quarry's column types must be compatible with DuckDB's (values.ts), and each
 * of quarry's values must equal DuckDB's by the column's rule — decimals exactly (a DuckDB double
 * where quarry has decimal(p,s), e.g. avg of decimals, rounded half up to s digits first), doubles to
 * 1e-9 relative, integers exactly, dates and timestamps as ISO text, NULLs as NULLs. A skipped case
 * is reported as pending, with its reason: `skip: BUG …` for a wrong answer of the engine, `skip: NOT
 * SUPPORTED …` for Trino SQL it does not handle yet — each with the query that shows it.
 *
 * `SQL_CASES=<text>` runs only the files whose name contains it.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { QuarryError, parseDataSize } from '@quarry/common';
import {
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';
import { arrange, firstDifference, report, storedForm } from './compare.js';
import { DuckSession, type DuckResult } from './duckdb.js';
import { parseSqlFile, rewriteFile, type SqlCase, type SqlFile } from './format.js';
import { compatible, duckFamily, parseRow, quarryFamily, quarryText, type Text } from './values.js';

const CASES = join(import.meta.dirname, 'cases');
const REWRITE = process.env.REWRITE === '1';
const ONLY = process.env.SQL_CASES; // e.g. SQL_CASES=joins: only files whose name contains it

const files: SqlFile[] = readdirSync(CASES)
  .filter((f) => f.endsWith('.sql') && (!ONLY || f.includes(ONLY)))
  .sort()
  .map((f) => parseSqlFile(join(CASES, f)));

interface QuarryResult {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: Text[][];
}

/** Queries of one file in flight at once: the cluster has 2 workers × 2 slots. */
const CONCURRENCY = 4;

async function runQuarry(
  cluster: InProcessCluster,
  file: SqlFile,
  c: { readonly sql: string; readonly queryId: string },
): Promise<QuarryResult> {
  const result = await cluster.client.query(c.sql, {
    queryId: c.queryId,
    session: { catalog: 'tpch', schema: 'tiny', ...file.session },
  });
  const columns = result.columns.map((c) => ({ name: c.name, type: c.type }));
  return { columns, rows: result.rows.map((r) => r.map((v, i) => quarryText(columns[i]!.type, v))) };
}

/** A catalog directory with `lake` (Parquet under a directory of its own) and `memory`. */
function catalogDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-sql-cases-'));
  const root = join(dir, 'warehouse');
  mkdirSync(root);
  writeFileSync(join(dir, 'lake.properties'), `connector.name=lake\nlake.root=${root}\n`);
  writeFileSync(join(dir, 'memory.properties'), 'connector.name=memory\n');
  return dir;
}

/** Runs at most `n` of the functions given to it at once, in the order given. */
function limiter(n: number): <T>(run: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

let querySeq = 0;

/** A query id naming the case: what a stalled case's report and the logs show. */
function caseQueryId(c: SqlCase): string {
  return `case_${c.name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60)}_${Date.now().toString(36)}_${++querySeq}`;
}

/**
 * The run, or — when it has not ended `after` ms from when the case awaits it, shortly before
 * mocha's timeout — a failure that says where the query stands: its tasks as
 * `system.runtime.tasks` shows them (a hang then names its stage, task and worker).
 */
function stalled<T>(
  run: Promise<T>,
  options: { cluster: InProcessCluster; queryId: string; after: number },
): () => Promise<T> {
  return () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const { cluster, queryId, after } = options;
        const list = (sql: string, none: string) =>
          cluster.client.query(sql).then(
            (r) => r.rows.map((row) => row.map(String).join(' | ')).join('\n') || none,
            (e: unknown) => `(not listed: ${String(e)})`,
          );
        const listed = Promise.all([
          list(
            `select state, queued_time_ms, planning_time_ms, created, started from system.runtime.queries where query_id = '${queryId}'`,
            '(no such query)',
          ),
          list(
            `select task_id, state, node_id, output_rows, "start", "end" from system.runtime.tasks where query_id = '${queryId}' order by task_id`,
            '(no task)',
          ),
        ]).then(([query, tasks]) => `${query}\nits tasks:\n${tasks}`);
        const notListed = new Promise<string>((resolve) =>
          setTimeout(() => resolve('(the listing did not answer within 8 s)'), 8_000),
        );
        void Promise.race([listed, notListed]).then((tasks) =>
          reject(new Error(`query ${queryId} still running after ${after} ms: ${tasks}`)),
        );
      }, options.after);
    });
    return Promise.race([run, late]).finally(() => clearTimeout(timer));
  };
}

function where(c: SqlCase): string {
  return `${basename(c.file)}:${c.line}`;
}

function fail(c: SqlCase, message: string): never {
  throw new Error(`case ${c.name} (${where(c)})\nSQL:\n${c.sql.replace(/^/gm, '  ')}\n${message}`);
}

async function expectError(c: SqlCase, run: Promise<QuarryResult>): Promise<void> {
  if (c.expect.kind !== 'error') return;
  const e = c.expect;
  let result: QuarryResult;
  try {
    result = await run;
  } catch (err) {
    if (!(err instanceof QuarryError)) throw err;
    const problems: string[] = [];
    if (err.code !== e.code) problems.push(`code ${err.code}, expected ${e.code}`);
    if (e.fragment && !err.message.toLowerCase().includes(e.fragment.toLowerCase()))
      problems.push(`message lacks "${e.fragment}"`);
    const at = err.location ? `${err.location.line}:${err.location.column}` : undefined;
    if (e.at && at !== e.at) problems.push(`location ${at ?? 'none'}, expected ${e.at}`);
    if (problems.length)
      fail(c, `wrong error: ${problems.join('; ')}\nquarry said: ${err.code}: ${err.message}`);
    return;
  }
  fail(
    c,
    `expected error ${e.code}${e.fragment ? ` (${e.fragment})` : ''}, but quarry returned ${result.rows.length} rows:\n` +
      storedForm(result.rows, true).slice(0, 10).join('\n'),
  );
}

function checkTypes(c: SqlCase, got: QuarryResult): void {
  if (c.types && got.columns.map((x) => x.type).join(', ') !== c.types.join(', '))
    fail(c, `column types ${got.columns.map((x) => x.type).join(', ')}, expected ${c.types.join(', ')}`);
}

/** What a case's result is compared with: rows, where they come from, and DuckDB's column types. */
interface Reference {
  readonly rows: readonly (readonly Text[])[];
  readonly label: string;
  readonly duckTypes?: readonly string[];
}

function compare(c: SqlCase, got: QuarryResult, { rows: expected, label, duckTypes }: Reference): void {
  checkTypes(c, got);
  const types = got.columns.map((x) => x.type);
  const sources = (duckTypes ?? []).map((t, i) => ({
    fromDouble: quarryFamily(types[i] ?? '') === 'decimal' && duckFamily(t) === 'float',
  }));
  if (duckTypes) {
    if (duckTypes.length !== types.length)
      fail(c, `quarry returned ${types.length} columns, DuckDB ${duckTypes.length}`);
    // a column of NULLs only says nothing (DuckDB types `1.5 + NULL` as INTEGER)
    const allNull = (i: number) => expected.every((r) => r[i] === null);
    const bad = types
      .map((t, i) =>
        compatible(t, duckTypes[i]!) || allNull(i)
          ? ''
          : `column ${i + 1}: quarry ${t}, DuckDB ${duckTypes[i]}`,
      )
      .filter(Boolean);
    if (bad.length) fail(c, `column types differ: ${bad.join('; ')}`);
  }
  const arranged = arrange(types, got.rows, expected, { ordered: c.ordered, sources });
  const difference = firstDifference(types, arranged.got, arranged.expected, sources);
  if (difference)
    throw new Error(
      report({
        name: c.name,
        where: where(c),
        sql: c.sql,
        columns: got.columns,
        expectedLabel: label,
        got: arranged.got,
        expected: arranged.expected,
        difference,
        ordered: c.ordered,
      }),
    );
}

async function runDuck(c: SqlCase, duck: DuckSession): Promise<DuckResult> {
  try {
    return await duck.query(c.duckdbSql ?? c.sql);
  } catch (e) {
    return fail(
      c,
      `DuckDB cannot run it (${(e as Error).message}): give a '---- duckdb' variant, a '---- trino:' result or an expected error`,
    );
  }
}

function checkStored(c: SqlCase, duckResult: DuckResult): void {
  if (c.expect.kind !== 'duckdb') return;
  const live = storedForm(duckResult.rows, c.ordered);
  const stored = c.expect.stored;
  if (!stored) fail(c, 'no stored result: run with REWRITE=1 to store DuckDB’s');
  const text = stored.kind === 'rows' ? stored.rows : [`(${stored.count} rows, sha256 ${stored.hash})`];
  if (text.join('\n') !== live.join('\n'))
    fail(
      c,
      `the stored result is not DuckDB's (stale file? run with REWRITE=1):\nstored:\n${text.join('\n')}\nDuckDB:\n${live.join('\n')}`,
    );
}

describe('SQL cases: quarry against DuckDB (test/sql/cases)', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let duck: DuckSession;

  before(async () => {
    [servers, duck] = await Promise.all([startServers(), DuckSession.withTinyTables()]);
  });

  after(async () => {
    duck?.close();
    await servers?.stop();
  });

  for (const file of files) {
    describe(basename(file.path), function () {
      // a file whose tasks spill (tiny task memory) runs slower, the more so on a busy machine
      if (file.taskMemory) this.timeout(120_000);
      let cluster: InProcessCluster;
      const catalogs = catalogDir();
      const rewritten = new Map<SqlCase, readonly string[]>();
      // quarry's answers, started in `before` a few at a time, awaited by each case in turn
      const runs = new Map<SqlCase, () => Promise<QuarryResult>>();

      before(async () => {
        cluster = await startInProcessCluster({
          workers: 2,
          slots: 2,
          servers,
          coordinator: {
            catalogDir: catalogs,
            ...(file.taskMemory
              ? { taskMemoryBytes: parseDataSize(file.taskMemory, `${file.path}: task-memory`) }
              : {}),
          },
          worker: { catalogDir: catalogs },
        });
        const limit = limiter(file.sequential ? 1 : CONCURRENCY);
        for (const c of file.cases) {
          if (c.skip) continue;
          const queryId = caseQueryId(c);
          const run = limit(() => runQuarry(cluster, file, { sql: c.sql, queryId }));
          run.catch(() => {}); // awaited (and reported) by the case
          // reported before mocha's timeout (120 s for a spilling file, else 60 s) would end the case
          const after = file.taskMemory ? 100_000 : 45_000;
          runs.set(c, stalled(run, { cluster, queryId, after }));
        }
        if (!REWRITE) return;
        for (const c of file.cases) {
          if (c.expect.kind !== 'duckdb') continue;
          const result = await duck.query(c.duckdbSql ?? c.sql).catch(() => undefined);
          if (result) rewritten.set(c, storedForm(result.rows, c.ordered));
        }
      });

      after(async () => {
        await cluster?.stop();
        rmSync(catalogs, { recursive: true, force: true });
        if (REWRITE && rewritten.size) writeFileSync(file.path, rewriteFile(file, rewritten));
      });

      for (const c of file.cases) {
        if (c.skip) {
          it.skip(`${c.name} — skipped: ${c.skip}`);
          continue;
        }
        it(c.name, async () => {
          switch (c.expect.kind) {
            case 'ok':
              return void (await runs.get(c)!());
            case 'error':
              return expectError(c, runs.get(c)!());
            case 'trino': {
              const got = await runs.get(c)!();
              return compare(c, got, {
                rows: c.expect.rows.map(parseRow),
                label: `stored, Trino semantics: ${c.expect.reason}`,
              });
            }
            case 'duckdb': {
              const expected = await runDuck(c, duck);
              if (!REWRITE) checkStored(c, expected);
              const got = await runs.get(c)!();
              return compare(c, got, {
                rows: expected.rows,
                label: 'DuckDB',
                duckTypes: expected.columns.map((x) => x.type),
              });
            }
          }
        });
      }
    });
  }
});
