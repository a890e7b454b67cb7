import { QuarryError } from './errors.js';

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses a duration as Trino writes them (`500ms`, `10s`, `1m`, `1.5h`) into milliseconds. */
export function parseDuration(text: string, property = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m?.[2]?.toLowerCase();
  const scale = unit === undefined ? undefined : DURATION_UNITS[unit];
  if (!m || scale === undefined) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${property}: '${text}' is not a duration (expected a number and a unit: ns, us, ms, s, m, h, d)`,
    );
  }
  return Number(m[1]) * scale;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** Parses a data size as Trino writes them (`1GB`, `256MB`, `512kB`) into bytes. */
export function parseDataSize(text: string, property = 'data size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = m?.[2]?.toLowerCase();
  const scale = unit === undefined ? undefined : SIZE_UNITS[unit];
  if (!m || scale === undefined) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${property}: '${text}' is not a data size (expected a number and a unit: B, kB, MB, GB, TB)`,
    );
  }
  return Math.round(Number(m[1]) * scale);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  return `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(0)}s`;
}
