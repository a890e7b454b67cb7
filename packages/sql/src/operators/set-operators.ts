import { QuarryError } from '@quarry/common';
import type { Block, Page } from '../page/block.js';
import { nullBlock } from '../page/block.js';
import type { EnforceSingleRowNode, GroupIdNode, UnionNode } from '../plan/nodes.js';
import { BIGINT } from '../types/types.js';
import { SUBQUERY_MULTIPLE_ROWS } from '../functions/scalars.js';
import type { Operator } from './operator.js';

/** Exactly one row out: the input's only row, or a row of NULLs for an empty input. */
export class EnforceSingleRowOperator implements Operator {
  constructor(
    private readonly node: EnforceSingleRowNode,
    private readonly input: Operator,
  ) {}

  async *execute(): AsyncIterable<Page> {
    let row: Page | undefined;
    for await (const page of this.input.execute()) {
      if (page.rowCount === 0) continue;
      if (row !== undefined || page.rowCount > 1)
        throw new QuarryError('INVALID_ARGUMENTS', SUBQUERY_MULTIPLE_ROWS);
      row = page;
    }
    yield row ?? { blocks: this.node.outputs.map((c) => nullBlock(c.type, 1)), rowCount: 1 };
  }
}

/** UNION ALL: each input's pages in turn. */
export class UnionOperator implements Operator {
  constructor(
    _node: UnionNode,
    private readonly inputs: readonly Operator[],
  ) {}

  async *execute(): AsyncIterable<Page> {
    for (const input of this.inputs) yield* input.execute();
  }
}

/** Each input row once per grouping set: keys outside the set NULL, then pass-through columns and the set ordinal. */
export class GroupIdOperator implements Operator {
  constructor(
    private readonly node: GroupIdNode,
    private readonly input: Operator,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node } = this;
    for await (const page of this.input.execute()) {
      const n = page.rowCount;
      if (n === 0) continue;
      for (let s = 0; s < node.sets.length; s++) {
        const inSet = new Set(node.sets[s]);
        const keys = node.keys.map((c, k) =>
          inSet.has(k) ? page.blocks[c]! : nullBlock(node.input.outputs[c]!.type, n),
        );
        const id: Block = { type: BIGINT, length: n, values: new Float64Array(n).fill(s), nulls: undefined };
        yield { blocks: [...keys, ...node.passThrough.map((c) => page.blocks[c]!), id], rowCount: n };
      }
    }
  }
}

const ID_BITS = 2 ** 21;

/**
 * Appends a query-wide unique bigint per row: a random 31-bit prefix per run of 2^21 rows, times
 * 2^21, plus a counter (two tasks collide only if they draw the same prefix: about 1 in 2^31 per
 * pair of tasks).
 */
export class AssignUniqueIdOperator implements Operator {
  constructor(private readonly input: Operator) {}

  async *execute(): AsyncIterable<Page> {
    let prefix = 0;
    let next = ID_BITS;
    for await (const page of this.input.execute()) {
      const n = page.rowCount;
      const ids = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (next === ID_BITS) {
          prefix = randomPrefix();
          next = 0;
        }
        ids[i] = prefix * ID_BITS + next++;
      }
      const block: Block = { type: BIGINT, length: n, values: ids, nulls: undefined };
      yield { blocks: [...page.blocks, block], rowCount: n };
    }
  }
}

function randomPrefix(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
}
