import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { loadCatalogs } from '@quarry/connectors';
import { parseStatement, planStatement, type Session } from '@quarry/sql';
import { mutate, random, seedQueries } from './sql-mutants.js';

/**
 * SQL mutation fuzzing of parsing and planning, in process: mutants of the TPC-H queries and of the
 * SQL cases must be planned or refused with a QuarryError that is not an INTERNAL_ERROR (a syntax
 * error with its line and column), never a TypeError, a stack overflow or a hang. A bounded sample
 * runs here (QUARRY_FUZZ_MUTANTS sets how many, QUARRY_FUZZ_SEED where they start); `npm run bench
 * -- fuzz` runs more against a real cluster.
 */
describe('SQL mutation fuzzing: parse and plan', function () {
  this.timeout(300_000);
  const count = Number(process.env['QUARRY_FUZZ_MUTANTS'] ?? 1500);
  const seed = Number(process.env['QUARRY_FUZZ_SEED'] ?? 20261207);

  it(`plans or refuses ${count} mutants with a user-facing error`, async () => {
    const seeds = seedQueries();
    const catalogs = loadCatalogs(undefined);
    const rand = random(seed);
    const problems: string[] = [];
    const outcomes = { planned: 0, refused: 0 };
    for (let n = 0; n < count; n++) {
      const sql = mutate(seeds[rand(seeds.length)]!, rand);
      const session: Session = {
        catalog: 'tpch',
        schema: 'tiny',
        properties: {},
        now: new Date('2026-12-07T00:00:00Z'),
        queryId: `fuzz_${n}`,
      };
      const started = Date.now();
      try {
        await planStatement(parseStatement(sql), catalogs, session);
        outcomes.planned++;
      } catch (e) {
        outcomes.refused++;
        const problem = judge(e);
        if (problem) problems.push(`mutant ${n} (seed ${seed}): ${problem}\n  ${sql.slice(0, 300)}`);
      }
      const ms = Date.now() - started;
      if (ms > 10_000) problems.push(`mutant ${n} (seed ${seed}) took ${ms} ms\n  ${sql.slice(0, 300)}`);
    }
    expect(problems, problems.slice(0, 5).join('\n')).to.deep.equal([]);
    // the mutants were not all trivially refused: some still plan
    expect(outcomes.planned, JSON.stringify(outcomes)).to.be.greaterThan(count / 40);
  });
});

/** What is wrong with an error from parsing or planning; undefined when it is a proper refusal. */
function judge(e: unknown): string | undefined {
  if (!(e instanceof QuarryError))
    return `not a QuarryError: ${(e as Error)?.name}: ${(e as Error)?.message}`;
  if (e.type === 'INTERNAL_ERROR') return `internal error ${e.code}: ${e.message}`;
  if (e.code === 'SYNTAX_ERROR' && !e.location) return `syntax error without line:column: ${e.message}`;
  return undefined;
}
