import type { Block, Page } from '../page/block.js';
import { slicePage, takeBlock } from '../page/block.js';
import { compileFilter, type CompiledFilter } from '../expr/compile.js';
import type { SemiJoinNode } from '../plan/nodes.js';
import { BOOLEAN } from '../types/types.js';
import { collectInput } from './buffer.js';
import { anyNull, hashRows, rowEquality } from './hash.js';
import { JoinHash } from './join-hash.js';
import { checkCancelled, PAGE_ROWS, type Operator, type TaskContext } from './operator.js';

const FALSE = 0;
const TRUE = 1;
const NULL = 2;

/**
 * Semi join with a mark: every probe row passes, with a boolean saying whether a build row matches
 * (see `SemiJoinNode`). Without a residual filter the build side is indexed on its keys plus the IN
 * value, and per key group the operator remembers whether the group exists and holds a NULL value,
 * which is all IN's three-valued answer needs. With a filter, every build row of the probe row's key
 * group is a candidate, checked in batches through the compiled filter.
 */
export class SemiJoinOperator implements Operator {
  private readonly filter: CompiledFilter | undefined;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly probe: Operator,
    private readonly buildSide: Operator,
    private readonly ctx: TaskContext,
  ) {
    this.filter = node.filter ? compileFilter(node.filter) : undefined;
  }

  async *execute(): AsyncIterable<Page> {
    const { node, ctx } = this;
    if (node.indexProbe) {
      yield* markByStreamingBuild(node, { probe: this.probe, build: this.buildSide }, this.filter, ctx);
      return;
    }
    const types = node.build.outputs.map((c) => c.type);
    const { page: build, reserved: pageBytes } = await collectInput(this.buildSide, ctx, types);
    const matcher = this.filter
      ? new CandidateMatcher(node, build, this.filter)
      : new IndexMatcher(node, build);
    const reserved = ctx.memory.update(pageBytes, pageBytes + matcher.bytes());
    try {
      for await (const page of this.probe.execute()) {
        checkCancelled(ctx.signal);
        if (page.rowCount === 0) continue;
        const marks = matcher.marks(page);
        const values = new Uint8Array(page.rowCount);
        let nulls: Uint8Array | undefined;
        for (let i = 0; i < page.rowCount; i++) {
          const m = marks[i]!;
          if (m === TRUE) values[i] = 1;
          else if (m === NULL) (nulls ??= new Uint8Array(page.rowCount))[i] = 1;
        }
        const mark: Block = { type: BOOLEAN, length: page.rowCount, values, nulls };
        yield { blocks: [...page.blocks, mark], rowCount: page.rowCount };
      }
    } finally {
      ctx.memory.update(reserved, 0);
    }
  }
}

interface Matcher {
  /** Per probe row: FALSE, TRUE or NULL. */
  marks(page: Page): Uint8Array;
  bytes(): number;
}

/** No residual filter: hash lookups on keys (+ the IN value), group flags for IN's NULL answers. */
class IndexMatcher implements Matcher {
  private readonly values: JoinHash;
  /** Key groups (for IN): index over the keys alone, and per build row whether its group saw a NULL value. */
  private readonly groups: JoinHash | undefined;
  private readonly groupHasNull: Uint8Array | undefined;
  private readonly globalNull: boolean;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly build: Page,
  ) {
    const cmp = node.compare;
    this.values = new JoinHash(build, cmp ? [...node.rightKeys, cmp.right] : node.rightKeys);
    this.globalNull = false;
    if (cmp) {
      const valueNulls = build.blocks[cmp.right]!.nulls;
      if (node.rightKeys.length === 0) {
        this.globalNull = valueNulls !== undefined && valueNulls.subarray(0, build.rowCount).includes(1);
      } else {
        this.groups = new JoinHash(build, node.rightKeys);
        // a group's flag lives on its first row (the chain head of equal keys is found by lookup)
        this.groupHasNull = new Uint8Array(build.rowCount);
        if (valueNulls !== undefined) {
          const g = this.groups;
          const eq = rowEquality(g.keyBlocks, g.keyBlocks);
          for (let r = 0; r < build.rowCount; r++) {
            if (valueNulls[r] !== 1) continue;
            const first = this.firstOfGroup(g, eq, g.hashes[r]!, r);
            if (first >= 0) this.groupHasNull[first] = 1;
          }
        }
      }
    }
  }

  private firstOfGroup(g: JoinHash, eq: (a: number, b: number) => boolean, h: number, row: number): number {
    for (let r = g.first(h); r >= 0; r = g.next[r]!) if (g.hashes[r] === h && eq(r, row)) return r;
    return -1;
  }

  marks(page: Page): Uint8Array {
    const { node, build } = this;
    const n = page.rowCount;
    const out = new Uint8Array(n);
    if (build.rowCount === 0) return out;
    const cmp = node.compare;
    const keyBlocks = node.leftKeys.map((k) => page.blocks[k]!);
    const valueKeys = cmp ? [...keyBlocks, page.blocks[cmp.left]!] : keyBlocks;
    const hashes = hashRows(valueKeys, n);
    const keyNulls = anyNull(keyBlocks, n);
    const valueNulls = cmp ? page.blocks[cmp.left]!.nulls : undefined;
    const eq = this.values.equality(valueKeys);
    const { next, hashes: bh } = this.values;
    const groups = this.groups;
    const groupHashes = groups && keyBlocks.length ? hashRows(keyBlocks, n) : undefined;
    const groupEq = groups?.equality(keyBlocks);
    for (let i = 0; i < n; i++) {
      if (keyNulls !== undefined && keyNulls[i] === 1) continue; // no group can match: FALSE
      if (valueNulls !== undefined && valueNulls[i] === 1) {
        // NULL IN (non-empty set) is NULL; IN (empty set) is FALSE
        if (!groups) out[i] = NULL;
        else if (this.groupOf(groupHashes![i]!, i, groupEq!) >= 0) out[i] = NULL;
        continue;
      }
      const h = hashes[i]!;
      let found = false;
      for (let r = this.values.first(h); r >= 0; r = next[r]!) {
        if (bh[r] === h && eq(r, i)) {
          found = true;
          break;
        }
      }
      if (found) out[i] = TRUE;
      else if (cmp) {
        if (!groups) out[i] = this.globalNull ? NULL : FALSE;
        else {
          const first = this.groupOf(groupHashes![i]!, i, groupEq!);
          if (first >= 0 && this.groupHasNull![first] === 1) out[i] = NULL;
        }
      }
    }
    return out;
  }

  private groupOf(h: number, i: number, eq: (a: number, b: number) => boolean): number {
    const g = this.groups!;
    for (let r = g.first(h); r >= 0; r = g.next[r]!) if (g.hashes[r] === h && eq(r, i)) return r;
    return -1;
  }

  bytes(): number {
    return this.values.bytes() + (this.groups?.bytes() ?? 0) + (this.groupHasNull?.byteLength ?? 0);
  }
}

