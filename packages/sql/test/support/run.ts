/**
 * Planning and running queries in-process: `plan`/`logical` go through the real planner and
 * optimizer; `runLocal` runs the logical plan as one operator tree; `runDistributed` runs every
 * fragment of the distributed plan as tasks, moving pages between stages through `partitionPage`
 * and the page serde as the exchange would.
 */
import { expect } from 'chai';
import { MemoryContext, type TaskContext } from '../../src/operators/operator.js';
import { buildOperator } from '../../src/operators/build.js';
import { partitionPage } from '../../src/operators/partition.js';
import { deserializePage, serializePage } from '../../src/page/serde.js';
import { valueAt, type Page } from '../../src/page/block.js';
import { parseStatement } from '../../src/parser/parser.js';
import { planDistributed, planLogical, PlannerMetadata, type Session } from '../../src/planner/index.js';
import type { DistributedPlan, PlanFragment } from '../../src/plan/fragment.js';
import type { Column, PlanNode, TableScanNode } from '../../src/plan/nodes.js';
import { outputTypes } from '../../src/plan/nodes.js';
import type { CatalogRegistry, Split } from '../../src/spi/connector.js';
import type { SpillSpace } from '../../src/spi/spill.js';
import { typeToString } from '../../src/types/types.js';
import { toExternal, type ExternalValue } from '../../src/types/values.js';
import { registryOf, type MemConnector } from './connector.js';
import { shopConnector } from './data.js';
import { NOW } from './expressions.js';

export const SESSION: Session = { catalog: 'mem', schema: 'shop', properties: {}, now: NOW };

export interface Result {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: ExternalValue[][];
}

export async function metadataFor(
  sql: string,
  connector: MemConnector = shopConnector(),
  properties: Readonly<Record<string, string>> = {},
): Promise<PlannerMetadata> {
  return PlannerMetadata.load(parseStatement(sql), registryOf(connector), { ...SESSION, properties });
}

export async function logical(
  sql: string,
  connector: MemConnector = shopConnector(),
  properties: Readonly<Record<string, string>> = {},
): Promise<PlanNode> {
  return planLogical(parseStatement(sql), await metadataFor(sql, connector, properties));
}

export async function plan(
  sql: string,
  connector: MemConnector = shopConnector(),
  properties: Readonly<Record<string, string>> = {},
): Promise<DistributedPlan> {
  return planDistributed(parseStatement(sql), await metadataFor(sql, connector, properties));
}

export function externalRows(columns: readonly Column[], pages: readonly Page[]): ExternalValue[][] {
  const rows: ExternalValue[][] = [];
  for (const page of pages) {
    for (let i = 0; i < page.rowCount; i++)
      rows.push(page.blocks.map((b, c) => toExternal(columns[c]!.type, valueAt(b, i))));
  }
  return rows;
}

function describeColumns(columns: readonly Column[]): Result['columns'] {
  return columns.map((c) => ({ name: c.name, type: typeToString(c.type) }));
}

async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

function neverRemote(): AsyncIterable<Page> {
  throw new Error('no remote sources in a local plan');
}

/** Runs the optimized logical plan (no exchanges) as one operator tree over every split (spilling to `spill` when given). */
export async function runLocal(
  sql: string,
  connector: MemConnector = shopConnector(),
  memoryBytes = 1 << 30,
  spill?: SpillSpace,
): Promise<Result> {
  const root = await logical(sql, connector);
  const ctx: TaskContext = {
    memory: new MemoryContext(memoryBytes),
    ...(spill ? { spill } : {}),
    async *scan(node: TableScanNode) {
      for (const split of await connector.splits(node.table))
        yield* connector.pageSource(node.table, split, node.columns);
    },
    remote: neverRemote,
  };
  const pages = await collect(buildOperator(root, ctx).execute());
  return { columns: describeColumns(root.outputs), rows: externalRows(root.outputs, pages) };
}

