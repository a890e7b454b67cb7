import { QuarryError } from './errors.js';
/** A property map as read from a file (the same shape as `Properties`). */
type Properties = Readonly<Record<string, string>>;

/**
 * Strict configuration, as Trino's: a property nobody reads is a mistake (a typo, or a short form
 * from another tool's chart such as `base-directories=` for `exchange.base-directories=`) that would
 * otherwise leave a setting at its default without a word. Such a file stops the process at start,
 * naming the file, the property and the nearest known name.
 */
export interface KnownProperties {
  /** Names quarry reads from this file. */
  readonly read: readonly string[];
  /** Trino's own names for this file that quarry accepts and ignores, so Trino's files load unchanged. */
  readonly ignored?: readonly string[];
  /** Prefixes of Trino-only namespaces in which quarry reads nothing (`http-server.`, `jmx.`, …). */
  readonly ignoredPrefixes?: readonly string[];
}

/** Throws INVALID_CONFIGURATION for the first property of `props` that `known` does not list. */
export function checkKnownProperties(props: Properties, file: string, known: KnownProperties): void {
  const names = new Set([...known.read, ...(known.ignored ?? [])]);
  const prefixes = known.ignoredPrefixes ?? [];
  for (const name of Object.keys(props).sort()) {
    if (names.has(name)) continue;
    if (prefixes.some((p) => name.startsWith(p)) && !nearMiss(name, known.read)) continue;
    const guess = suggest(name, known.read);
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${file}: unknown property '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}`,
    );
  }
}

/**
 * A name under an ignored prefix one or two edits away from a name quarry reads there
 * (`http-server.http.prot` for `http-server.http.port`): a typo, not one of Trino's own names.
 */
function nearMiss(name: string, read: readonly string[]): boolean {
  return read.some((k) => editDistance(name, k) <= 2);
}

/**
 * The known name closest to `name`: one it is the tail of (`s3.region` → `exchange.s3.region`), or
 * else the nearest by edit distance, if that distance is small for the name's length.
 */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const tails = known.filter((k) => k.endsWith(`.${name}`) || k.endsWith(`-${name}`));
  if (tails.length === 1) return tails[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

const ENV_REFERENCE = /\$\{ENV:([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${ENV:NAME}` in every value by the environment variable, as Trino does (secrets stay out
 * of files). A malformed or unset variable is an error naming the file, the property and the variable
 * — never its value, which may be a secret.
 */
export function expandEnvReferences(
  props: Properties,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Properties {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) {
    out[name] = value.replace(ENV_REFERENCE, (_all, variable: string) => {
      if (!ENV_NAME.test(variable)) {
        throw new QuarryError(
          'INVALID_CONFIGURATION',
          `${file}: ${name} refers to '\${ENV:${variable}}', which is not a valid environment variable name`,
        );
      }
      const found = env[variable];
      if (found === undefined) {
        throw new QuarryError(
          'INVALID_CONFIGURATION',
          `${file}: ${name} refers to environment variable ${variable}, which is not set`,
        );
      }
      return found;
    });
  }
  return out;
}
