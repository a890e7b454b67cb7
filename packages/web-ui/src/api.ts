// What the coordinator's JSON API under /ui/api/ answers (packages/trino-http, `src/ui/ui-api.ts`
// writes it), as far as the pages read it.

export type QueryState = 'QUEUED' | 'PLANNING' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface WorkerView {
  workerId: string;
  slots: number;
  runningTasks: number;
  draining: boolean;
  heartbeatAgeMs: number;
  host: string;
  pid: number;
  blocked?: { remainingMs: number; reason: string };
  /** From the worker's heartbeats, when this coordinator hears them. */
  memoryBytes?: number;
  rssBytes?: number;
  load?: number;
}

export interface CoordinatorView {
  coordinatorId: string;
  role: 'leader' | 'standby';
  epoch: number;
  host: string;
  pid: number;
  since: number;
  seenAgeMs: number;
}

export interface ClusterView {
  coordinatorId: string | null;
  workers: WorkerView[];
  coordinators?: CoordinatorView[];
  queries: { running: number; queued: number; finished: number; failed: number };
  unavailable?: string;
}

export interface Counts {
  taskFailures: number;
  retries: number;
  lostWorkers: number;
  speculative: number;
  failovers: number;
}

export interface QuerySummary {
  queryId: string;
  state: QueryState;
  user: string | null;
  sql: string | null;
  created: number;
  endedAt: number | null;
  elapsedMs: number | null;
  error: { code: string; type: string; message: string } | null;
  tasksDone: number;
  tasksTotal: number;
  counts: Counts;
}

export interface QueryListView {
  queries: QuerySummary[];
  total: number;
}

export type AttemptState = 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface AttemptView {
  taskId: string;
  attempt: number;
  workerId: string;
  state: AttemptState;
  startedAt: number;
  endedAt?: number;
  error?: { code: string; message: string };
  speculativeOf?: number;
  lostWorker?: boolean;
  retriedAs?: number;
}

export interface TaskView {
  queryAttempt: number;
  stageId: number;
  partition: number;
  attempts: AttemptView[];
}

export interface StageView {
  stageId: number;
  state: string;
  tasksTotal: number;
  tasksDone: number;
  tasksRunning: number;
}

/** A status event as docs/PROTOCOL.md lists them: the fields the timeline reads. */
export interface EventView {
  type: string;
  seq: number;
  time: number;
  workerId?: string;
  coordinatorId?: string;
  epoch?: number;
  nextAttempt?: number;
  delayMs?: number;
  silentForMs?: number;
  error?: { code: string; message: string };
  task?: { taskId: string; workerId: string; state?: string };
  tasks?: { taskId: string }[];
}

export type PlanView = { text: string } | { unavailable: string } | { pending: true };

export interface QueryView extends QuerySummary {
  rows: number | null;
  stages: StageView[];
  plan: PlanView;
  tasks: TaskView[];
  events: EventView[];
  truncated: boolean;
}

/** The API's answer, or its error message (the API answers `{ error }` with a 4xx or 5xx). */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${res.status} ${res.statusText}: ${text.slice(0, 300)}`);
  }
  if (!res.ok) {
    const message = (body as { error?: string }).error ?? text;
    throw new Error(`${res.status}: ${message}`);
  }
  return body as T;
}
