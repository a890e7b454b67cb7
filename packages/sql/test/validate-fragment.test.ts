/**
 * validatePlanFragment: every fragment the planner makes for the TPC-H queries and the SQL cases
 * passes, and seeded random mutations of them (a channel out of range, an unknown kind, function or
 * type, a field removed, a literal that is not a value) are refused with INVALID_MESSAGE and a path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { validatePlanFragment } from '../src/index.js';
import { parseStatement } from '../src/parser/parser.js';
import { planDistributed, PlannerMetadata } from '../src/planner/index.js';
import type { PlanFragment } from '../src/plan/fragment.js';
import { expectError } from './support/errors.js';
import { NOW } from './support/expressions.js';
import { tpchRegistry } from './support/tpch-schema.js';

const ROOT = new URL('../../../', import.meta.url);

function sqlFiles(dir: string): string[] {
  const url = new URL(dir, ROOT);
  return readdirSync(url)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(new URL(f, url), 'utf8'));
}

/** The SQL of each case of a test/sql data file that expects rows (not an error). */
function caseQueries(text: string): string[] {
  const out: string[] = [];
  for (const block of text.split(/^query .*$/m).slice(1)) {
    const lines = block.split('\n').filter((l) => !l.startsWith('#'));
    const end = lines.findIndex((l) => l.startsWith('----'));
    if (lines.slice(end).some((l) => l.startsWith('---- error'))) continue;
    out.push(
      lines
        .slice(0, end < 0 ? undefined : end)
        .join('\n')
        .trim(),
    );
  }
  return out;
}

async function fragmentsOf(sql: string): Promise<readonly PlanFragment[]> {
  const statement = parseStatement(sql);
  const session = { catalog: 'tpch', schema: 'tiny', properties: {}, now: NOW };
  const metadata = await PlannerMetadata.load(statement, tpchRegistry(), session);
  return planDistributed(statement, metadata).fragments;
}

const TPCH = sqlFiles('testdata/tpch/queries/');
const CASES = sqlFiles('test/sql/cases/').flatMap(caseQueries);

async function plannedFragments(
  queries: readonly string[],
): Promise<{ fragments: PlanFragment[]; planned: number; otherCatalogs: number }> {
  const fragments: PlanFragment[] = [];
  let planned = 0;
  let otherCatalogs = 0;
  for (const sql of queries) {
    try {
      fragments.push(...(await fragmentsOf(sql)));
      planned++;
    } catch (e) {
      // cases over other catalogs (lake, memory: not in this test's registry), or statements that
      // plan elsewhere, are not this test's subject
      if (!(e instanceof QuarryError)) throw e;
      if (e.code === 'CATALOG_NOT_FOUND') otherCatalogs++;
    }
  }
  return { fragments, planned, otherCatalogs };
}

/** A msgpack round trip would drop `undefined` fields; JSON does the same and keeps the test plain. */
const asData = (f: PlanFragment): unknown => JSON.parse(JSON.stringify(f)) as unknown;

describe('validatePlanFragment', () => {
  let tpch: PlanFragment[] = [];
  let cases: PlanFragment[] = [];

  before(async function () {
    this.timeout(60_000);
    const t = await plannedFragments(TPCH);
    expect(t.planned, 'TPC-H queries planned').to.equal(22);
    tpch = t.fragments;
    const c = await plannedFragments(CASES);
    expect(c.planned, 'SQL cases over tpch planned').to.be.greaterThan(
      (CASES.length - c.otherCatalogs) * 0.95,
    );
    cases = c.fragments;
  });

  it('accepts every fragment of the 22 TPC-H queries', () => {
    for (const f of tpch) {
      expect(validatePlanFragment(f)).to.equal(f);
      validatePlanFragment(asData(f));
    }
  });

  it('accepts every fragment of the SQL cases', () => {
    for (const f of cases) validatePlanFragment(asData(f));
  });

  it('names the path of what is wrong', () => {
    const f = structuredClone(tpch[0]!) as unknown as { root: Record<string, unknown> };
    f.root.kind = 'Bogus';
    expectError(
      () => validatePlanFragment(f),
      'INVALID_MESSAGE',
      /fragment\.root\.kind is not a known plan node/,
    );
    for (const bad of [null, 1, 'x', [], { id: 0 }])
      expectError(() => validatePlanFragment(bad), 'INVALID_MESSAGE');
  });

  it('refuses a channel past the input, deep inside an expression', () => {
    const fragment = [...tpch, ...cases].find((f) => JSON.stringify(f).includes('"kind":"Filter"'))!;
    const copy = asData(fragment) as { root: unknown };
    const filter = findNode(copy.root, 'Filter')!;
    const input = findExpr(filter.predicate, 'input')!;
    input.channel = 1_000;
    expectError(() => validatePlanFragment(copy), 'INVALID_MESSAGE', /predicate.*channel is out of range/);
  });

  it('refuses 600 seeded random mutations of planned fragments', function () {
    this.timeout(30_000);
    const all = [...tpch, ...cases];
    const random = seeded(20261207);
    let tried = 0;
    while (tried < 600) {
      const copy = asData(all[random(all.length)]!);
      const sites = mutationSites(copy);
      const site = sites[random(sites.length)]!;
      site.apply(random);
      tried++;
      const e = expectError(() => validatePlanFragment(copy), 'INVALID_MESSAGE');
      expect(e.message, site.what).to.match(/^invalid plan: fragment/);
    }
  });

  it('refuses plans nested deeper than the limit', () => {
    const scan = { kind: 'Values', rows: [], outputs: [] };
    let node: unknown = scan;
    for (let i = 0; i < 5_000; i++) node = { kind: 'EnforceSingleRow', input: node, outputs: [] };
    const fragment = {
      id: 0,
      root: node,
      distribution: 'single',
      outputPartitioning: { kind: 'single' },
      outputs: [],
      inputs: [],
    };
    expectError(() => validatePlanFragment(fragment), 'INVALID_MESSAGE', /nests deeper than/);
  });
});

