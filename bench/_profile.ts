/**
 * Where a task's time goes, from its CPU profile (a `.cpuprofile` the worker writes under
 * `task.cpu-profile-dir`): each sample's time goes to a category of work, found from the sampled
 * stack. Pure: no files, no clock.
 *
 * A frame's category comes from its source file (and for some, its function), in the table
 * {@link RULES}; a frame that no rule names (a helper of `page/`, Node's own code, a V8 builtin)
 * takes the category of the frame that called it, so that the `fs` calls of the exchange sink count
 * as exchange writing and `Array.prototype.sort` under ORDER BY as sorting. The innermost named frame
 * decides: a compiled filter called by a join counts as expression evaluation. What no named frame
 * covers is `other`: the pipeline's glue (operator.ts, task-runner.ts, the generators between
 * operators), the task's setup and its messages.
 *
 * Categories:
 * - `scan`: reading a table — the lake's Parquet reader (hyparquet, hysnappy), the tpch generator;
 * - `expression`: compiled filters and projections (generated functions named `compiled`), the
 *   scalar functions and casts they call, the filter-and-project operator;
 * - `hashing`: row hashes and the hash tables over them (group ids, a join's build index);
 * - `join`: the join operators (build collection, probe, output gathering);
 * - `aggregation`: accumulators and the aggregation operator;
 * - `sort`: ORDER BY, top-N, external sort and merging;
 * - `exchange write` / `exchange read`: the exchange sink and source (files, partitioning of output;
 *   object storage's whole-file reads and writes, and Node's file read streams, count as the
 *   exchange's: in a query the lake only reads ranges);
 * - `serde`: page encoding and decoding, exchange framing, compression, encryption;
 * - `gc`, `idle` (the thread waiting: I/O, its input, the scheduler), `other`.
 */

export const CATEGORIES = [
  'scan',
  'expression',
  'hashing',
  'join',
  'aggregation',
  'sort',
  'exchange write',
  'exchange read',
  'serde',
  'gc',
  'idle',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

/** A .cpuprofile (Chrome DevTools' format), as much as is read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: CallFrame;
    readonly children?: readonly number[];
  }[];
  /** µs */
  readonly startTime: number;
  readonly endTime: number;
  /** The sampled node of each sample, and the µs since the sample before (the first: since start). */
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** A file of a quarry package, by its package and path under src/ (or dist/, as the workers run it). */
const quarry = (pkg: string, path: string) => new RegExp(`/(?:packages|@quarry)/${pkg}/(?:dist|src)/${path}`);
/** A file of an npm package. */
const npm = (pkg: string) => new RegExp(`/node_modules/${pkg}/`);

/** First match wins: more specific rules first. */
const RULES: readonly { url: RegExp; fn?: RegExp; category: Category }[] = [
  { url: quarry('connectors', '(?:lake|tpch|memory)/'), category: 'scan' },
  { url: npm('hyparquet'), category: 'scan' },
  { url: npm('hysnappy'), category: 'scan' },
  // object storage serves both: the lake reads Parquet by ranges, the exchange whole files as
  // streams, which Node reads from its event loop, where no caller shows
  { url: quarry('storage', ''), fn: /^readRange$/, category: 'scan' },
  { url: quarry('storage', ''), fn: /^read$/, category: 'exchange read' },
  { url: /^node:internal\/fs\/streams$/, category: 'exchange read' },
  { url: quarry('storage', ''), fn: /^(?:write|finish)$/, category: 'exchange write' },
  // generated code has no file: the expression compiler names its functions `compiled`
  { url: /^$/, fn: /^compiled$/, category: 'expression' },
  { url: quarry('sql', 'functions/value-hash\\.'), category: 'hashing' },
  {
    url: quarry('sql', 'functions/(?:aggregate|aggregates|listagg|distinct-sketch)'),
    category: 'aggregation',
  },
  { url: quarry('sql', 'functions/window\\.'), category: 'other' },
  { url: quarry('sql', '(?:functions|expr)/'), category: 'expression' },
  { url: quarry('sql', 'operators/filter-project\\.'), category: 'expression' },
  { url: quarry('sql', 'operators/(?:hash|group-by-hash|join-hash)\\.'), category: 'hashing' },
  { url: quarry('sql', 'operators/(?:hash-join|semi-join)\\.'), category: 'join' },
  { url: quarry('sql', 'operators/(?:aggregate|aggregate-spill|group-table)\\.'), category: 'aggregation' },
  { url: quarry('sql', 'operators/(?:sort|external-sort|merge-runs|row-order)\\.'), category: 'sort' },
  { url: quarry('sql', 'operators/partition\\.'), category: 'exchange write' },
  { url: quarry('sql', 'page/serde\\.'), category: 'serde' },
  { url: quarry('exchange', 'filesystem-sink\\.'), category: 'exchange write' },
  { url: quarry('exchange', '(?:filesystem-exchange|byte-queue)\\.'), category: 'exchange read' },
  { url: quarry('exchange', '(?:format|codecs|encryption)\\.'), category: 'serde' },
  { url: npm('lz4'), category: 'serde' },
  { url: npm('zstd-napi'), category: 'serde' },
];

/** V8's pseudo-frames (no url), at the root of the tree. */
const PSEUDO: Readonly<Record<string, Category>> = {
  '(garbage collector)': 'gc',
  '(idle)': 'idle',
  '(program)': 'other',
  '(root)': 'other',
};

/** The category a frame names on its own; undefined: it takes its caller's. */
export function categoryOfFrame(frame: CallFrame): Category | undefined {
  if (frame.url === '' && PSEUDO[frame.functionName]) return PSEUDO[frame.functionName];
  return RULES.find((r) => r.url.test(frame.url) && (!r.fn || r.fn.test(frame.functionName)))?.category;
}

/** Each node's category: its own frame's, else its caller's (the root's: `other`). */
function nodeCategories(profile: CpuProfile): Map<number, Category> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<number, Category>();
  const categoryOf = (id: number): Category => {
    const known = out.get(id);
    if (known) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const own = node ? categoryOfFrame(node.callFrame) : undefined;
    const category = own ?? (up === undefined ? 'other' : categoryOf(up));
    out.set(id, category);
    return category;
  };
  for (const n of profile.nodes) categoryOf(n.id);
  return out;
}

