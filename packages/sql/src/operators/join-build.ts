import type { Block, Page } from '../page/block.js';
import { takeBlock, takeBlockOrNull, takePage } from '../page/block.js';
import type { CompiledFilter } from '../expr/compile.js';
import type { JoinNode } from '../plan/nodes.js';
import { emptyPage } from './buffer.js';
import { anyNull, hashRows } from './hash.js';
import { JoinHash } from './join-hash.js';
import { PAGE_ROWS } from './operator.js';

/** What a join keeps of the rows that found no match: the probe side's (LEFT, FULL), the build side's (RIGHT, FULL). */
export function outerSides(node: JoinNode): { keepProbe: boolean; keepBuild: boolean } {
  return {
    keepProbe: node.joinType === 'LEFT' || node.joinType === 'FULL',
    keepBuild: node.joinType === 'RIGHT' || node.joinType === 'FULL',
  };
}

/** Bytes a build side of `bytes` in `rows` rows needs while it is concatenated and indexed (see `JoinHash`). */
export function buildBytesNeeded(bytes: number, rows: number): number {
  return 2 * bytes + 25 * rows + 64;
}

/**
 * A join's build side in memory: one page indexed on its keys (none: every row is a candidate, a
 * nested loop), and which of its rows matched, for RIGHT and FULL joins. Probe pages go through
 * `matches` (the pairs that pass the residual filter), then `unmatchedProbe` for LEFT and FULL;
 * `unmatchedBuild` ends a RIGHT or FULL join. The spilling join runs one per partition or chunk.
 */
export class JoinBuild {
  private readonly table: JoinHash | undefined;
  private readonly buildMatched: Uint8Array | undefined;
  private readonly pairs = new PairBuffer();
  private hashes = new Int32Array(0);

  constructor(
    private readonly node: JoinNode,
    readonly page: Page,
    private readonly filter: CompiledFilter | undefined,
  ) {
    this.table = node.rightKeys.length > 0 ? new JoinHash(page, node.rightKeys) : undefined;
    this.buildMatched = outerSides(node).keepBuild ? new Uint8Array(page.rowCount) : undefined;
  }

  /** Memory held besides the page. */
  bytes(): number {
    return (this.table?.bytes() ?? 0) + (this.buildMatched?.byteLength ?? 0);
  }

  /** The joined rows of a probe page that pass the filter; marks matched probe rows in `probeMatched`. */
  *matches(page: Page, probeMatched: Uint8Array | undefined): Iterable<Page> {
    const { node, table, page: build, pairs, buildMatched } = this;
    const n = page.rowCount;
    if (n === 0 || build.rowCount === 0) return;
    const marking = { probeMatched, buildMatched };
    if (table) {
      const keys = node.leftKeys.map((k) => page.blocks[k]!);
      if (this.hashes.length < n) this.hashes = new Int32Array(Math.max(n, PAGE_ROWS));
      hashRows(keys, n, this.hashes);
      // one key whose values compare with === on both sides: no per-row closure call
      const direct = directValues(table.keyBlocks, keys);
      const probe: Probe = {
        table,
        hashes: this.hashes,
        nulls: anyNull(keys, n),
        n,
        build: direct?.[0],
        probe: direct?.[1],
        equal: direct ? undefined : table.equality(keys),
        i: 0,
        r: -2,
      };
      while (!probeInto(probe, pairs)) yield* this.flush(page, marking);
    } else {
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < build.rowCount; r++) {
          pairs.push(i, r);
          if (pairs.full) yield* this.flush(page, marking);
        }
      }
    }
    yield* this.flush(page, marking);
  }

  /** The probe rows of `page` not marked in `matched` (from `offset` on), padded with NULLs. */
  *unmatchedProbe(page: Page, matched: Uint8Array, offset = 0): Iterable<Page> {
    const { pairs } = this;
    for (let i = 0; i < page.rowCount; i++) {
      if (matched[offset + i] === 0) {
        pairs.push(i, -1);
        if (pairs.full) yield* this.flush(page, UNMATCHED);
      }
    }
    yield* this.flush(page, UNMATCHED);
  }

  /** The build rows no probe row matched, padded with NULLs (RIGHT and FULL joins). */
  *unmatchedBuild(): Iterable<Page> {
    const { buildMatched, pairs, page: build } = this;
    if (!buildMatched) return;
    const none = emptyPage(this.node.input.outputs.map((c) => c.type));
    for (let r = 0; r < build.rowCount; r++) {
      if (buildMatched[r] === 0) {
        pairs.push(-1, r);
        if (pairs.full) yield* this.flush(none, UNMATCHED);
      }
    }
    yield* this.flush(none, UNMATCHED);
  }

  /** Emits the buffered pairs (after the residual filter unless `unfiltered`), marking what matched. */
  private *flush(probe: Page, marking: Marking): Iterable<Page> {
    const { pairs, page: build } = this;
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
