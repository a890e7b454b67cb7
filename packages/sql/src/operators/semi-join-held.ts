import type { Page } from '../page/block.js';
import { inputChannels } from '../expr/ir.js';
import type { CompiledFilter } from '../expr/compile.js';
import type { SemiJoinNode } from '../plan/nodes.js';
import { anyNull, hashRows, rowEquality } from './hash.js';
import { JoinHash } from './join-hash.js';
import { PAGE_ROWS, checkCancelled, type MemoryContext } from './operator.js';
import { pairBlocks } from './semi-join-match.js';

/** Bytes to hold `bytes` of probe rows in `rows` rows while they are concatenated and indexed, with their marks. */
export function heldBytesNeeded(bytes: number, rows: number): number {
  return 2 * bytes + 26 * rows + 64;
}

/**
 * `indexProbe`: the probe rows are held and indexed on their keys; build pages stream through,
 * each build row marking the probe rows of its key group that the filter accepts (EXISTS: no IN
 * value). Returns a mark (1: a match) per held row once the build side is exhausted; the index and
 * marks are reserved in `memory` meanwhile.
 */
export async function markHeld(
  node: SemiJoinNode,
  held: Page,
  options: {
    readonly build: AsyncIterable<Page>;
    readonly filter: CompiledFilter | undefined;
    readonly memory: MemoryContext;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<Uint8Array> {
  const { filter, memory } = options;
  const n = held.rowCount;
  const marks = new Uint8Array(n);
  if (n === 0) return marks;
  const index = new JoinHash(held, node.leftKeys);
  const used = node.filter ? inputChannels(node.filter) : new Set<number>();
  const reserved = memory.update(0, index.bytes() + n);
  try {
    const left = new Int32Array(PAGE_ROWS);
    const right = new Int32Array(PAGE_ROWS);
    for await (const b of options.build) {
      checkCancelled(options.signal);
      const m = b.rowCount;
      if (m === 0) continue;
      const keys = node.rightKeys.map((k) => b.blocks[k]!);
      const hashes = hashRows(keys, m);
      const nulls = anyNull(keys, m);
      const eq = rowEquality(index.keyBlocks, keys);
      let count = 0;
      const flush = () => {
        if (count === 0) return;
        if (!filter) {
          for (let j = 0; j < count; j++) marks[left[j]!] = 1;
        } else {
          const blocks = pairBlocks(held.blocks, b.blocks, { left, right, count }, used);
          const selected = new Int32Array(count);
          const k = filter({ blocks, rowCount: count }, selected);
          for (let j = 0; j < k; j++) marks[left[selected[j]!]!] = 1;
        }
        count = 0;
      };
      for (let r = 0; r < m; r++) {
        if (nulls !== undefined && nulls[r] === 1) continue;
        const h = hashes[r]!;
        for (let i = index.first(h); i >= 0; i = index.next[i]!) {
          // rows already marked need no more candidates
          if (marks[i] === 1 || index.hashes[i] !== h || !eq(i, r)) continue;
          left[count] = i;
          right[count++] = r;
          if (count === PAGE_ROWS) flush();
        }
      }
      flush();
    }
    return marks;
  } finally {
    memory.update(reserved, 0);
  }
}
