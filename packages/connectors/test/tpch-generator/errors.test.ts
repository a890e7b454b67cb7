import { expect } from 'chai';
import {
  driverRowCount,
  estimatedRowCount,
  generate,
  type TpchTableName,
} from '../../src/tpch/generator/index.js';

describe('tpch generator: errors', () => {
  it('rejects an unknown table, naming it', () => {
    expect(() =>
      generate({ table: 'lineitems' as TpchTableName, scaleFactor: 1, start: 0, count: 1, columns: [] }),
    ).to.throw(/unknown TPC-H table: lineitems/);
    expect(() => driverRowCount('nope' as TpchTableName, 1)).to.throw(/unknown TPC-H table: nope/);
    expect(() => estimatedRowCount('nope' as TpchTableName, 1)).to.throw(/unknown TPC-H table: nope/);
  });

  it('rejects an unknown column, naming it and the table', () => {
    expect(() =>
      generate({ table: 'orders', scaleFactor: 1, start: 0, count: 1, columns: ['o_orderkey', 'o_bogus'] }),
    ).to.throw(/unknown column o_bogus in TPC-H table orders/);
    expect(() =>
      generate({ table: 'lineitem', scaleFactor: 1, start: 0, count: 1, columns: ['o_orderkey'] }),
    ).to.throw(/unknown column o_orderkey/);
  });

  it('rejects scale factors that are not positive finite numbers', () => {
    for (const sf of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => driverRowCount('part', sf), String(sf)).to.throw(RangeError, /scale factor/);
      expect(
        () => generate({ table: 'part', scaleFactor: sf, start: 0, count: 1, columns: ['p_partkey'] }),
        String(sf),
      ).to.throw(RangeError, /scale factor/);
    }
  });

  it('rejects ranges outside the table and non-integer bounds', () => {
    expect(() =>
      generate({ table: 'region', scaleFactor: 1, start: 3, count: 3, columns: ['r_name'] }),
    ).to.throw(RangeError, /5 driver rows; \[3, 6\)/);
    expect(() =>
      generate({ table: 'part', scaleFactor: 0.01, start: -1, count: 2, columns: ['p_name'] }),
    ).to.throw(RangeError);
    expect(() =>
      generate({ table: 'part', scaleFactor: 0.01, start: 0.5, count: 2, columns: ['p_name'] }),
    ).to.throw(RangeError);
    expect(() =>
      generate({ table: 'part', scaleFactor: 0.01, start: 0, count: -2, columns: ['p_name'] }),
    ).to.throw(RangeError);
  });
});
