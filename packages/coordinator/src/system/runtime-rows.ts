import type { ListingHints } from '@quarry/sql';
import type { AttemptStore } from '../attempt-store.js';
import type { CoordinatorRegistration } from '../leadership.js';
import type { QueryExecution } from '../query.js';
import type { WorkerRegistry } from '../worker-registry.js';

/** What `system.runtime.*` is read from: the coordinator's own state, and the records in Redis. */
export interface RuntimeState {
  readonly store: AttemptStore;
  /** The leader's queries and workers; undefined while this coordinator does not lead. */
  readonly term: () =>
    { readonly queries: ReadonlyMap<string, QueryExecution>; readonly registry: WorkerRegistry } | undefined;
  readonly coordinators: () => Promise<readonly CoordinatorRegistration[]>;
}

/** Who asks: whose SQL text it may read. */
export interface Viewer {
  readonly admin: boolean;
  /** Capability hashes of the queries it owns (its own query's among them). */
  readonly owns: ReadonlySet<string>;
}

/** Most recent queries the runtime tables list (as many as Redis keeps in its index of them). */
const LISTED_QUERIES = 1000;
/** Of those, how many the task listing reads every attempt of, unless `query_id` names them. */
const TASK_QUERIES = 100;

const micros = (ms: string | number | undefined | null): number | null =>
  ms === undefined || ms === null || ms === '' ? null : Number(ms) * 1000;
const span = (from: string | undefined, to: string | undefined): number | null =>
  from && to ? Math.max(0, Number(to) - Number(from)) : null;

/** `system.runtime.queries`: every query Redis remembers, newest first; SQL text only for the viewer's own. */
export async function queryRows(
  state: RuntimeState,
  viewer: Viewer,
  hints: ListingHints,
): Promise<unknown[][]> {
  const records = await recentRecords(state, hints, LISTED_QUERIES);
  const shown = (f: Record<string, string>) =>
    viewer.admin || (f['capability'] !== undefined && viewer.owns.has(f['capability']));
  const texts = await sqlOf(
    state,
    records.filter((r) => shown(r.fields)).map((r) => r.queryId),
  );
  const live = state.term()?.queries;
  const now = Date.now();
  return records.map(({ queryId, fields: f }) => {
    const q = live?.get(queryId);
    const status = q?.state ?? f['state'] ?? 'QUEUED';
    const error =
      q?.error ?? (f['error'] ? (JSON.parse(f['error']) as { code: string; type: string }) : undefined);
    const planning = q?.planningStarted?.toString() ?? f['planningStarted'];
    const running = q?.executionStarted?.toString() ?? f['executionStarted'];
    const ended = q?.ended?.toString() ?? f['ended'];
    const done = status === 'FINISHED' || status === 'FAILED';
    return [
      queryId,
      status,
      q?.user ?? f['user'] ?? 'anonymous',
      null,
      texts.get(queryId) ?? null,
      null,
      span(f['created'], planning ?? ended ?? (done ? undefined : String(now))),
      span(planning, running),
      span(planning, running),
      micros(f['created']),
      micros(running),
      micros(done ? ended : now),
      micros(ended),
      error?.type ?? null,
      error?.code ?? null,
    ];
  });
}

/** `system.runtime.tasks`: every task attempt (failed ones too) of the listed queries. */
export async function taskRows(state: RuntimeState, hints: ListingHints): Promise<unknown[][]> {
  const records = await recentRecords(state, hints, TASK_QUERIES);
  const rows: unknown[][] = [];
  const now = Date.now();
  for (const { queryId } of records) {
    const { attempts } = await state.store.attempts(queryId);
    for (const [field, a] of [...attempts].sort(([x], [y]) => x.localeCompare(y, 'en', { numeric: true }))) {
      // "<qa>/<stage>.<partition>.<attempt>": a query attempt after the first prefixes its stages
      const [qa, rest] = field.split('/') as [string, string];
      const [stage, partition] = rest.split('.');
      const stageId = `${queryId}.${qa === '0' ? '' : `${qa}-`}${stage}`;
      const done = a.state !== 'RUNNING';
      const s = a.stats;
      rows.push([
        a.worker,
        `${stageId}.${partition}.${a.attempt}`,
        stageId,
        queryId,
        a.state === 'LOST' ? 'FAILED' : a.state,
        ...[null, null, null, null],
        s?.wallMs ?? null,
        null,
        null,
        null,
        s?.rowsIn ?? null,
        null,
        s?.rowsIn ?? null,
        s?.bytesOut ?? null,
        s?.rowsOut ?? null,
        null,
        s?.bytesOut ?? null,
        micros(a.start),
        micros(a.start),
        micros(done ? (a.end ?? a.start) : now),
        micros(a.end ?? null),
      ]);
    }
  }
  return rows;
}

/** `system.runtime.nodes`: the coordinators (as registered in Redis) and the workers the leader knows. */
export async function nodeRows(state: RuntimeState): Promise<unknown[][]> {
  const coordinators = (await state.coordinators()).map((c) => [
    c.coordinatorId,
    null,
    'quarry',
    true,
    c.role === 'leader' ? 'active' : 'inactive',
  ]);
  const workers = (state.term()?.registry.list() ?? []).map((w) => [
    w.id,
    null,
    'quarry',
    false,
    w.heartbeat.draining ? 'shutting_down' : 'active',
  ]);
  return [...coordinators, ...workers];
}

/** The fields of a query record the runtime tables read (its SQL text apart: only when shown). */
const FIELDS = [
  'state',
  'user',
  'created',
  'planningStarted',
  'executionStarted',
  'ended',
  'error',
  'capability',
] as const;

/** The most recent query records in Redis (or those `query_id` names), newest first. */
async function recentRecords(
  state: RuntimeState,
  hints: ListingHints,
  limit: number,
): Promise<{ queryId: string; fields: Record<string, string> }[]> {
  const { store } = state;
  const ids = hints.queries
    ? [...hints.queries]
    : await store.redis.zrevrange(`${store.prefix}:queries`, 0, limit - 1);
  const pipeline = store.redis.pipeline();
  for (const id of ids) pipeline.hmget(store.queryKey(id), ...FIELDS);
  const replies = (await pipeline.exec()) ?? [];
  return ids.flatMap((queryId, i) => {
    const values = (replies[i]?.[1] ?? []) as (string | null)[];
    const fields: Record<string, string> = {};
    FIELDS.forEach((f, j) => {
      if (values[j] !== null && values[j] !== undefined) fields[f] = values[j];
    });
    return fields['created'] === undefined ? [] : [{ queryId, fields }];
  });
}

/** The SQL text of the queries whose ids are given, from their records. */
async function sqlOf(state: RuntimeState, ids: readonly string[]): Promise<Map<string, string>> {
  const { store } = state;
  const pipeline = store.redis.pipeline();
  for (const id of ids) pipeline.hget(store.queryKey(id), 'sql');
  const replies = (await pipeline.exec()) ?? [];
  return new Map(ids.map((id, i) => [id, (replies[i]?.[1] as string | null) ?? '']));
}
