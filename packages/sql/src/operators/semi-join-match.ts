import type { Block, Page } from '../page/block.js';
import { takeBlock } from '../page/block.js';
import type { CompiledFilter } from '../expr/compile.js';
import type { SemiJoinNode } from '../plan/nodes.js';
import { inputChannels } from '../expr/ir.js';
import { BOOLEAN } from '../types/types.js';
import { anyNull, hashRows, rowEquality } from './hash.js';
import { JoinHash } from './join-hash.js';
import { PAGE_ROWS } from './operator.js';

/** A probe row's mark: IN's three values. */
export const FALSE = 0;
export const TRUE = 1;
export const NULL = 2;

/**
 * The mark over two parts of the build side from the marks over each: IN is an OR of comparisons,
 * so TRUE wins, then NULL, then FALSE (an empty part's FALSE changes nothing).
 */
export function orMarks(into: Uint8Array, marks: Uint8Array, offset: number): void {
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i]!;
    const was = into[offset + i]!;
    if (m === TRUE || (m === NULL && was === FALSE)) into[offset + i] = m;
  }
}

/** The probe page with its mark column (BOOLEAN, NULL for NULL). */
export function withMarks(page: Page, marks: Uint8Array): Page {
  const n = page.rowCount;
  const values = new Uint8Array(n);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const m = marks[i]!;
    if (m === TRUE) values[i] = 1;
    else if (m === NULL) (nulls ??= new Uint8Array(n))[i] = 1;
  }
  const mark: Block = { type: BOOLEAN, length: n, values, nulls };
  return { blocks: [...page.blocks, mark], rowCount: n };
}

/** Bytes to hold a build side of `bytes` in `rows` rows while it is concatenated and indexed (up to two `JoinHash`es). */
export function semiBytesNeeded(bytes: number, rows: number): number {
  return 2 * bytes + 50 * rows + 128;
}

/** The matcher of a build side: hash lookups without a residual filter, candidate checks with one. */
export function matcherFor(node: SemiJoinNode, build: Page, filter: CompiledFilter | undefined): Matcher {
  return filter ? new CandidateMatcher(node, build, filter) : new IndexMatcher(node, build);
}

export interface Matcher {
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
  /** The channels (probe columns, then build columns) the filter reads. */
  private readonly used: ReadonlySet<number>;

  constructor(
    private readonly node: SemiJoinNode,
    private readonly build: Page,
    private readonly filter: CompiledFilter,
  ) {
    this.index = node.rightKeys.length ? new JoinHash(build, node.rightKeys) : undefined;
    this.used = node.filter ? inputChannels(node.filter) : new Set();
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
      const blocks = pairBlocks(page.blocks, build.blocks, { left, right, count }, this.used);
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
 * Candidate pairs' columns as a residual filter sees them (the probe side's, then the build side's),
 * taken at the pairs' positions — only the channels the filter reads (`used`): the others are left
 * as they are, since the compiled filter never loads them, and taking them would copy every held
 * column (strings included) for each batch of candidates.
 */
export function pairBlocks(
  probe: readonly Block[],
  build: readonly Block[],
  pairs: { readonly left: Int32Array; readonly right: Int32Array; readonly count: number },
  used: ReadonlySet<number>,
): Block[] {
  const { left, right, count } = pairs;
  const out: Block[] = [];
  probe.forEach((b, c) => out.push(used.has(c) ? takeBlock(b, left, count) : b));
  build.forEach((b, c) => out.push(used.has(probe.length + c) ? takeBlock(b, right, count) : b));
  return out;
}
