/**
 * Reader for dbgen's `dists.dss`: named lists of `token|weight` lines between `BEGIN name` and
 * `END name`, with `#` comments and a mandatory `count|n` line. Used only by
 * `packages/connectors/scripts/gen-dists.ts` (which writes `dists.generated.ts`) and by the test that
 * keeps the two in step; the generator itself never reads the file at run time.
 */

/** One distribution as written in the file: tokens in order, with their raw (non-cumulative) weights. */
export interface RawDistribution {
  readonly values: readonly string[];
  readonly weights: readonly number[];
}

/**
 * Parses the whole file. Names are lower-cased (the file mixes `BEGIN` and `begin`); the `END` line's
 * name is not checked, because the file itself closes `auxillaries` with `END auxiallaries` and dbgen
 * accepts that. Throws when a list's `count` disagrees with its entries, as dbgen does.
 */
export function parseDists(text: string): Map<string, RawDistribution> {
  const result = new Map<string, RawDistribution>();
  let current: { name: string; count: number; values: string[]; weights: number[] } | null = null;
  const lines = text.split(/\r?\n/);
  for (let lineNo = 1; lineNo <= lines.length; lineNo++) {
    const raw = lines[lineNo - 1] ?? '';
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    const keyword = (words[0] ?? '').toLowerCase();
    if (current === null) {
      if (keyword === 'begin' && words.length === 2) {
        current = { name: (words[1] ?? '').toLowerCase(), count: -1, values: [], weights: [] };
      }
      continue;
    }
    if (keyword === 'end') {
      if (current.count !== current.values.length) {
        throw new Error(
          `dists.dss line ${lineNo}: distribution ${current.name} declares count ${current.count} ` +
            `but lists ${current.values.length} entries`,
        );
      }
      result.set(current.name, { values: current.values, weights: current.weights });
      current = null;
      continue;
    }
    const bar = line.lastIndexOf('|');
    if (bar < 0) throw new Error(`dists.dss line ${lineNo}: expected "token|weight", got "${line}"`);
    const token = line.slice(0, bar);
    const weight = Number(line.slice(bar + 1).trim());
    if (!Number.isInteger(weight)) throw new Error(`dists.dss line ${lineNo}: bad weight in "${line}"`);
    if (token.toLowerCase() === 'count') current.count = weight;
    else {
      current.values.push(token);
      current.weights.push(weight);
    }
  }
  if (current !== null) throw new Error(`dists.dss: distribution ${current.name} has no END line`);
  return result;
}

/** The distributions the generator uses, by the names dbgen loads them under. */
export const USED_DISTRIBUTIONS = [
  'p_cntr',
  'colors',
  'p_types',
  'nations',
  'regions',
  'o_oprio',
  'instruct',
  'smode',
  'rflag',
  'msegmnt',
  'nouns',
  'verbs',
  'adjectives',
  'adverbs',
  'auxillaries',
  'terminators',
  'articles',
  'prepositions',
  'grammar',
  'np',
  'vp',
] as const;

export type DistributionName = (typeof USED_DISTRIBUTIONS)[number];

/** Picks the used distributions out of a parsed file, failing on any that are missing. */
export function selectUsed(
  parsed: ReadonlyMap<string, RawDistribution>,
): Record<DistributionName, RawDistribution> {
  const out = {} as Record<DistributionName, RawDistribution>;
  for (const name of USED_DISTRIBUTIONS) {
    const dist = parsed.get(name);
    if (dist === undefined) throw new Error(`dists.dss has no distribution named ${name}`);
    out[name] = dist;
  }
  return out;
}
