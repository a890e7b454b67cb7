import { readFileSync, existsSync } from 'node:fs';
import { parse as parseDotProperties } from 'dot-properties';
import { QuarryError } from './errors.js';
import { expandEnvReferences } from './strict-properties.js';
import { parseDataSize, parseDuration } from './units.js';

/** Flat `name → value` map, as read from a Trino-style `.properties` file. */
export type Properties = Readonly<Record<string, string>>;

export function parseProperties(text: string): Properties {
  return parseDotProperties(text) as Record<string, string>;
}

/**
 * Reads a properties file, `${ENV:NAME}` in values replaced by the environment variable; a missing
 * optional file reads as empty.
 */
export function readPropertiesFile(
  path: string,
  options: { optional?: boolean; env?: NodeJS.ProcessEnv } = {},
): Properties {
  if (!existsSync(path)) {
    if (options.optional) return {};
    throw new QuarryError('INVALID_CONFIGURATION', `Configuration file not found: ${path}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new QuarryError('INVALID_CONFIGURATION', `Cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return expandEnvReferences(parse(text, path), path, options.env);
}

function parse(text: string, path: string): Properties {
  try {
    return parseProperties(text);
  } catch (e) {
    throw new QuarryError('INVALID_CONFIGURATION', `Cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Environment variables override properties: `retry-policy` is read from `QUARRY_RETRY_POLICY`,
 * `exchange.base-directories` from `QUARRY_EXCHANGE_BASE_DIRECTORIES` (dots and dashes become underscores).
 */
export function envName(property: string): string {
  return `QUARRY_${property.replace(/[.-]/g, '_').toUpperCase()}`;
}

export function withEnvOverrides(
  props: Properties,
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Properties {
  const out: Record<string, string> = { ...props };
  for (const name of names) {
    const value = env[envName(name)];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Typed reads from a property map, each naming the property when the value is wrong. */
export class PropertyReader {
  constructor(
    private readonly props: Properties,
    private readonly source: string,
  ) {}

  string(name: string, fallback: string): string {
    return this.props[name] ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.props[name];
  }

  int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
    const raw = this.props[name];
    if (raw === undefined) return fallback;
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < min) {
      throw this.invalid(name, raw, min > Number.MIN_SAFE_INTEGER ? `an integer ≥ ${min}` : 'an integer');
    }
    return n;
  }

  number(name: string, fallback: number, min = -Infinity): number {
    const raw = this.props[name];
    if (raw === undefined) return fallback;
    const n = Number(raw.trim());
    if (!Number.isFinite(n) || n < min) throw this.invalid(name, raw, `a number ≥ ${min}`);
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.props[name]?.trim().toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw this.invalid(name, raw, 'true or false');
  }

  duration(name: string, fallback: string): number {
    return parseDuration(this.props[name] ?? fallback, `${this.source}: ${name}`);
  }

  dataSize(name: string, fallback: string): number {
    return parseDataSize(this.props[name] ?? fallback, `${this.source}: ${name}`);
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.props[name]?.trim().toUpperCase();
    if (raw === undefined) return fallback;
    const found = choices.find((c) => c.toUpperCase() === raw);
    if (!found) throw this.invalid(name, raw, `one of ${choices.join(', ')}`);
    return found;
  }

  private invalid(name: string, raw: string, expected: string): QuarryError {
    return new QuarryError(
      'INVALID_CONFIGURATION',
      `${this.source}: ${name}='${raw}' is invalid: expected ${expected}`,
    );
  }
}
