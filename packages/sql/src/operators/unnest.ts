import { internalError } from '@quarry/common';
import { BlockBuilder, takeBlock, valueAt, type Block, type Page } from '../page/block.js';
import type { UnnestNode } from '../plan/nodes.js';
import { unnestTypes } from '../types/composite.js';
import { BIGINT, type DataType, type MapValue } from '../types/types.js';
import { PAGE_ROWS, type Operator } from './operator.js';

/**
 * How one collection column expands: the types of the columns it gives, and the values of its
 * `i`-th element (all NULL past its end or for a NULL collection).
 */
interface Expansion {
  readonly types: readonly DataType[];
  length(value: unknown): number;
  element(value: unknown, i: number, out: unknown[]): void;
}

function expansion(type: DataType): Expansion {
  const types = unnestTypes(type);
  if (!types) throw internalError(`UNNEST of ${type.kind}`);
  if (type.kind === 'map')
    return {
      types,
      length: (v) => (v === null ? 0 : (v as MapValue).keys.length),
      element: (v, i, out) => {
        const m = v as MapValue;
        out.push(m.keys[i], m.values[i]);
      },
    };
  if (type.kind === 'array' && type.element.kind === 'row')
    return {
      types,
      length: (v) => (v === null ? 0 : (v as unknown[]).length),
      element: (v, i, out) => {
        const row = (v as unknown[])[i] as unknown[] | null;
        for (let f = 0; f < types.length; f++) out.push(row === null ? null : row[f]);
      },
    };
  return {
    types,
    length: (v) => (v === null ? 0 : (v as unknown[]).length),
    element: (v, i, out) => {
      out.push((v as unknown[])[i]);
    },
  };
}

/** Runs an {@link UnnestNode}: one input row in, as many rows out as its longest collection. */
export class UnnestOperator implements Operator {
  private readonly expansions: readonly Expansion[];
  private readonly outputTypes: readonly DataType[];

  constructor(
    private readonly node: UnnestNode,
    private readonly input: Operator,
  ) {
    this.expansions = node.unnest.map((c) => expansion(node.input.outputs[c]!.type));
    this.outputTypes = [...this.expansions.flatMap((e) => e.types), ...(node.ordinality ? [BIGINT] : [])];
  }

  async *execute(): AsyncIterable<Page> {
    for await (const page of this.input.execute()) yield* this.unnestPage(page);
  }

  private *unnestPage(page: Page): Iterable<Page> {
    const { node, expansions } = this;
    const out = new PageOut(this.outputTypes);
    const values: unknown[] = [];
    const lengths = new Array<number>(expansions.length);
    for (let row = 0; row < page.rowCount; row++) {
      let n = 0;
      for (let k = 0; k < expansions.length; k++) {
        values[k] = valueAt(page.blocks[node.unnest[k]!]!, row);
        lengths[k] = expansions[k]!.length(values[k]);
        n = Math.max(n, lengths[k]!);
      }
      if (n === 0 && node.outer) out.addNulls(row);
      if (out.count >= PAGE_ROWS) yield out.flush(page, node.replicate);
      for (let i = 0; i < n; i++) {
        const cells: unknown[] = [];
        for (let k = 0; k < expansions.length; k++) {
          const e = expansions[k]!;
          if (i < lengths[k]!) e.element(values[k], i, cells);
          else for (let f = 0; f < e.types.length; f++) cells.push(null);
        }
        if (node.ordinality) cells.push(i + 1);
        out.add(row, cells);
        // pages stay bounded however long one row's collections are
        if (out.count >= PAGE_ROWS) yield out.flush(page, node.replicate);
      }
    }
    if (out.count > 0) yield out.flush(page, node.replicate);
  }
}

/** Output rows being gathered: input positions to replicate and the unnested cells. */
class PageOut {
  private positions: number[] = [];
  private builders: BlockBuilder[];

  constructor(private readonly types: readonly DataType[]) {
    this.builders = types.map((t) => new BlockBuilder(t));
  }

  get count(): number {
    return this.positions.length;
  }

  add(position: number, cells: readonly unknown[]): void {
    this.positions.push(position);
    for (let c = 0; c < cells.length; c++) this.builders[c]!.append(cells[c] ?? null);
  }

  addNulls(position: number): void {
    this.positions.push(position);
    for (const b of this.builders) b.appendNull();
  }

  flush(page: Page, replicate: readonly number[]): Page {
    const n = this.positions.length;
    const blocks: Block[] = [
      ...replicate.map((c) => takeBlock(page.blocks[c]!, this.positions, n)),
      ...this.builders.map((b) => b.build()),
    ];
    this.positions = [];
    this.builders = this.types.map((t) => new BlockBuilder(t));
    return { blocks, rowCount: n };
  }
}