/**
 * The sampled node of each sample and its time (ms): the time up to the next sample (the last
 * one's: up to the profile's end), as Chrome DevTools counts it.
 */
export function sampleTimes(profile: CpuProfile): { node: number; ms: number }[] {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  const at = samples.map((_, i) => (t += deltas[i] ?? 0));
  return samples.map((node, i) => ({
    node,
    ms: Math.max(0, (i + 1 < at.length ? at[i + 1]! : profile.endTime) - at[i]!) / 1000,
  }));
}

export type Breakdown = Record<Category, number>;

export const emptyBreakdown = (): Breakdown => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Breakdown;

/** The profile's time (ms) by category. */
export function breakdown(profile: CpuProfile): Breakdown {
  const categories = nodeCategories(profile);
  const out = emptyBreakdown();
  for (const s of sampleTimes(profile)) out[categories.get(s.node) ?? 'other'] += s.ms;
  return out;
}

/** Adds `b` into `into`. */
export function addBreakdown(into: Breakdown, b: Breakdown): Breakdown {
  for (const c of CATEGORIES) into[c] += b[c];
  return into;
}

/** The functions with the most self time (ms), with their category: `name (file:line)`. */
export function topFunctions(
  profile: CpuProfile,
  into = new Map<string, { ms: number; category: Category }>(),
): Map<string, { ms: number; category: Category }> {
  const categories = nodeCategories(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const s of sampleTimes(profile)) {
    const frame = byId.get(s.node)?.callFrame;
    if (!frame) continue;
    const file = frame.url.split('/').slice(-2).join('/');
    const key = `${frame.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
    const entry = into.get(key) ?? { ms: 0, category: categories.get(s.node) ?? 'other' };
    entry.ms += s.ms;
    into.set(key, entry);
  }
  return into;
}
