import { QuarryError } from '@quarry/common';
import type { ExchangeFile, ExchangeManager } from '@quarry/exchange';
import type { TaskStats } from '@quarry/cluster-protocol';
import type { CheckedTask as TaskSpec } from './check-task.js';
import { isWritable, deserializePage, serializePage, type CatalogRegistry, type Page } from '@quarry/sql';
import {
  MemoryContext,
  buildOperator,
  partitionPage,
  type RemoteSourceNode,
  type TableScanNode,
  type TaskContext,
} from '@quarry/sql/internal';

export interface TaskResult {
  readonly outputs: ExchangeFile[];
  readonly stats: TaskStats;
}

export interface TaskDeps {
  readonly catalogs: CatalogRegistry;
  readonly exchange: ExchangeManager;
  readonly signal: AbortSignal;
  /** Called at the start, after the first output page ('midway') and before commit: failure injection. */
  readonly checkpoint?: (point: 'start' | 'midway' | 'commit') => Promise<void>;
  /** Row counts so far, called as pages pass (the caller throttles). */
  readonly onProgress?: (rowsIn: number, rowsOut: number) => void;
}

/**
 * Runs one task attempt: the fragment's operators over its splits or its remote inputs, output
 * partitioned and spooled through an exchange sink. On any failure the sink is aborted, so a failed
 * attempt leaves no files behind.
 */
export async function runTask(spec: TaskSpec, deps: TaskDeps): Promise<TaskResult> {
  const started = Date.now();
  await deps.checkpoint?.('start');
  const memory = new MemoryContext(spec.memoryLimitBytes);
  let rowsIn = 0;
  let rowsOut = 0;
  const progress = () => deps.onProgress?.(rowsIn, rowsOut);
  const ctx: TaskContext = {
    memory,
    signal: deps.signal,
    scan: (node) => counted(scan(node, spec, deps.catalogs), (n) => ((rowsIn += n), progress())),
    remote: (node) => counted(readRemote(node, spec, deps.exchange), (n) => ((rowsIn += n), progress())),
    writeSink: (handle) => {
      const connector = deps.catalogs.get(handle.catalog);
      if (!connector || !isWritable(connector))
        throw new QuarryError('NOT_SUPPORTED', `Catalog '${handle.catalog}' does not support writes`);
      return connector.writeSink(handle, {
        taskPartition: spec.partition,
        attempt: spec.attempt,
        queryAttempt: spec.queryAttempt,
      });
    },
  };
  const root = buildOperator(spec.fragment.root, ctx);
  const sink = deps.exchange.createSink(
    {
      queryId: spec.queryId,
      exchangeId: spec.output.exchangeId,
      exchangeOrdinal: spec.stageId,
      taskPartition: spec.partition,
      attempt: spec.attempt,
      partitionCount: spec.output.partitionCount,
    },
    { codec: spec.exchange.codec, secretKey: spec.exchange.secretKey },
  );
  const partitioning = spec.fragment.outputPartitioning;
  let pages = 0;
  try {
    for await (const page of root.execute()) {
      rowsOut += page.rowCount;
      progress();
      if (partitioning.kind === 'hash' && spec.output.partitionCount > 1) {
        const parts = partitionPage(page, partitioning.channels, spec.output.partitionCount);
        for (let p = 0; p < parts.length; p++) {
          const part = parts[p];
          if (part) await sink.add(p, serializePage(part));
        }
      } else {
        // single and broadcast: one partition, read whole by the consumer task(s)
        await sink.add(0, serializePage(page));
      }
      if (++pages === 1) await deps.checkpoint?.('midway');
    }
    if (pages === 0) await deps.checkpoint?.('midway');
    await deps.checkpoint?.('commit');
    if (deps.signal.aborted) throw new QuarryError('USER_CANCELED', 'Task was cancelled');
    const outputs = await sink.finish();
    return {
      outputs,
      stats: {
        rowsIn,
        rowsOut,
        bytesOut: sink.bytesAdded,
        wallMs: Date.now() - started,
        peakMemoryBytes: memory.peak,
      },
    };
  } catch (e) {
    await sink.abort().catch(() => {});
    throw e;
  }
}

async function* counted(pages: AsyncIterable<Page>, add: (n: number) => void): AsyncIterable<Page> {
  for await (const p of pages) {
    add(p.rowCount);
    yield p;
  }
}

async function* scan(node: TableScanNode, spec: TaskSpec, catalogs: CatalogRegistry): AsyncIterable<Page> {
  const connector = catalogs.get(node.table.catalog);
  if (!connector)
    throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${node.table.catalog}' not found on this worker`);
  for (const split of spec.splits) yield* connector.pageSource(node.table, split, node.columns);
}

async function* readRemote(
  node: RemoteSourceNode,
  spec: TaskSpec,
  exchange: ExchangeManager,
): AsyncIterable<Page> {
  const types = node.outputs.map((c) => c.type);
  for (const fragmentId of node.sourceFragments) {
    const input = spec.inputs.find((i) => i.fragmentId === fragmentId);
    if (!input)
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        `task ${spec.taskId} has no input from stage ${fragmentId} (this is a bug in quarry)`,
      );
    for await (const bytes of exchange.read(input.files, {
      queryId: spec.queryId,
      secretKey: spec.exchange.secretKey,
    }))
      yield deserializePage(bytes, types);
  }
}
