import { QuarryError } from '@quarry/common';
import type { ExchangeFile, ExchangeManager } from '@quarry/exchange';
import type { TaskStats } from '@quarry/cluster-protocol';
import type { CheckedTask as TaskSpec } from './check-task.js';
import { isWritable, deserializePage, serializePage, type CatalogRegistry, type Page } from '@quarry/sql';
import {
  MemoryContext,
  buildOperator,
  partitionPage,
  type Operator,
  type RemoteSourceNode,
  type SpillSpace,
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
  /** Told each point of the attempt's timeline it passes (traceMark, for the latency bench). */
  readonly mark?: (name: string) => void;
  /**
   * Failure injection (HOLD_MEMORY): bytes the task's memory accounting is charged per input row,
   * never given back; 0 or absent: none.
   */
  readonly heldPerInputRow?: number;
  /** Row counts so far, called as pages pass (the caller throttles). */
  readonly onProgress?: (rowsIn: number, rowsOut: number) => void;
  /** This attempt's spill files, when it may spill; closed (every file deleted) when the attempt ends. */
  readonly spill?: SpillSpace & { readonly bytesWritten: number; close(): Promise<void> };
}

/**
 * Runs one task attempt: the fragment's operators over its splits or its remote inputs, output
 * partitioned and spooled through an exchange sink. On any failure the sink is aborted, so a failed
 * attempt leaves no files behind; its spill files are deleted however it ends.
 */
export async function runTask(spec: TaskSpec, deps: TaskDeps): Promise<TaskResult> {
  const started = Date.now();
  try {
    await deps.checkpoint?.('start');
    const memory = new MemoryContext(spec.memoryLimitBytes);
    const counts = { rowsIn: 0, rowsOut: 0 };
    const root = buildOperator(spec.fragment.root, taskContext(spec, deps, { memory, counts }));
    deps.mark?.('operators built');
    const { outputs, bytesOut } = await spool(spec, deps, { root, counts });
    const { rowsIn, rowsOut } = counts;
    const wallMs = Date.now() - started;
    const spilledBytes = deps.spill?.bytesWritten ?? 0;
    return {
      outputs,
      stats: { rowsIn, rowsOut, bytesOut, wallMs, peakMemoryBytes: memory.peak, spilledBytes },
    };
  } finally {
    // spill files go with the attempt, whatever its end
    await deps.spill?.close();
  }
}

/** What the operators of a task get: its memory, splits, inputs, write sink and spill space. */
function taskContext(
  spec: TaskSpec,
  deps: TaskDeps,
  { memory, counts }: { memory: MemoryContext; counts: { rowsIn: number; rowsOut: number } },
): TaskContext {
  const progress = () => deps.onProgress?.(counts.rowsIn, counts.rowsOut);
  const perRow = deps.heldPerInputRow ?? 0;
  let held = 0;
  const input = (n: number) => {
    counts.rowsIn += n;
    if (perRow > 0) held = memory.update(held, held + n * perRow);
    progress();
  };
  return {
    memory,
    signal: deps.signal,
    scan: (node) => counted(scan(node, spec, deps.catalogs), input),
    remote: (node) => counted(readRemote(node, spec, deps.exchange), input),
    writeSink: (handle, options) => {
      const connector = deps.catalogs.get(handle.catalog);
      if (!connector || !isWritable(connector))
        throw new QuarryError('NOT_SUPPORTED', `Catalog '${handle.catalog}' does not support writes`);
      return connector.writeSink(
        handle,
        {
          taskPartition: spec.partition,
          attempt: spec.attempt,
          queryAttempt: spec.queryAttempt,
        },
        options,
      );
    },
    ...(deps.spill ? { spill: deps.spill } : {}),
  };
}

/** Pulls the operators' output through an exchange sink; aborts the sink on any failure. */
async function spool(
  spec: TaskSpec,
  deps: TaskDeps,
  { root, counts }: { root: Operator; counts: { rowsIn: number; rowsOut: number } },
): Promise<{ outputs: ExchangeFile[]; bytesOut: number }> {
  const sink = deps.exchange.createSink(
    {
      queryId: spec.queryId,
      exchangeId: spec.output.exchangeId,
      exchangeOrdinal: spec.stageId,
      taskPartition: spec.partition,
      attempt: spec.attempt,
      partitionCount: spec.output.partitionCount,
    },
    {
      codec: spec.exchange.codec,
      secretKey: spec.exchange.secretKey,
      inlineMaxBytes: spec.output.inlineMaxBytes,
    },
  );
  const partitioning = spec.fragment.outputPartitioning;
  let pages = 0;
  try {
    for await (const page of root.execute()) {
      counts.rowsOut += page.rowCount;
      deps.onProgress?.(counts.rowsIn, counts.rowsOut);
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
      if (++pages === 1) {
        deps.mark?.('first page out');
        await deps.checkpoint?.('midway');
      }
    }
    if (pages === 0) await deps.checkpoint?.('midway');
    await deps.checkpoint?.('commit');
    if (deps.signal.aborted) throw new QuarryError('USER_CANCELED', 'Task was cancelled');
    deps.mark?.('sink finishing');
    const outputs = await sink.finish();
    deps.mark?.('sink finished');
    return { outputs, bytesOut: sink.bytesAdded };
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
