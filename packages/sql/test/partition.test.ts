/** Hash partitioning of a page's rows over tasks (partitionPage). */
import { expect } from 'chai';
import { partitionPage } from '../src/operators/partition.js';
import { concatPages, pageFromRows, pageRows, type Page } from '../src/page/block.js';
import { BIGINT, DOUBLE, INTEGER, VARCHAR } from '../src/types/types.js';
import { canonical } from './support/expressions.js';
import { random } from './support/operators.js';

describe('partitionPage', () => {
  const types = [BIGINT, VARCHAR, DOUBLE];
  const next = random(7);
  const rows = Array.from({ length: 2000 }, (_, i) => [
    i % 97 === 0 ? null : Math.floor(next() * 300),
    i % 89 === 0 ? null : `k${Math.floor(next() * 40)}`,
    i % 83 === 0 ? null : Math.floor(next() * 20) / 4,
  ]);
  const page = pageFromRows(types, rows);

  /** Partition of each row, checking every row lands in exactly one partition. */
  function partitionOf(p: Page, channels: number[], count: number, identity: number): number[] {
    const parts = partitionPage(p, channels, count);
    expect(parts.length).to.equal(count);
    const where = new Array<number>(p.rowCount).fill(-1);
    parts.forEach((part, k) => {
      if (!part) return;
      const ids = part.blocks[identity]!.values as Float64Array | Int32Array;
      for (const id of ids) {
        expect(where[id], `row ${id} in two partitions`).to.equal(-1);
        where[id] = k;
      }
    });
    expect(where.includes(-1), 'every row in a partition').to.equal(false);
    return where;
  }

  it('puts every row in exactly one partition and equal keys together', () => {
    const withId = pageFromRows(
      [...types, INTEGER],
      rows.map((r, i) => [...r, i]),
    );
    for (const channels of [[0], [1], [2], [0, 1], [1, 2, 0]]) {
      for (const count of [2, 3, 8]) {
        const where = partitionOf(withId, channels, count, 3);
        const byKey = new Map<string, number>();
        rows.forEach((r, i) => {
          const key = JSON.stringify(channels.map((c) => r[c]));
          const k = byKey.get(key);
          if (k === undefined) byKey.set(key, where[i]!);
          else expect(where[i], `key ${key}`).to.equal(k);
        });
      }
    }
  });

  it('spreads distinct keys over the partitions', () => {
    const keys = pageFromRows(
      [BIGINT, INTEGER],
      Array.from({ length: 1000 }, (_, i) => [i, i]),
    );
    const where = partitionOf(keys, [0], 4, 1);
    const counts = [0, 1, 2, 3].map((k) => where.filter((w) => w === k).length);
    expect(Math.min(...counts), `counts ${counts.join(', ')}`).to.be.greaterThan(150);
  });

  it('keeps the rows of each partition in input order, with all their columns', () => {
    const withId = pageFromRows(
      [...types, INTEGER],
      rows.map((r, i) => [...r, i]),
    );
    const parts = partitionPage(withId, [1], 3);
    let total = 0;
    for (const part of parts) {
      const got = part ? pageRows(part) : [];
      total += got.length;
      const ids = got.map((r) => r[3] as number);
      expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));
      expect(got.map((r) => r.slice(0, 3))).to.deep.equal(ids.map((i) => rows[i]));
    }
    expect(total).to.equal(rows.length);
  });

  it('returns the page itself for one partition and undefined for empty partitions', () => {
    expect(partitionPage(page, [0], 1)).to.deep.equal([page]);
    const one = pageFromRows([INTEGER], [[5], [5], [5]]);
    const parts = partitionPage(one, [0], 4);
    expect(parts.filter((p) => p !== undefined).length).to.equal(1);
    expect(parts.find((p) => p)!.rowCount).to.equal(3);
  });

  it('sends a value to the same partition from a narrow and from a wide block', () => {
    const narrowRows = [[5], [7], [-3], [9007199254740991], [0], [null]];
    const narrow = pageFromRows([BIGINT], narrowRows);
    const wide = pageFromRows(
      [BIGINT],
      [[2n ** 60n], ...narrowRows.map((r) => [r[0] === null ? null : BigInt(r[0] as number)])],
    );
    expect(narrow.blocks[0]!.values).to.be.instanceOf(Float64Array);
    expect(Array.isArray(wide.blocks[0]!.values)).to.equal(true);
    for (const count of [2, 3, 5, 16]) {
      const partOf = (p: Page) => {
        const out = new Map<string, number>();
        partitionPage(p, [0], count).forEach((part, k) => {
          if (part) for (const r of pageRows(part)) out.set(String(canonical(r[0])), k);
        });
        return out;
      };
      const a = partOf(narrow);
      const b = partOf(wide);
      for (const [key, k] of a) expect(b.get(key), `value ${key} over ${count}`).to.equal(k);
    }
  });

  it('sends -0 and 0 to the same partition', () => {
    const p = pageFromRows([DOUBLE], [[0], [-0]]);
    for (const count of [2, 3, 7])
      expect(partitionPage(p, [0], count).filter((x) => x !== undefined).length).to.equal(1);
  });

  it('partitions a row the same way whichever page it arrives in', () => {
    const a = pageFromRows([VARCHAR], [['x'], ['y']]);
    const b = pageFromRows([VARCHAR], [['y'], ['z'], ['x']]);
    /** The values each partition receives from these pages, in order. */
    const valuesByPartition = (pages: Page[]) =>
      [0, 1, 2].map((k) =>
        pages.flatMap((p) => {
          const part = partitionPage(p, [0], 3)[k];
          return part ? pageRows(part).map((r) => r[0]) : [];
        }),
      );
    const together = valuesByPartition([concatPages([VARCHAR], [a, b])]);
    const apart = valuesByPartition([a, b]);
    expect(together).to.deep.equal(apart);
  });
});
