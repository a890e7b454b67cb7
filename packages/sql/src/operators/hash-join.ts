import type { Block, Page } from '../page/block.js';
import { takeBlock, takeBlockOrNull, takePage } from '../page/block.js';
import { compileFilter, type CompiledFilter } from '../expr/compile.js';
import type { JoinNode } from '../plan/nodes.js';
import { collectInput, emptyPage } from './buffer.js';
import { anyNull, hashRows } from './hash.js';
import { JoinHash } from './join-hash.js';
import { checkCancelled, PAGE_ROWS, type Operator, type TaskContext } from './operator.js';

/**
 * Hash join: the build side is collected (memory-accounted) and indexed on its keys, then the probe
 * side streams through. Matching pairs are gathered per probe page in chunks of positions (typed
 * arrays), checked against the residual filter, and emitted; unmatched probe rows (LEFT, FULL)
 * after each probe page, unmatched build rows (RIGHT, FULL) at the end. Without keys every build row
 * is a candidate: a nested-loop join.
 */
export class HashJoinOperator implements Operator {
  private readonly filter: CompiledFilter | undefined;

  constructor(
    private readonly node: JoinNode,
    private readonly probe: Operator,
    private readonly buildSide: Operator,
    private readonly ctx: TaskContext,
  ) {
    this.filter = node.filter ? compileFilter(node.filter) : undefined;
  }

  async *execute(): AsyncIterable<Page> {
    const { node, ctx } = this;
    const buildTypes = node.build.outputs.map((c) => c.type);
    const { page: build, reserved: pageBytes } = await collectInput(this.buildSide, ctx, buildTypes);
    const keyed = node.rightKeys.length > 0;
    const table = keyed ? new JoinHash(build, node.rightKeys) : undefined;
    const keepProbe = node.joinType === 'LEFT' || node.joinType === 'FULL';
    const keepBuild = node.joinType === 'RIGHT' || node.joinType === 'FULL';
    const buildMatched = keepBuild ? new Uint8Array(build.rowCount) : undefined;
    const reserved = ctx.memory.update(
      pageBytes,
      pageBytes + (table?.bytes() ?? 0) + (buildMatched?.byteLength ?? 0),
    );
    const pairs = new PairBuffer();
    let hashes = new Int32Array(0);
    try {
      if (build.rowCount > 0 || keepProbe) {
        for await (const page of this.probe.execute()) {
          checkCancelled(ctx.signal);
          const n = page.rowCount;
          if (n === 0) continue;
          const probeMatched = keepProbe ? new Uint8Array(n) : undefined;
          if (build.rowCount > 0) {
            if (table) {
              const keys = node.leftKeys.map((k) => page.blocks[k]!);
              if (hashes.length < n) hashes = new Int32Array(Math.max(n, PAGE_ROWS));
              hashRows(keys, n, hashes);
              const nulls = anyNull(keys, n);
              // one key whose values compare with === on both sides: no per-row closure call
              const direct = directValues(table.keyBlocks, keys);
              const probe: Probe = {
                table,
                hashes,
                nulls,
                n,
                build: direct?.[0],
                probe: direct?.[1],
                equal: direct ? undefined : table.equality(keys),
                i: 0,
                r: -2,
              };
              while (!probeInto(probe, pairs))
                yield* this.flush(page, build, pairs, { probeMatched, buildMatched });
            } else {
              for (let i = 0; i < n; i++) {
                for (let r = 0; r < build.rowCount; r++) {
                  pairs.push(i, r);
                  if (pairs.full) yield* this.flush(page, build, pairs, { probeMatched, buildMatched });
                }
              }
            }
            yield* this.flush(page, build, pairs, { probeMatched, buildMatched });
          }
          if (probeMatched) {
            for (let i = 0; i < n; i++) if (probeMatched[i] === 0) pairs.push(i, -1);
            yield* this.flush(page, build, pairs, UNMATCHED);
          }
        }
      }
      if (buildMatched) {
        const probeTypes = node.input.outputs.map((c) => c.type);
        const none = emptyPage(probeTypes);
        for (let r = 0; r < build.rowCount; r++) {
          if (buildMatched[r] === 0) {
            pairs.push(-1, r);
            if (pairs.full) yield* this.flush(none, build, pairs, UNMATCHED);
          }
        }
        yield* this.flush(none, build, pairs, UNMATCHED);
      }
    } finally {
      ctx.memory.update(reserved, 0);
    }
  }