/** A residual filter: every build row of the key group is a candidate, checked in batches. */
class CandidateMatcher implements Matcher {
  private readonly index: JoinHash | undefined;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly build: Page,
    private readonly filter: CompiledFilter,
  ) {
    this.index = node.rightKeys.length ? new JoinHash(build, node.rightKeys) : undefined;
  }

  marks(page: Page): Uint8Array {
    const { node, build } = this;
    const n = page.rowCount;
    const out = new Uint8Array(n);
    if (build.rowCount === 0) return out;
    const left = new Int32Array(PAGE_ROWS);
    const right = new Int32Array(PAGE_ROWS);
    let count = 0;
    const cmp = node.compare;
    const flush = () => {
      if (count === 0) return;
      const blocks = [
        ...page.blocks.map((b) => takeBlock(b, left, count)),
        ...build.blocks.map((b) => takeBlock(b, right, count)),
      ];
      const selected = new Int32Array(count);
      const k = this.filter({ blocks, rowCount: count }, selected);
      for (let j = 0; j < k; j++) {
        const s = selected[j]!;
        const i = left[s]!;
        if (out[i] === TRUE) continue;
        if (!cmp) out[i] = TRUE;
        else {
          const a = page.blocks[cmp.left]!;
          const b = build.blocks[cmp.right]!;
          const r = right[s]!;
          if ((a.nulls !== undefined && a.nulls[i] === 1) || (b.nulls !== undefined && b.nulls[r] === 1))
            out[i] = NULL;
          else if (a.values[i] == b.values[r]) out[i] = TRUE;
        }
      }
      count = 0;
    };
    const push = (i: number, r: number) => {
      left[count] = i;
      right[count++] = r;
      if (count === PAGE_ROWS) flush();
    };
    if (this.index) {
      const keys = node.leftKeys.map((k) => page.blocks[k]!);
      const hashes = hashRows(keys, n);
      const nulls = anyNull(keys, n);
      const eq = this.index.equality(keys);
      const { next, hashes: bh } = this.index;
      for (let i = 0; i < n; i++) {
        if (nulls !== undefined && nulls[i] === 1) continue;
        const h = hashes[i]!;
        for (let r = this.index.first(h); r >= 0; r = next[r]!) if (bh[r] === h && eq(r, i)) push(i, r);
      }
    } else {
      for (let i = 0; i < n; i++) for (let r = 0; r < build.rowCount; r++) push(i, r);
    }
    flush();
    return out;
  }

  bytes(): number {
    return this.index?.bytes() ?? 0;
  }
}

/**
 * `indexProbe`: the probe rows are held and indexed on their keys; build pages stream through,
 * each build row marking the probe rows of its key group that the filter accepts (EXISTS: no IN
 * value). Marks come out with the probe rows once the build side is exhausted.
 */
export async function* markByStreamingBuild(
  node: SemiJoinNode,
  inputs: { readonly probe: Operator; readonly build: Operator },
  filter: CompiledFilter | undefined,
  ctx: TaskContext,
): AsyncIterable<Page> {
  const { probe, build: buildSide } = inputs;
  const types = node.input.outputs.map((c) => c.type);
  const { page, reserved } = await collectInput(probe, ctx, types);
  let held = reserved;
  try {
    const n = page.rowCount;
    if (n === 0) return;
    const index = new JoinHash(page, node.leftKeys);
    const marks = new Uint8Array(n);
    held = ctx.memory.update(held, reserved + index.bytes() + n);
    const left = new Int32Array(PAGE_ROWS);
    const right = new Int32Array(PAGE_ROWS);
    for await (const b of buildSide.execute()) {
      checkCancelled(ctx.signal);
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
          const blocks = [
            ...page.blocks.map((x) => takeBlock(x, left, count)),
            ...b.blocks.map((x) => takeBlock(x, right, count)),
          ];
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
    const mark: Block = { type: BOOLEAN, length: n, values: marks, nulls: undefined };
    const out: Page = { blocks: [...page.blocks, mark], rowCount: n };
    for (let s = 0; s < n; s += PAGE_ROWS) yield slicePage(out, s, Math.min(n, s + PAGE_ROWS));
  } finally {
    ctx.memory.update(held, 0);
  }
}