/** The fragment's scan: on the probe path, as the coordinator looks for it (through `input`). */
function findScan(node: PlanNode): TableScanNode | undefined {
  if (node.kind === 'TableScan') return node;
  return 'input' in node ? findScan(node.input) : undefined;
}

/** Runs each fragment as tasks (one per split, per hash partition, or one), moving serialized pages between stages. */
export async function runDistributed(
  sql: string,
  partitions = 3,
  connector: MemConnector = shopConnector(),
): Promise<Result> {
  return runPlan(await plan(sql, connector), registryOf(connector), partitions);
}

/**
 * Runs a distributed plan in-process, as the scheduler would: stages from the leaves up, a source
 * stage with one task per split, a hash stage with one task per partition; hash outputs are
 * partitioned per consumer task, single and broadcast outputs read whole by every consumer task.
 */
export async function runPlan(
  distributed: DistributedPlan,
  catalogs: CatalogRegistry,
  partitions: number,
  targetSplits = 4,
): Promise<Result> {
  const byId = new Map(distributed.fragments.map((f) => [f.id, f]));
  const consumerOf = new Map<number, PlanFragment>();
  for (const f of distributed.fragments) for (const input of f.inputs) consumerOf.set(input, f);
  // output buffers: fragment id → partition → serialized pages
  const outputs = new Map<number, Buffer[][]>();
  // producers before consumers (a shared producer may have a lower id than one of its consumers)
  const ids: number[] = [];
  const visit = (id: number) => {
    if (ids.includes(id)) return;
    for (const input of byId.get(id)!.inputs) visit(input);
    ids.push(id);
  };
  visit(distributed.rootId);
  for (const id of ids) {
    const f = byId.get(id)!;
    const scan = findScan(f.root);
    const connector = scan ? catalogs.get(scan.table.catalog)! : undefined;
    const splits: Split[] = scan ? [...(await connector!.splits(scan.table, { targetSplits }))] : [];
    const taskCount =
      f.distribution === 'source' ? splits.length : f.distribution === 'hash' ? partitions : 1;
    const consumer = consumerOf.get(id);
    // as the scheduler does: hash outputs have one partition per consumer task; single and
    // broadcast outputs one partition, read whole by every consumer task
    const outCount = consumer && f.outputPartitioning.kind === 'hash' ? partitions : 1;
    const buffers: Buffer[][] = Array.from({ length: outCount }, () => []);
    for (let task = 0; task < taskCount; task++) {
      const ctx: TaskContext = {
        memory: new MemoryContext(1 << 30),
        async *scan(node: TableScanNode) {
          yield* connector!.pageSource(node.table, splits[task]!, node.columns);
        },
        async *remote(node) {
          expect(node.orderBy, 'ordered exchanges are not simulated').to.equal(undefined);
          for (const source of node.sourceFragments) {
            const hashed = byId.get(source)!.outputPartitioning.kind === 'hash';
            for (const bytes of outputs.get(source)![hashed ? task : 0] ?? [])
              yield deserializePage(bytes, outputTypes(node));
          }
        },
      };
      for await (const page of buildOperator(f.root, ctx).execute()) {
        const parts =
          f.outputPartitioning.kind === 'hash'
            ? partitionPage(page, f.outputPartitioning.channels, outCount)
            : [page];
        parts.forEach((p, i) => {
          if (p) buffers[i]!.push(serializePage(p));
        });
      }
    }
    outputs.set(id, buffers);
  }
  const root = byId.get(distributed.rootId)!;
  expect(outputs.get(root.id)!.length, 'the root stage has one output partition').to.equal(1);
  const types = outputTypes(root.root);
  const pages = outputs.get(root.id)![0]!.map((b) => deserializePage(b, types));
  return { columns: describeColumns(distributed.columns), rows: externalRows(distributed.columns, pages) };
}

/** Rows sorted by their JSON text, for comparing results whose order is not defined. */
export function unordered(rows: readonly ExternalValue[][]): ExternalValue[][] {
  return [...rows].sort((a, b) =>
    JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
  );
}