  /** Emits the buffered pairs (after the residual filter unless `unfiltered`), marking what matched. */
  private *flush(probe: Page, build: Page, pairs: PairBuffer, marking: Marking): Iterable<Page> {
    const { probeMatched, buildMatched, unfiltered = false } = marking;
    const count = pairs.count;
    if (count === 0) return;
    pairs.count = 0;
    // only unfiltered flushes (unmatched rows) have missing sides
    const take = unfiltered
      ? (b: Block, p: Int32Array) => takeBlockOrNull(b, p, count)
      : (b: Block, p: Int32Array) => takeBlock(b, p, count);
    const blocks: Block[] = [
      ...probe.blocks.map((b) => take(b, pairs.left)),
      ...build.blocks.map((b) => take(b, pairs.right)),
    ];
    let out: Page = { blocks, rowCount: count };
    if (this.filter && !unfiltered) {
      const selected = new Int32Array(count);
      const k = this.filter(out, selected);
      for (let j = 0; j < k; j++) {
        const s = selected[j]!;
        if (probeMatched) probeMatched[pairs.left[s]!] = 1;
        if (buildMatched) buildMatched[pairs.right[s]!] = 1;
      }
      if (k === 0) return;
      if (k < count) out = takePage(out, selected, k);
    } else if (!unfiltered) {
      for (let j = 0; j < count; j++) {
        if (probeMatched) probeMatched[pairs.left[j]!] = 1;
        if (buildMatched) buildMatched[pairs.right[j]!] = 1;
      }
    }
    yield out;
  }
}

/** Where a flush records the probe and build rows that found a match. */
interface Marking {
  readonly probeMatched?: Uint8Array | undefined;
  readonly buildMatched?: Uint8Array | undefined;
  /** Unmatched rows padded with NULLs: no residual filter, nothing to mark. */
  readonly unfiltered?: boolean;
}

const UNMATCHED: Marking = { unfiltered: true };

/** Pairs of (probe position, build position), -1 for a missing side. */
class PairBuffer {
  readonly left = new Int32Array(PAGE_ROWS);
  readonly right = new Int32Array(PAGE_ROWS);
  count = 0;

  push(l: number, r: number): void {
    this.left[this.count] = l;
    this.right[this.count++] = r;
  }

  get full(): boolean {
    return this.count === PAGE_ROWS;
  }
}

/**
 * The build and probe values of a single key column when plain `===` compares them: numbers in
 * typed arrays on both sides (no bigints from wide blocks), or strings.
 */
function directValues(
  build: readonly Block[],
  probe: readonly Block[],
): [ArrayLike<unknown>, ArrayLike<unknown>] | undefined {
  if (build.length !== 1) return undefined;
  const b = build[0]!.values;
  const p = probe[0]!.values;
  const typed = (v: Block['values']) => !Array.isArray(v);
  const strings = (v: Block['values']) => Array.isArray(v) && (v.length === 0 || typeof v[0] === 'string');
  if ((typed(b) && typed(p)) || (strings(b) && strings(p)))
    return [b as ArrayLike<unknown>, p as ArrayLike<unknown>];
  return undefined;
}

/** A probe page's walk through the hash table, resumable where the pair buffer filled up. */
interface Probe {
  readonly table: JoinHash;
  readonly hashes: Int32Array;
  readonly nulls: Uint8Array | undefined;
  readonly n: number;
  /** Key values compared with === (single key), else `equal`. */
  readonly build: ArrayLike<unknown> | undefined;
  readonly probe: ArrayLike<unknown> | undefined;
  readonly equal: ((r: number, i: number) => boolean) | undefined;
  /** Probe row, and build row to continue its chain from (-2: not started). */
  i: number;
  r: number;
}

/** Adds matching (probe, build) pairs until the buffer is full (false) or the page is done (true). */
function probeInto(p: Probe, pairs: PairBuffer): boolean {
  const { next, heads, hashes: buildHashes, shift } = p.table;
  const { hashes, nulls, n, build: bv, probe: pv, equal } = p;
  let i = p.i;
  let r = p.r;
  while (i < n) {
    if (r === -2) {
      if (nulls !== undefined && nulls[i] === 1) {
        i++;
        continue;
      }
      r = heads[Math.imul(hashes[i]!, 0x9e3779b1) >>> shift]!;
    }
    const h = hashes[i]!;
    while (r >= 0) {
      if (buildHashes[r] === h && (bv !== undefined ? bv[r] === pv![i] : equal!(r, i))) {
        pairs.push(i, r);
        if (pairs.full) {
          p.i = i;
          p.r = next[r]!;
          if (p.r < 0) {
            p.i = i + 1;
            p.r = -2;
          }
          return false;
        }
      }
      r = next[r]!;
    }
    i++;
    r = -2;
  }
  p.i = i;
  p.r = -2;
  return true;
}
