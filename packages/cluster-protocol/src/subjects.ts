/**
 * The cluster's internal addresses, relative to its subject prefix: only the coordinator and the
 * workers speak here (clients use `@quarry/protocol`'s `Addresses`). docs/PROTOCOL.md lists who
 * publishes and who listens on each.
 */
export const ClusterAddresses = {
  /** worker → coordinator: {@link Heartbeat}s. */
  heartbeat: 'worker.heartbeat',
  /** coordinator → worker (ask): {@link WorkerCommand} → {@link RunTaskReply} or {@link CancelTasksReply}. */
  worker: (workerId: string) => `worker.${workerId}.tasks`,
  /** coordinator → worker (ask): `{}` → {@link PingReply}; the failure detector's direct probe. */
  ping: (workerId: string) => `worker.${workerId}.ping`,
  /** worker → coordinator: {@link TaskUpdate}s. */
  taskStatus: 'coordinator.task-status',
  /** leading coordinator → workers and standbys: {@link LeaderAnnouncement}s. */
  leader: 'coordinator.leader',
} as const;

/**
 * Whether only cluster members speak on `subject`: heartbeats, worker commands and probes (and their
 * replies), task reports and leader announcements. Members sign their messages there and refuse unsigned ones
 * (docs/SECURITY.md); every other subject is a client's.
 */
export function isMemberSubject(prefix: string, subject: string): boolean {
  return (
    subject.startsWith(`${prefix}.worker.`) ||
    subject === `${prefix}.${ClusterAddresses.taskStatus}` ||
    subject === `${prefix}.${ClusterAddresses.leader}`
  );
}

/**
 * `<stage>.<partition>.<attempt>`, prefixed `q<n>.` for query attempt n > 0: unique per task attempt
 * within a query, readable in logs.
 */
export function taskId(stageId: number, partition: number, attempt: number, queryAttempt = 0): string {
  return `${queryAttempt > 0 ? `q${queryAttempt}.` : ''}${stageId}.${partition}.${attempt}`;
}

/** The exchange a stage writes to: `s<stage>`, or `q<n>s<stage>` for query attempt n > 0. */
export function exchangeIdFor(stageId: number, queryAttempt = 0): string {
  return `${queryAttempt > 0 ? `q${queryAttempt}` : ''}s${stageId}`;
}

/** What {@link exchangeIdFor} makes, as a pattern. */
export const EXCHANGE_ID_PATTERN = '^(q[0-9]{1,6})?s[0-9]{1,9}$';