type Json = Record<string, unknown>;

function findNode(node: unknown, kind: string): Json | undefined {
  const n = node as Json;
  if (n.kind === kind) return n;
  for (const key of ['input', 'build']) if (n[key]) return findNode(n[key], kind) ?? undefined;
  for (const child of (n.inputs as unknown[] | undefined) ?? []) {
    const found = findNode(child, kind);
    if (found) return found;
  }
  return undefined;
}

function findExpr(e: unknown, kind: string): Json | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const x = e as Json;
  if (x.kind === kind) return x;
  for (const v of Object.values(x)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const found = findExpr(item, kind);
      if (found) return found;
    }
  }
  return undefined;
}

function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s % n;
  };
}

interface Site {
  readonly what: string;
  apply(random: (n: number) => number): void;
}

const CHANNEL_FIELDS = new Set(['channel', 'mask']);
const CHANNEL_LISTS = new Set([
  'groupBy',
  'leftKeys',
  'rightKeys',
  'partitionBy',
  'distinct',
  'passThrough',
  'channels',
  'args',
  'keys',
]);
const REQUIRED = new Set(['outputs', 'input', 'build', 'predicate', 'type', 'exprs', 'root', 'partitioning']);
const BAD_CHANNELS: readonly unknown[] = [1_000_000, -1, 0.5, '0]; globalThis.pwned = 1; [0', null];
const BAD_TYPES: readonly unknown[] = [
  { kind: 'varchar2' },
  { kind: 'decimal', precision: '10', scale: 2 },
  'bigint',
  null,
];

/** Every place in a fragment where a change must make it invalid. */
function mutationSites(root: unknown): Site[] {
  const sites: Site[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    const obj = value as Json;
    for (const [key, v] of Object.entries(obj)) {
      const at = `${path}.${key}`;
      if (typeof v === 'number' && CHANNEL_FIELDS.has(key))
        sites.push({ what: at, apply: (r) => (obj[key] = BAD_CHANNELS[r(BAD_CHANNELS.length)]) });
      if (Array.isArray(v) && CHANNEL_LISTS.has(key))
        v.forEach((x, i) => {
          if (typeof x === 'number')
            sites.push({ what: `${at}[${i}]`, apply: (r) => (v[i] = BAD_CHANNELS[r(BAD_CHANNELS.length)]) });
        });
      if (key === 'kind' && typeof v === 'string')
        sites.push({ what: at, apply: () => (obj[key] = `${v}X`) });
      if (key === 'fn') sites.push({ what: at, apply: () => (obj[key] = 'no_such_function') });
      if (key === 'type' && typeof v === 'object' && !Array.isArray(v))
        sites.push({ what: at, apply: (r) => (obj[key] = BAD_TYPES[r(BAD_TYPES.length)]) });
      if (REQUIRED.has(key)) sites.push({ what: `${at} removed`, apply: () => delete obj[key] });
      if (key === 'value' && obj.kind === 'literal')
        sites.push({ what: at, apply: () => (obj[key] = { toString: 'x' }) });
      walk(v, at);
    }
  };
  walk(root, 'fragment');
  return sites;
}
