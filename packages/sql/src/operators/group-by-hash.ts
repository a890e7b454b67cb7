import { BlockBuilder, type Block } from '../page/block.js';
import { physicalKind, type DataType } from '../types/types.js';
import { normalizeLong } from '../types/values.js';

const NULL_KEY = Symbol('null');

/**
 * Assigns dense group ids (0, 1, 2, …) to distinct key tuples, NULL being a key like any other.
 * One key column is looked up by value; several are joined into one string key.
 */
export class GroupByHash {
  private readonly map = new Map<unknown, number>();
  private readonly builders: BlockBuilder[];
  private ids = new Int32Array(0);

  constructor(private readonly types: readonly DataType[]) {
    this.builders = types.map((t) => new BlockBuilder(t, 1024));
  }

  get groupCount(): number {
    return this.map.size;
  }

  /** Group ids of the rows of `keys` (the array is reused between calls). */
  groupIds(keys: readonly Block[], count: number): Int32Array {
    if (this.ids.length < count) this.ids = new Int32Array(Math.max(count, 1024));
    const ids = this.ids;
    if (keys.length === 0) {
      if (this.map.size === 0) this.map.set(NULL_KEY, 0);
      ids.fill(0, 0, count);
      return ids;
    }
    const single = keys.length === 1 ? keys[0]! : undefined;
    for (let i = 0; i < count; i++) {
      const key = single ? singleKey(single, i) : compositeKey(keys, i);
      let id = this.map.get(key);
      if (id === undefined) {
        id = this.map.size;
        this.map.set(key, id);
        for (let c = 0; c < keys.length; c++) this.builders[c]!.appendFrom(keys[c]!, i);
      }
      ids[i] = id;
    }
    return ids;
  }

  /** The key columns, one row per group in id order. */
  keyBlocks(): Block[] {
    return this.builders.map((b) => b.build());
  }

  bytes(): number {
    return this.map.size * (64 + 16 * this.types.length);
  }
}

function singleKey(block: Block, i: number): unknown {
  if (block.nulls !== undefined && block.nulls[i] === 1) return NULL_KEY;
  const v = block.values[i];
  if (typeof v === 'bigint') return normalizeLong(v);
  return v;
}

function compositeKey(blocks: readonly Block[], i: number): string {
  let key = '';
  for (const b of blocks) {
    if (b.nulls !== undefined && b.nulls[i] === 1) {
      key += '\u0000N';
      continue;
    }
    const v = b.values[i];
    if (physicalKind(b.type) === 'string') key += `\u0000${(v as string).length}:${v as string}`;
    else key += `\u0000${String(typeof v === 'bigint' ? normalizeLong(v) : v)}`;
  }
  return key;
}
