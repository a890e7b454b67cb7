import { internalError } from '@quarry/common';
import { physicalKind, type DataType } from '../types/types.js';
import { isSafeLong, type Long } from '../types/values.js';

/**
 * One column of a page. `values` is laid out by the type's physical kind (see `physicalKind`):
 * Int32Array, Float64Array, Uint8Array (booleans), string[], or for the `long` kind a Float64Array
 * of exact integers — or `bigint[]` when some value is beyond ±2^53 ("wide").
 * The `object` kind (arrays, maps, rows) holds one native value a row (see `types/composite.ts`).
 * `nulls[i] === 1` marks row i null; its slot in `values` holds a zero/empty placeholder.
 * Blocks are immutable once built.
 */
export interface Block {
  readonly type: DataType;
  readonly length: number;
  readonly values: BlockValues;
  readonly nulls: Uint8Array | undefined;
}

export type BlockValues = Int32Array | Float64Array | Uint8Array | string[] | bigint[] | unknown[];

/** A batch of rows, column by column. */
export interface Page {
  readonly blocks: readonly Block[];
  readonly rowCount: number;
}

export function makePage(blocks: readonly Block[], rowCount?: number): Page {
  return { blocks, rowCount: rowCount ?? blocks[0]?.length ?? 0 };
}

export function isNull(block: Block, i: number): boolean {
  return block.nulls !== undefined && block.nulls[i] === 1;
}

/** The value at row i in its native form (number, Long, boolean, string) or null. */
export function valueAt(block: Block, i: number): unknown {
  if (block.nulls !== undefined && block.nulls[i] === 1) return null;
  const v = block.values[i];
  if (physicalKind(block.type) === 'bool') return v === 1;
  return v;
}

export function longAt(block: Block, i: number): Long {
  return block.values[i] as Long;
}

export function allocValues(type: DataType, n: number): BlockValues {
  switch (physicalKind(type)) {
    case 'bool':
      return new Uint8Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float64':
    case 'long':
      return new Float64Array(n);
    case 'string':
      return new Array<string>(n).fill('');
    case 'object':
      return new Array<unknown>(n).fill(null);
  }
}

/** A block of n nulls. */
export function nullBlock(type: DataType, n: number): Block {
  return { type, length: n, values: allocValues(type, n), nulls: new Uint8Array(n).fill(1) };
}

/** A block repeating one native value n times. */
export function constantBlock(type: DataType, value: unknown, n: number): Block {
  if (value === null || value === undefined) return nullBlock(type, n);
  const b = new BlockBuilder(type, n);
  for (let i = 0; i < n; i++) b.append(value);
  return b.build();
}

/**
 * Builds a block value by value. Native values: number for int32/float64 kinds, Long for the long
 * kind, boolean (or 0/1) for booleans, string for strings; null for NULL.
 */
export class BlockBuilder {
  private values: BlockValues;
  private nulls: Uint8Array | undefined;
  private count = 0;
  private readonly kind;

  constructor(
    readonly type: DataType,
    capacity = 1024,
  ) {
    this.kind = physicalKind(type);
    this.values = allocValues(type, Math.max(capacity, 16));
  }

  get length(): number {
    return this.count;
  }

  append(v: unknown): void {
    if (this.count === this.values.length) this.grow();
    const i = this.count++;
    if (v === null || v === undefined) {
      this.markNull(i);
      return;
    }
    switch (this.kind) {
      case 'bool':
        (this.values as Uint8Array)[i] = v === true || v === 1 ? 1 : 0;
        return;
      case 'string':
      case 'object':
        (this.values as unknown[])[i] = v;
        return;
      case 'long':
        if (typeof v === 'bigint' || !isSafeLong(v as number)) this.widen();
        if (Array.isArray(this.values)) (this.values as bigint[])[i] = BigInt(v as Long);
        else (this.values as Float64Array)[i] = v as number;
        return;
      default:
        (this.values as Int32Array | Float64Array)[i] = v as number;
    }
  }

  appendNull(): void {
    if (this.count === this.values.length) this.grow();
    this.markNull(this.count++);
  }

  /** Copies row i of a block of the same type. */
  appendFrom(block: Block, i: number): void {
    if (block.nulls !== undefined && block.nulls[i] === 1) this.appendNull();
    else this.append(block.values[i]);
  }

  build(): Block {
    const n = this.count;
    const values = sliceValues(this.values, 0, n);
    const nulls = this.nulls?.subarray(0, n);
    return {
      type: this.type,
      length: n,
      values: this.kind === 'long' ? finishLongValues(values) : values,
      nulls,
    };
  }

