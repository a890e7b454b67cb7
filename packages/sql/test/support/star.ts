/** A small star schema with skewed sizes, for join ordering and distribution: one fact table, two dimensions. */
import { BIGINT, INTEGER, VARCHAR, decimalType } from '../../src/types/types.js';
import { MemConnector, type MemTable } from './connector.js';

export const FACT_ROWS = 2000;

/** fact(id, a, b, v): a in 0..9, b in 0..49, v = id cents. */
export const FACT: MemTable = {
  columns: [
    { name: 'id', type: BIGINT },
    { name: 'a', type: INTEGER },
    { name: 'b', type: INTEGER },
    { name: 'v', type: decimalType(10, 2) },
  ],
  rows: Array.from({ length: FACT_ROWS }, (_, i) => [i, i % 10, i % 50, i]),
  splitRows: 250,
};

export const DIM_A: MemTable = {
  columns: [
    { name: 'a', type: INTEGER },
    { name: 'name', type: VARCHAR },
  ],
  rows: Array.from({ length: 10 }, (_, i) => [i, `a${i}`]),
};

export const DIM_B: MemTable = {
  columns: [
    { name: 'b', type: INTEGER },
    { name: 'label', type: VARCHAR },
  ],
  rows: Array.from({ length: 50 }, (_, i) => [i, i % 2 === 0 ? 'even' : 'odd']),
  splitRows: 25,
};

export function starConnector(): MemConnector {
  return new MemConnector({ shop: { fact: FACT, dim_a: DIM_A, dim_b: DIM_B } });
}
