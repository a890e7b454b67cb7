import { expect } from 'chai';
import {
  breakdown,
  categoryOfFrame,
  sampleTimes,
  topFunctions,
  type CpuProfile,
} from '../../bench/_profile.js';

/** Where the workers' modules are, as a profile names them. */
const ROOT = 'file:///work/quarry';
const dist = (pkg: string, path: string) => `${ROOT}/packages/${pkg}/dist/${path}.js`;
const frame = (url: string, functionName = 'f') => ({ url, functionName });

/**
 * A synthetic profile: a tree of frames (id → frame and children) and samples of 1 ms each, after
 * a first one at the start.
 */
function profile(
  nodes: { id: number; url: string; fn?: string; children?: number[] }[],
  samples: number[],
): CpuProfile {
  return {
    nodes: nodes.map((n) => ({ id: n.id, callFrame: frame(n.url, n.fn), children: n.children ?? [] })),
    startTime: 1_000_000,
    endTime: 1_000_000 + samples.length * 1000,
    samples,
    timeDeltas: samples.map((_, i) => (i === 0 ? 0 : 1000)),
  };
}

describe('bench/_profile: time by category from a CPU profile', () => {
  it('names a frame by its file: scan, expression, hashing, join, aggregation, sort, exchange, serde', () => {
    const cases: [string, string, string | undefined][] = [
      [dist('connectors', 'lake/reader'), 'readColumns', 'scan'],
      [dist('connectors', 'tpch/generator/tables/lineitem'), 'row', 'scan'],
      [`${ROOT}/node_modules/hyparquet/src/plain.js`, 'readPlain', 'scan'],
      ['', 'compiled', 'expression'],
      [dist('sql', 'functions/strings'), 'like', 'expression'],
      [dist('sql', 'operators/hash'), 'hashRows', 'hashing'],
      [dist('sql', 'functions/value-hash'), 'hashValue', 'hashing'],
      [dist('sql', 'operators/group-by-hash'), 'groupIds', 'hashing'],
      [dist('sql', 'operators/hash-join'), 'probe', 'join'],
      [dist('sql', 'functions/aggregates'), 'add', 'aggregation'],
      [dist('sql', 'operators/group-table'), 'addRows', 'aggregation'],
      [dist('sql', 'operators/row-order'), 'compare', 'sort'],
      [dist('exchange', 'filesystem-sink'), 'add', 'exchange write'],
      [dist('sql', 'operators/partition'), 'partitionPage', 'exchange write'],
      [dist('exchange', 'filesystem-exchange'), 'read', 'exchange read'],
      [dist('sql', 'page/serde'), 'serializePage', 'serde'],
      [dist('storage', 'local/local-storage'), 'readRange', 'scan'],
      [dist('storage', 's3/s3-storage'), 'read', 'exchange read'],
      ['node:internal/fs/streams', 'ReadStream._read', 'exchange read'],
      [dist('storage', 'local/local-storage'), 'write', 'exchange write'],
      [dist('storage', 'local/local-storage'), 'list', undefined],
      [dist('exchange', 'encryption'), 'seal', 'serde'],
      [`${ROOT}/node_modules/lz4/lib/binding.js`, 'encodeBlock', 'serde'],
      // workspace packages as a symlink under node_modules names them
      [`${ROOT}/node_modules/@quarry/sql/dist/operators/sort.js`, 'sortPage', 'sort'],
      ['', '(garbage collector)', 'gc'],
      ['', '(idle)', 'idle'],
      ['', '(program)', 'other'],
      // no rule: takes its caller's
      ['node:internal/fs/promises', 'writeFile', undefined],
      [dist('sql', 'page/block'), 'valueAt', undefined],
      [`${ROOT}/node_modules/hyparquet-writer/src/write.js`, 'write', undefined],
      ['', 'anonymous', undefined],
    ];
    for (const [url, fn, category] of cases)
      expect(categoryOfFrame(frame(url, fn)), `${fn} ${url}`).to.equal(category);
  });

  it("gives a frame no rule names its caller's category, and the innermost named frame decides", () => {
    const p = profile(
      [
        { id: 1, url: '', fn: '(root)', children: [2, 6, 7] },
        { id: 2, url: dist('worker', 'task-runner'), fn: 'spool', children: [3, 5] },
        { id: 3, url: dist('sql', 'operators/hash-join'), fn: 'probe', children: [4, 8] },
        { id: 4, url: '', fn: 'compiled' }, // a join's filter: expression
        { id: 5, url: dist('exchange', 'filesystem-sink'), fn: 'add', children: [9] },
        { id: 6, url: '', fn: '(garbage collector)' },
        { id: 7, url: '', fn: '(idle)' },
        { id: 8, url: dist('sql', 'page/block'), fn: 'valueAt' }, // under the join: join
        { id: 9, url: 'node:internal/fs/promises', fn: 'write' }, // under the sink: exchange write
      ],
      [2, 3, 3, 4, 4, 4, 5, 9, 6, 7, 7, 8],
    );
    const b = breakdown(p);
    expect(b.other).to.equal(1); // spool's own glue
    expect(b.join).to.equal(3);
    expect(b.expression).to.equal(3);
    expect(b['exchange write']).to.equal(2);
    expect(b.gc).to.equal(1);
    expect(b.idle).to.equal(2);
    expect(b.scan).to.equal(0);
    const total = Object.values(b).reduce((s, x) => s + x, 0);
    expect(total).to.equal((p.endTime - p.startTime) / 1000);
    const top = topFunctions(p);
    expect(top.get('compiled')).to.deep.equal({ ms: 3, category: 'expression' });
    expect(top.get('probe operators/hash-join.js')).to.deep.equal({ ms: 2, category: 'join' });
  });

  it("counts each sample's time up to the next one, the last up to the end, never below zero", () => {
    const p: CpuProfile = {
      nodes: [{ id: 1, callFrame: frame('', '(root)') }],
      startTime: 0,
      endTime: 10_000,
      samples: [1, 1, 1, 1],
      timeDeltas: [500, 2000, -100, 3000],
    };
    expect(sampleTimes(p).map((s) => s.ms)).to.deep.equal([2, 0, 3, 4.6]);
  });
});