  private markNull(i: number): void {
    if (this.nulls === undefined) this.nulls = new Uint8Array(this.values.length);
    this.nulls[i] = 1;
    if (this.kind === 'string') (this.values as string[])[i] = '';
    else if (this.kind === 'object') (this.values as unknown[])[i] = null;
  }

  private grow(): void {
    const cap = this.values.length * 2;
    if (Array.isArray(this.values)) {
      const arr = this.values as unknown[];
      arr.length = cap;
      if (this.kind === 'string') (arr as string[]).fill('', this.count);
      else if (this.kind === 'object') arr.fill(null, this.count);
      else (arr as bigint[]).fill(0n, this.count);
    } else {
      const next = allocValues(this.type, cap) as Int32Array;
      next.set(this.values as Int32Array);
      this.values = next;
    }
    if (this.nulls !== undefined) {
      const n = new Uint8Array(cap);
      n.set(this.nulls);
      this.nulls = n;
    }
  }

  private widen(): void {
    if (Array.isArray(this.values)) return;
    const src = this.values as Float64Array;
    const wide = new Array<bigint>(src.length);
    for (let i = 0; i < src.length; i++) wide[i] = BigInt(src[i]!);
    this.values = wide;
  }
}

function sliceValues(values: BlockValues, start: number, end: number): BlockValues {
  return Array.isArray(values) ? values.slice(start, end) : values.slice(start, end);
}

/** Wide blocks whose values all fit again are stored narrow, so fast paths apply. */
function finishLongValues(values: BlockValues): BlockValues {
  if (!Array.isArray(values) || values.length === 0 || typeof values[0] === 'string') return values;
  const wide = values as bigint[];
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  for (const v of wide) if (v > max || v < -max) return wide;
  return Float64Array.from(wide, Number);
}

/** Rows [start, end) of a block, sharing storage where the layout allows. */
export function sliceBlock(block: Block, start: number, end: number): Block {
  const values = Array.isArray(block.values)
    ? block.values.slice(start, end)
    : (block.values as Int32Array).subarray(start, end);
  return {
    type: block.type,
    length: end - start,
    values: values as BlockValues,
    nulls: block.nulls?.subarray(start, end),
  };
}

export function slicePage(page: Page, start: number, end: number): Page {
  return { blocks: page.blocks.map((b) => sliceBlock(b, start, end)), rowCount: end - start };
}

/** The rows at `positions`, in that order. */
export function takeBlock(block: Block, positions: ArrayLike<number>, count = positions.length): Block {
  const kind = physicalKind(block.type);
  let values: BlockValues;
  if (Array.isArray(block.values)) {
    const src = block.values as unknown[];
    const out = new Array(count);
    for (let i = 0; i < count; i++) out[i] = src[positions[i]!];
    values = out as BlockValues;
  } else {
    const src = block.values as Float64Array;
    const out = allocValues(block.type, count) as Float64Array;
    for (let i = 0; i < count; i++) out[i] = src[positions[i]!]!;
    values = out;
  }
  let nulls: Uint8Array | undefined;
  if (block.nulls !== undefined) {
    const srcNulls = block.nulls;
    nulls = new Uint8Array(count);
    let any = 0;
    for (let i = 0; i < count; i++) any |= nulls[i] = srcNulls[positions[i]!]!;
    if (any === 0) nulls = undefined;
  }
  if (kind === 'long') values = finishLongValues(values);
  return { type: block.type, length: count, values, nulls };
}

export function takePage(page: Page, positions: ArrayLike<number>, count = positions.length): Page {
  return { blocks: page.blocks.map((b) => takeBlock(b, positions, count)), rowCount: count };
}

