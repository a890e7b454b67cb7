import { valueKey } from '../types/composite.js';
import type { Block, BlockValues } from '../page/block.js';
import { physicalKind, type DataType, type PhysicalKind } from '../types/types.js';
import { normalizeLong } from '../types/values.js';
import { hashRows } from './hash.js';

/**
 * Assigns dense group ids (0, 1, 2, …) to distinct key tuples, NULL being a key like any other.
 * Keys of a page are hashed column by column (`hashRows`); an open-addressing table of group ids
 * (linear probing on the high bits of a multiplicative mix) finds a row's group, comparing the
 * stored hash first and then each key column. Keys are stored column by column in growable typed
 * arrays, which become the output's key blocks.
 */
export class GroupByHash {
  private readonly columns: KeyColumn[];
  private table = new Int32Array(1024).fill(-1);
  private shift = 32 - 10;
  private hashes = new Int32Array(1024);
  private count = 0;
  private ids = new Int32Array(0);
  private rowHashes = new Int32Array(0);

  constructor(private readonly types: readonly DataType[]) {
    this.columns = types.map((t) => new KeyColumn(t));
  }

  get groupCount(): number {
    return this.count;
  }

  /** Group ids of the rows of `keys` (the array is reused between calls). */
  groupIds(keys: readonly Block[], count: number): Int32Array {
    if (this.ids.length < count) this.ids = new Int32Array(Math.max(count, 1024));
    const ids = this.ids;
    if (keys.length === 0) {
      if (this.count === 0) this.count = 1;
      ids.fill(0, 0, count);
      return ids;
    }
    if (this.rowHashes.length < count) this.rowHashes = new Int32Array(Math.max(count, 1024));
    const hashes = hashRows(keys, count, this.rowHashes);
    const cols = this.columns;
    const single = cols.length === 1 ? cols[0]! : undefined;
    const singleBlock = keys[0]!;
    for (let i = 0; i < count; i++) {
      const h = hashes[i]!;
      const mask = this.table.length - 1;
      let slot = Math.imul(h, 0x9e3779b1) >>> this.shift;
      let id: number;
      for (;;) {
        id = this.table[slot]!;
        if (id < 0) {
          id = this.add(keys, i, h);
          this.table[slot] = id;
          if (this.count * 2 > this.table.length) this.rehash();
          break;
        }
        if (this.hashes[id] === h && (single ? single.equals(id, singleBlock, i) : this.equals(id, keys, i)))
          break;
        slot = (slot + 1) & mask;
      }
      ids[i] = id;
    }
    return ids;
  }

  private equals(id: number, keys: readonly Block[], i: number): boolean {
    const cols = this.columns;
    for (let c = 0; c < cols.length; c++) if (!cols[c]!.equals(id, keys[c]!, i)) return false;
    return true;
  }

  private add(keys: readonly Block[], i: number, h: number): number {
    const id = this.count++;
    if (id === this.hashes.length) {
      const next = new Int32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[id] = h;
    for (let c = 0; c < this.columns.length; c++) this.columns[c]!.append(keys[c]!, i);
    return id;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size).fill(-1);
    this.shift = 32 - Math.log2(size);
    const mask = size - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = Math.imul(this.hashes[id]!, 0x9e3779b1) >>> this.shift;
      while (this.table[slot]! >= 0) slot = (slot + 1) & mask;
      this.table[slot] = id;
    }
  }

  /** The key columns, one row per group in id order. */
  keyBlocks(): Block[] {
    return this.columns.map((c) => c.build(this.count));
  }

  bytes(): number {
    return this.table.byteLength + this.hashes.byteLength + this.columns.reduce((s, c) => s + c.bytes(), 0);
  }

  get keyTypes(): readonly DataType[] {
    return this.types;
  }
}

/** One stored key column: values by group id (typed arrays where the layout allows) and NULL flags. */
class KeyColumn {
  private readonly kind: PhysicalKind;
  private values: Float64Array | Int32Array | Uint8Array | unknown[];
  private nulls = new Uint8Array(1024);
  private wide = false;
  private length = 0;
  /** Characters held, for string keys (kept as keys are added: `bytes()` runs per page). */
  private chars = 0;

  constructor(private readonly type: DataType) {
    this.kind = physicalKind(type);
    this.values =
      this.kind === 'string' || this.kind === 'object'
        ? []
        : this.kind === 'int32'
          ? new Int32Array(1024)
          : this.kind === 'bool'
            ? new Uint8Array(1024)
            : new Float64Array(1024);
  }

  equals(id: number, block: Block, i: number): boolean {
    const bn = block.nulls !== undefined && block.nulls[i] === 1;
    if (bn || this.nulls[id] === 1) return bn && this.nulls[id] === 1;
    const v = block.values[i];
    const mine = (this.values as ArrayLike<unknown>)[id];
    if (mine === v) return true;
    // long values may be numbers or bigints: compare by value; NaN groups with NaN
    if (this.kind === 'long') return mine == v;
    if (this.kind === 'object') return valueKey(this.type, mine) === valueKey(this.type, v);
    return this.kind === 'float64' && mine !== mine && v !== v;
  }

  append(block: Block, i: number): void {
    const id = this.length++;
    if (id === this.nulls.length) this.grow();
    if (block.nulls !== undefined && block.nulls[i] === 1) {
      this.nulls[id] = 1;
      if (this.kind === 'string') (this.values as unknown[])[id] = '';
      else if (this.kind === 'object') (this.values as unknown[])[id] = null;
      return;
    }
    let v = block.values[i];
    if (typeof v === 'bigint') {
      v = normalizeLong(v);
      if (typeof v === 'bigint' && !this.wide) {
        this.wide = true;
        this.values = Array.from(this.values as Float64Array);
      }
    }
    (this.values as unknown[])[id] = v;
    if (this.kind === 'string') this.chars += (v as string).length;
    else if (this.kind === 'object') this.chars += valueKey(this.type, v).length;
  }

  private grow(): void {
    const size = this.nulls.length * 2;
    const nulls = new Uint8Array(size);
    nulls.set(this.nulls);
    this.nulls = nulls;
    if (!Array.isArray(this.values)) {
      const next = new (this.values.constructor as Float64ArrayConstructor)(size);
      next.set(this.values as Float64Array);
      this.values = next;
    }
  }

  build(n: number): Block {
    let values: BlockValues;
    if (this.wide) values = (this.values as unknown[]).slice(0, n).map((v) => BigInt(v as number | bigint));
    else if (Array.isArray(this.values)) values = (this.values as string[]).slice(0, n);
    else values = this.values.slice(0, n) as BlockValues;
    const nulls = this.nulls.subarray(0, n).includes(1) ? this.nulls.slice(0, n) : undefined;
    return { type: this.type, length: n, values, nulls };
  }

  bytes(): number {
    if (Array.isArray(this.values)) return this.nulls.byteLength + this.values.length * 8 + this.chars * 2;
    return this.nulls.byteLength + this.values.byteLength;
  }
}
