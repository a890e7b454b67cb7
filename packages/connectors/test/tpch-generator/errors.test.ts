import { expect } from 'chai';
import {
  driverRowCount,
  estimatedRowCount,
  generate,
  type TpchTableName,
} from '../../src/tpch/generator/index.js';

describe('tpch generator: errors', () => {
  it('rejects an unknown table, naming it', () => {
    expect(() => generate('lineitems' as TpchTableName, 1, 0, 1, [])).to.throw(
      /unknown TPC-H table: lineitems/,
    );
    expect(() => driverRowCount('nope' as TpchTableName, 1)).to.throw(/unknown TPC-H table: nope/);
    expect(() => estimatedRowCount('nope' as TpchTableName, 1)).to.throw(/unknown TPC-H table: nope/);
  });

  it('rejects an unknown column, naming it and the table', () => {
    expect(() => generate('orders', 1, 0, 1, ['o_orderkey', 'o_bogus'])).to.throw(
      /unknown column o_bogus in TPC-H table orders/,
    );
    expect(() => generate('lineitem', 1, 0, 1, ['o_orderkey'])).to.throw(/unknown column o_orderkey/);
  });

  it('rejects scale factors that are not positive finite numbers', () => {
    for (const sf of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => driverRowCount('part', sf), String(sf)).to.throw(RangeError, /scale factor/);
      expect(() => generate('part', sf, 0, 1, ['p_partkey']), String(sf)).to.throw(
        RangeError,
        /scale factor/,
      );
    }
  });

  it('rejects ranges outside the table and non-integer bounds', () => {
    expect(() => generate('region', 1, 3, 3, ['r_name'])).to.throw(RangeError, /5 driver rows; \[3, 6\)/);
    expect(() => generate('part', 0.01, -1, 2, ['p_name'])).to.throw(RangeError);
    expect(() => generate('part', 0.01, 0.5, 2, ['p_name'])).to.throw(RangeError);
    expect(() => generate('part', 0.01, 0, -2, ['p_name'])).to.throw(RangeError);
  });
});
