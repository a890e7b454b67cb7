/**
 * Actor addresses, relative to the cluster's subject prefix (default `quarry`): the subject of
 * `query.submit` is `quarry.query.submit`. docs/PROTOCOL.md lists who publishes and who listens.
 */
export const DEFAULT_PREFIX = 'quarry';

export const Addresses = {
  /** client → coordinator (ask or plain publish): {@link SubmitRequest}, JSON or msgpack. */
  submit: 'query.submit',
  /** coordinator → anyone: {@link QueryEvent}s of one query. */
  status: (queryId: string) => `query.${queryId}.status`,
  /** client → coordinator (ask): {@link ResultsRequest} → {@link ResultsPage}. */
  results: (queryId: string) => `query.${queryId}.results`,
  /** worker → coordinator: {@link Heartbeat}s. */
  heartbeat: 'worker.heartbeat',
  /** coordinator → worker (ask): {@link WorkerCommand}. */
  worker: (workerId: string) => `worker.${workerId}.tasks`,
  /** coordinator → worker (ask): `{}` → `{ workerId, incarnation }`; the failure detector's direct probe. */
  ping: (workerId: string) => `worker.${workerId}.ping`,
  /** worker → coordinator: {@link TaskUpdate}s. */
  taskStatus: 'coordinator.task-status',
  /** anyone → coordinator (ask): {@link ClusterInfo}. */
  clusterInfo: 'coordinator.info',
  /** anyone → coordinator (ask): `{ limit? }` → {@link QueryListing}, from Redis. */
  queries: 'coordinator.queries',
  /** client → coordinator (ask): `{}` → `{ canceled, state }`. */
  cancel: (queryId: string) => `query.${queryId}.cancel`,
  /** coordinator → anyone, every second: {@link ClusterLoad}, for autoscalers. */
  clusterLoad: 'cluster.load',
} as const;

/** Absolute subject of every query's status events, for subscribers of all queries. */
export function allStatusSubject(prefix: string): string {
  return `${prefix}.query.*.status`;
}

export function statusSubject(prefix: string, queryId: string): string {
  return `${prefix}.${Addresses.status(queryId)}`;
}

/**
 * Whether only cluster members speak on `subject`: heartbeats, worker commands (and their replies)
 * and task reports. Members sign their messages there and refuse unsigned ones (docs/SECURITY.md);
 * every other subject is a client's.
 */
export function isMemberSubject(prefix: string, subject: string): boolean {
  return subject.startsWith(`${prefix}.worker.`) || subject === `${prefix}.${Addresses.taskStatus}`;
}
