import type { Page } from '../page/block.js';
import { allocValues, concatPages, pageBytes } from '../page/block.js';
import type { DataType } from '../types/types.js';
import { checkCancelled, type Operator, type TaskContext } from './operator.js';

/**
 * A buffering operator's input, gathered into one page while its bytes are reserved against the
 * task's memory limit. The caller releases `reserved` (through `ctx.memory.update`) when done.
 */
export async function collectInput(
  input: Operator,
  ctx: TaskContext,
  types: readonly DataType[],
): Promise<{ page: Page; reserved: number }> {
  const pages: Page[] = [];
  let reserved = 0;
  let bytes = 0;
  for await (const page of input.execute()) {
    checkCancelled(ctx.signal);
    if (page.rowCount === 0) continue;
    pages.push(page);
    bytes += pageBytes(page);
    reserved = ctx.memory.update(reserved, bytes);
  }
  if (pages.length === 0) return { page: emptyPage(types), reserved };
  // concatenating copies: hold both until the parts are released
  reserved = ctx.memory.update(reserved, bytes * 2);
  const page = concatPages(types, pages);
  reserved = ctx.memory.update(reserved, pageBytes(page));
  return { page, reserved };
}

export function emptyPage(types: readonly DataType[]): Page {
  return {
    blocks: types.map((type) => ({ type, length: 0, values: allocValues(type, 0), nulls: undefined })),
    rowCount: 0,
  };
}
