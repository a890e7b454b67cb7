/**
 * Query cases with their exact expected rows, each run three ways: as one operator tree
 * (`runLocal`) and as distributed stages over 1 and over 3 hash partitions (`runDistributed`).
 */
import { expect } from 'chai';
import type { ExternalValue } from '../../src/types/values.js';
import { runDistributed, runLocal, unordered } from './run.js';

export interface Case {
  readonly sql: string;
  readonly rows: ExternalValue[][];
  /** Compare ignoring row order (no ORDER BY, or ties in it). */
  readonly unordered?: boolean;
}

export function runCases(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.sql, async () => {
      const sort = (rows: readonly ExternalValue[][]) => (c.unordered ? unordered(rows) : rows);
      const expected = sort(c.rows);
      const local = await runLocal(c.sql);
      expect(sort(local.rows), 'local').to.deep.equal(expected);
      for (const partitions of [1, 3]) {
        const distributed = await runDistributed(c.sql, partitions);
        expect(distributed.columns, 'columns').to.deep.equal(local.columns);
        expect(sort(distributed.rows), `distributed over ${partitions}`).to.deep.equal(expected);
      }
    });
  }
}
