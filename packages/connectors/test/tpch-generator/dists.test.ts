import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDists, selectUsed } from '../../src/tpch/generator/dists-parser.js';
import { DISTRIBUTIONS } from '../../src/tpch/generator/dists.generated.js';

const COMMITTED = fileURLToPath(new URL('../../src/tpch/generator/dists.dss', import.meta.url));
const TESTDATA = fileURLToPath(new URL('../../../../testdata/tpch/dists.dss', import.meta.url));

describe('tpch generator: distributions', () => {
  it('the generated module matches the committed dists.dss (rerun scripts/gen-dists.ts if not)', () => {
    const parsed = selectUsed(parseDists(readFileSync(COMMITTED, 'utf8')));
    expect(JSON.parse(JSON.stringify(DISTRIBUTIONS))).to.deep.equal(JSON.parse(JSON.stringify(parsed)));
  });

  it("the generator's dists.dss is the reference copy in testdata/tpch", () => {
    expect(existsSync(TESTDATA), `${TESTDATA} is missing`).to.equal(true);
    expect(readFileSync(COMMITTED, 'utf8')).to.equal(readFileSync(TESTDATA, 'utf8'));
  });

  it('reads lists as dbgen does', () => {
    const parsed = parseDists(
      [
        '# comment',
        'BEGIN Things # trailing comment',
        'COUNT|3',
        'according to|50',
        'J, J N|2',
        '.|1',
        'end whatever',
      ].join('\n'),
    );
    expect(parsed.get('things')).to.deep.equal({
      values: ['according to', 'J, J N', '.'],
      weights: [50, 2, 1],
    });
    expect(DISTRIBUTIONS.nations.weights.slice(0, 5)).to.deep.equal([0, 1, 0, 0, 3]);
  });

  it('rejects malformed lists', () => {
    expect(() => parseDists('begin a\ncount|2\nx|1\nend a')).to.throw(/declares count 2 but lists 1/);
    expect(() => parseDists('begin a\ncount|1\nx|1')).to.throw(/no END line/);
    expect(() => parseDists('begin a\ncount|1\nx|heavy\nend a')).to.throw(/bad weight/);
    expect(() => selectUsed(new Map())).to.throw(/no distribution named p_cntr/);
  });
});
