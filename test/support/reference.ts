import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** The TPC-H material committed under testdata/tpch. */
export const TPCH_DATA = fileURLToPath(new URL('../../testdata/tpch/', import.meta.url));

/** Rows of a reference table at SF 0.01, as arrays of strings. */
export function referenceRows(table: string): string[][] {
  const text = gunzipSync(readFileSync(`${TPCH_DATA}reference-sf0.01/${table}.tbl.gz`)).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('|').slice(0, -1));
}
