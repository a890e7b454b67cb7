/** The test catalog: `mem.shop.orders` and friends, as native values. */
import { BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, VARCHAR, decimalType } from '../../src/types/types.js';
import { parseDate } from '../../src/types/values.js';
import { MemConnector, type MemTable } from './connector.js';

const day = (text: string): number => parseDate(text)!;

/** amount is decimal(12,2), so 1050 is 10.50. */
export const ORDERS: MemTable = {
  columns: [
    { name: 'id', type: INTEGER },
    { name: 'customer', type: VARCHAR },
    { name: 'amount', type: decimalType(12, 2) },
    { name: 'qty', type: BIGINT },
    { name: 'price', type: DOUBLE },
    { name: 'placed', type: DATE },
    { name: 'shipped', type: BOOLEAN },
  ],
  rows: [
    [1, 'alice', 1050, 2, 5.25, day('2024-01-05'), true],
    [2, 'bob', 2000, 1, 20, day('2024-01-17'), false],
    [3, 'alice', 399, 3, 1.33, day('2024-02-01'), true],
    [4, 'carol', null, 5, null, day('2024-02-14'), null],
    [5, null, 1, 1, 0.01, day('2024-02-29'), false],
    [6, 'bob', 12345, 10, 12.345, day('2024-03-01'), true],
    [7, 'dave', 999999, 4, 2499.9975, day('2024-03-31'), true],
    [8, null, null, null, null, null, null],
    [9, 'alice', 100, 7, 1 / 7, day('2023-12-31'), false],
    [10, 'élodie', 250, 2, 1.25, day('2024-01-05'), true],
  ],
  splitRows: 3,
};

/** Values around 2^53: the sums must stay exact. */
export const BIG: MemTable = {
  columns: [
    { name: 'g', type: VARCHAR },
    { name: 'v', type: BIGINT },
    { name: 'd', type: decimalType(20, 2) },
  ],
  rows: [
    ['a', 9007199254740991, 900719925474099100n],
    ['a', 2, 1],
    ['b', 1, 1],
    ['a', 9007199254740993n, 10n ** 19n],
    ['b', -1, -1],
    ['c', null, null],
  ],
  splitRows: 2,
};

export const EMPTY: MemTable = { columns: [{ name: 'x', type: BIGINT }], rows: [] };

/** Join partners of `orders.customer`: a NULL name, a duplicated name, a name without orders. */
export const CUSTOMERS: MemTable = {
  columns: [
    { name: 'name', type: VARCHAR },
    { name: 'region', type: VARCHAR },
    { name: 'tier', type: INTEGER },
  ],
  rows: [
    ['alice', 'north', 1],
    ['bob', 'south', 2],
    ['carol', null, 1],
    ['erin', 'east', 3],
    [null, 'west', 2],
    ['bob', 'east', 3],
  ],
  splitRows: 2,
};

export const REGIONS: MemTable = {
  columns: [
    { name: 'code', type: VARCHAR },
    { name: 'label', type: VARCHAR },
  ],
  rows: [
    ['north', 'North'],
    ['south', 'South'],
    ['east', 'East'],
    ['nowhere', 'Nowhere'],
    [null, 'Unknown'],
  ],
  splitRows: 2,
};

/** Numbers with NULLs and duplicates, for subqueries, set operations and windows. */
export const NUMS: MemTable = {
  columns: [
    { name: 'g', type: VARCHAR },
    { name: 'n', type: INTEGER },
    { name: 'x', type: DOUBLE },
  ],
  rows: [
    ['a', 1, 1.5],
    ['a', 2, 2.5],
    ['a', 2, null],
    ['b', 3, 3],
    ['b', null, 4],
    ['c', 5, 5],
    ['c', 6, -1],
    ['c', 7, 0],
    [null, 8, 8],
  ],
  splitRows: 3,
};

export function shopConnector(): MemConnector {
  return new MemConnector({
    shop: { orders: ORDERS, big: BIG, empty: EMPTY, customers: CUSTOMERS, regions: REGIONS, nums: NUMS },
  });
}
