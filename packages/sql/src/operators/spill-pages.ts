import type { Page } from '../page/block.js';
import { pageBytes, slicePage, takePage } from '../page/block.js';
import { deserializePage, serializePage } from '../page/serde.js';
import type { SpillFile, SpillWriter } from '../spi/spill.js';
import type { DataType } from '../types/types.js';
import { PAGE_ROWS } from './operator.js';

/** Most files one merge reads at once (each holds one page in memory). */
export const MAX_FAN_IN = 64;

/**
 * Bytes a spilled page aims at: a sixteenth of the task's memory (between 4 kB and 1 MB), so that a
 * merge can hold a page of many files at once and still stay within the limit.
 */
export function spillPageBytes(limitBytes: number): number {
  return Math.min(1 << 20, Math.max(4 << 10, Math.floor(limitBytes / 16)));
}

/** Rows per page for pages of about `targetBytes`, given the bytes of an average row. */
export function rowsFor(targetBytes: number, rowBytes: number): number {
  return Math.max(1, Math.min(PAGE_ROWS, Math.floor(targetBytes / Math.max(1, rowBytes))));
}

/** Average bytes of a row of `page` (for memory accounting: `pageBytes`), at least 1. */
export function averageRowBytes(page: Page): number {
  return page.rowCount === 0 ? 1 : Math.max(1, pageBytes(page) / page.rowCount);
}

/**
 * Appends the rows of `page` to a spill file in pages of `rows` rows: all rows in order, or those at
 * `positions` in that order.
 */
export async function writeRows(
  writer: SpillWriter,
  page: Page,
  options: { readonly rows: number; readonly positions?: Int32Array },
): Promise<void> {
  const { rows, positions } = options;
  const n = positions ? positions.length : page.rowCount;
  for (let start = 0; start < n; start += rows) {
    const end = Math.min(n, start + rows);
    const part = positions ? takePage(page, positions.subarray(start, end)) : slicePage(page, start, end);
    await writer.write(serializePage(part));
  }
}

/** The pages of a spill file, decoded with the types they were written with. */
export async function* readSpilled(file: SpillFile, types: readonly DataType[]): AsyncGenerator<Page> {
  for await (const bytes of file.read()) yield deserializePage(bytes, types);
}
