import { QuarryError } from '@quarry/common';
import { DOUBLE, isNumeric, type DataType } from '../types/index.js';
import { defineFamily, defineGenerator } from './registry.js';

/**
 * Unix time. Trino's `from_unixtime(double)` returns `timestamp(3) with time zone` in the session's
 * zone; quarry has no zoned timestamps and its sessions are in UTC, so it returns the UTC
 * `timestamp(3)` of the same instant (the forms with a zone or an offset are not supported).
 * The seconds are rounded to milliseconds as Java's Math.round does (NaN is the epoch, as there).
 */

const TIMESTAMP_3: DataType = { kind: 'timestamp', precision: 3 };
/** Trino packs milliseconds in 52 bits beside the zone. */
const MAX_MILLIS = 2 ** 51 - 1;

function fromUnixtime(seconds: number): number {
  const millis = Number.isNaN(seconds) ? 0 : Math.round(seconds * 1000);
  if (!(Math.abs(millis) <= MAX_MILLIS))
    throw new QuarryError('INVALID_FUNCTION_ARGUMENT', `Millis overflow: ${seconds * 1000}`);
  return millis * 1000;
}

defineFamily('from_unixtime', {
  signatures: ['from_unixtime(double) → timestamp(3)'],
  resolve: (ts) =>
    ts.length === 1 && (isNumeric(ts[0]!) || ts[0]!.kind === 'unknown')
      ? { id: 'from_unixtime', argTypes: [DOUBLE], returnType: TIMESTAMP_3 }
      : undefined,
});
defineGenerator('from_unixtime', ([s], _t, _r, ctx) => `${ctx.ref(fromUnixtime)}(${s})`);
