import { deserializePage, serializePage, slicePage, type DataType, type Page } from '@quarry/sql';

/**
 * Memory tables travel and rest as chunks: pages in the page wire format (`@quarry/sql`
 * `serializePage`), base64-encoded so they are plain data in JSON as in msgpack. A chunk stays
 * under {@link MAX_CHUNK_BYTES} (base64 included) whenever a single row allows: a larger page is
 * cut in halves by rows until its pieces fit.
 */
export interface Chunk {
  readonly rows: number;
  /** Base64 of a serialized page of every column of the table, in the table's order. */
  readonly data: string;
}

/** About 512 kB of base64 per chunk; splits pack chunks up to the same size. */
export const MAX_CHUNK_BYTES = 512 * 1024;

export function toChunks(page: Page, limit = MAX_CHUNK_BYTES): Chunk[] {
  if (page.rowCount === 0) return [];
  const data = serializePage(page).toString('base64');
  if (data.length <= limit || page.rowCount === 1) return [{ rows: page.rowCount, data }];
  const mid = Math.ceil(page.rowCount / 2);
  return [
    ...toChunks(slicePage(page, 0, mid), limit),
    ...toChunks(slicePage(page, mid, page.rowCount), limit),
  ];
}

export function fromChunk(chunk: Chunk, types: readonly DataType[]): Page {
  return deserializePage(Buffer.from(chunk.data, 'base64'), types);
}

/** Consecutive chunks grouped so that each group's data stays within `limit` (one chunk at least). */
export function packChunks(chunks: readonly Chunk[], limit = MAX_CHUNK_BYTES): Chunk[][] {
  const groups: Chunk[][] = [];
  let current: Chunk[] = [];
  let bytes = 0;
  for (const c of chunks) {
    if (current.length > 0 && bytes + c.data.length > limit) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(c);
    bytes += c.data.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