/** Concatenates blocks of one type. */
export function concatBlocks(type: DataType, blocks: readonly Block[]): Block {
  if (blocks.length === 1) return blocks[0]!;
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const anyNulls = blocks.some((b) => b.nulls !== undefined);
  let nulls: Uint8Array | undefined;
  if (anyNulls) {
    nulls = new Uint8Array(total);
    let at = 0;
    for (const b of blocks) {
      if (b.nulls !== undefined) nulls.set(b.nulls.subarray(0, b.length), at);
      at += b.length;
    }
  }
  const kind = physicalKind(type);
  const wide = kind === 'long' && blocks.some((b) => Array.isArray(b.values));
  if (kind === 'string' || kind === 'object') {
    const out = new Array<string>(total);
    let at = 0;
    for (const b of blocks) {
      const src = b.values as string[];
      for (let i = 0; i < b.length; i++) out[at++] = src[i]!;
    }
    return { type, length: total, values: out, nulls };
  }
  if (wide) {
    const out = new Array<bigint>(total);
    let at = 0;
    for (const b of blocks) {
      const src = b.values as ArrayLike<number | bigint>;
      for (let i = 0; i < b.length; i++) out[at++] = BigInt(src[i]!);
    }
    return { type, length: total, values: out, nulls };
  }
  const out = allocValues(type, total) as Float64Array;
  let at = 0;
  for (const b of blocks) {
    const src = b.values as Float64Array;
    out.set(src.length === b.length ? src : src.subarray(0, b.length), at);
    at += b.length;
  }
  return { type, length: total, values: out, nulls };
}

/**
 * The rows at `positions`, where a negative position yields NULL (the missing side of an outer
 * join).
 */
export function takeBlockOrNull(block: Block, positions: ArrayLike<number>, count: number): Block {
  const kind = physicalKind(block.type);
  const nulls = new Uint8Array(count);
  let any = 0;
  const srcNulls = block.nulls;
  let values: BlockValues;
  if (Array.isArray(block.values)) {
    const src = block.values as unknown[];
    const fill = kind === 'string' ? '' : kind === 'object' ? null : 0n;
    const out = new Array(count);
    for (let i = 0; i < count; i++) {
      const p = positions[i]!;
      if (p < 0) {
        out[i] = fill;
        nulls[i] = 1;
        any = 1;
      } else {
        out[i] = src[p];
        if (srcNulls !== undefined) any |= nulls[i] = srcNulls[p]!;
      }
    }
    values = out as BlockValues;
  } else {
    const src = block.values as Float64Array;
    const out = allocValues(block.type, count) as Float64Array;
    for (let i = 0; i < count; i++) {
      const p = positions[i]!;
      if (p < 0) {
        nulls[i] = 1;
        any = 1;
      } else {
        out[i] = src[p]!;
        if (srcNulls !== undefined) any |= nulls[i] = srcNulls[p]!;
      }
    }
    values = out;
  }
  if (kind === 'long') values = finishLongValues(values);
  return { type: block.type, length: count, values, nulls: any ? nulls : undefined };
}

export function concatPages(types: readonly DataType[], pages: readonly Page[]): Page {
  if (pages.length === 1) return pages[0]!;
  const blocks = types.map((t, c) =>
    concatBlocks(
      t,
      pages.map((p) => p.blocks[c] ?? throwMissing(c)),
    ),
  );
  return { blocks, rowCount: pages.reduce((n, p) => n + p.rowCount, 0) };
}

function throwMissing(channel: number): never {
  throw internalError(`page has no channel ${channel}`);
}

/** Rows as arrays of native values (null for NULL). For tests, results and small data. */
export function pageRows(page: Page): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 0; r < page.rowCount; r++) rows.push(page.blocks.map((b) => valueAt(b, r)));
  return rows;
}

export function pageFromRows(types: readonly DataType[], rows: readonly (readonly unknown[])[]): Page {
  const builders = types.map((t) => new BlockBuilder(t, rows.length));
  for (const row of rows) builders.forEach((b, c) => b.append(row[c] ?? null));
  return { blocks: builders.map((b) => b.build()), rowCount: rows.length };
}

/** Approximate retained size, for memory accounting. */
export function blockBytes(block: Block): number {
  let n = block.nulls?.byteLength ?? 0;
  if (Array.isArray(block.values)) {
    if (physicalKind(block.type) === 'object') for (const v of block.values as unknown[]) n += valueBytes(v);
    else if (typeof block.values[0] === 'string')
      for (const s of block.values as string[]) n += 16 + s.length;
    else n += block.values.length * 24;
  } else n += (block.values as Uint8Array).byteLength;
  return n;
}

export function pageBytes(page: Page): number {
  let n = 0;
  for (const b of page.blocks) n += blockBytes(b);
  return n;
}

/** Approximate retained size of a composite value. */
function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 8;
  if (typeof v === 'string') return 16 + v.length;
  if (Array.isArray(v)) {
    let n = 16;
    for (const e of v) n += valueBytes(e);
    return n;
  }
  if (typeof v === 'object') {
    const m = v as { keys: unknown[]; values: unknown[] };
    return 16 + valueBytes(m.keys) + valueBytes(m.values);
  }
  return 16;
}
