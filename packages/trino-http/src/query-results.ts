import type { ErrorData } from '@quarry/common';
import type { ExternalValue, ResultColumn } from '@quarry/protocol';
import { trinoError } from './errors.js';
import type { TrackedQuery } from './tracked-query.js';
import { trinoColumn } from './types.js';

/** Trino's `stats` of a QueryResults (`StatementStats`), from what the gateway knows of the query. */
export function statementStats(q: TrackedQuery, state: string) {
  const p = q.progress;
  const total = p?.tasksTotal ?? 0;
  const done = q.state === 'FINISHED' ? total : (p?.tasksDone ?? 0);
  const running = q.state === 'FINISHED' ? 0 : (p?.tasksRunning ?? 0);
  const scheduled = q.runningAt !== undefined;
  const now = q.endedAt ?? Date.now();
  const stages = (p?.stages ?? []).map((s) => ({
    stageId: String(s.stageId),
    state: s.state,
    done: s.state === 'FINISHED' || s.state === 'FAILED',
    nodes: 0,
    totalSplits: s.tasksTotal,
    queuedSplits: Math.max(0, s.tasksTotal - s.tasksDone - s.tasksRunning),
    runningSplits: s.tasksRunning,
    completedSplits: s.tasksDone,
    cpuTimeMillis: 0,
    wallTimeMillis: 0,
    processedRows: 0,
    processedBytes: 0,
    physicalInputBytes: 0,
    failedTasks: 0,
    coordinatorOnly: false,
    subStages: [],
  }));
  // quarry's stages form a list, not a tree: the root (stage 0) carries the others as its sub-stages
  const [root, ...rest] = stages;
  return {
    state,
    queued: q.state === 'QUEUED',
    scheduled,
    ...(scheduled && total > 0 ? { progressPercentage: Math.min(100, (done * 100) / total) } : {}),
    nodes: q.workers.size,
    totalSplits: total,
    queuedSplits: Math.max(0, total - done - running),
    runningSplits: running,
    completedSplits: done,
    cpuTimeMillis: 0,
    wallTimeMillis: 0,
    queuedTimeMillis: (q.runningAt ?? now) - q.createdAt,
    elapsedTimeMillis: now - q.createdAt,
    processedRows: q.state === 'FINISHED' ? (q.rows ?? 0) : 0,
    processedBytes: 0,
    physicalInputBytes: 0,
    peakMemoryBytes: 0,
    spilledBytes: 0,
    ...(root ? { rootStage: { ...root, subStages: rest } } : {}),
  };
}

export interface ResultsBody {
  readonly query: TrackedQuery;
  /** `<scheme>://<host>` the client reached this gateway at. */
  readonly base: string;
  readonly nextUri?: string;
  /** Trino's state name for this response (`QUEUED`, `RUNNING`, `FINISHED`, `FAILED`). */
  readonly state: string;
  readonly columns?: readonly ResultColumn[];
  readonly rows?: readonly (readonly ExternalValue[])[];
  /** An error of this answer alone (a result page that could not be read), instead of the query's. */
  readonly error?: ErrorData;
}

/**
 * A QueryResults document as JSON text. Values go out as Trino encodes them: numbers, decimals as
 * strings, dates and timestamps as text, doubles' NaN and infinities as strings — what quarry's
 * result pages already hold — except a bigint beyond 2^53, which quarry's pages carry as a string
 * and Trino sends as a JSON number: it is written out as its exact digits.
 */
export function queryResultsJson(b: ResultsBody): string {
  const q = b.query;
  const doc = {
    id: q.queryId,
    infoUri: `${b.base}/ui/query.html?${q.queryId}`,
    ...(b.nextUri ? { nextUri: b.nextUri } : {}),
    ...(b.columns ? { columns: b.columns.map(trinoColumn) } : {}),
    stats: statementStats(q, b.state),
    ...((b.error ?? q.error) ? { error: trinoError((b.error ?? q.error)!) } : {}),
    warnings: [],
  };
  const text = JSON.stringify(doc);
  if (!b.rows || b.rows.length === 0 || !b.columns) return text;
  const bigint = b.columns.map((c) => c.type === 'bigint');
  const data = b.rows
    .map((row) => `[${row.map((v, i) => (bigint[i] && isIntegerText(v) ? v : JSON.stringify(v))).join(',')}]`)
    .join(',');
  return `${text.slice(0, -1)},"data":[${data}]}`;
}

const isIntegerText = (v: ExternalValue): v is string => typeof v === 'string' && /^-?\d{1,20}$/.test(v);
