import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * Query ids in Trino's shape, `20261125_075411_00001_x7k2p`: sortable by creation time,
 * unique across coordinators by the random suffix. Safe as a NATS subject token.
 */
export function newQueryId(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  counter = (counter + 1) % 100_000;
  return `${date}_${time}_${p(counter, 5)}_${randomSuffix(5)}`;
}

export function randomSuffix(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Ids that become NATS subject tokens and storage path segments must be plain. */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}
