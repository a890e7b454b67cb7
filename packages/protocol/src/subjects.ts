/**
 * The addresses clients use, relative to the cluster's subject prefix (default `quarry`): the
 * subject of `query.submit` is `quarry.query.submit`. The cluster's internal addresses (heartbeats,
 * task commands and reports) are in `@quarry/cluster-protocol`. docs/PROTOCOL.md lists who
 * publishes and who listens on each.
 */
export const DEFAULT_PREFIX = 'quarry';

export const Addresses = {
  /** client → coordinator (ask or plain publish): {@link SubmitRequest}, JSON or msgpack. */
  submit: 'query.submit',
  /** coordinator → anyone: {@link QueryEvent}s of one query. */
  status: (queryId: string) => `query.${queryId}.status`,
  /** client → coordinator (ask): {@link ResultsRequest} → {@link ResultsPage}. */
  results: (queryId: string) => `query.${queryId}.results`,
  /** client → coordinator (ask): {@link CancelRequest} → {@link CancelReply}. */
  cancel: (queryId: string) => `query.${queryId}.cancel`,
  /** anyone → coordinator (ask): {@link ClusterInfoRequest} → {@link ClusterInfo}. */
  clusterInfo: 'coordinator.info',
  /** anyone → coordinator (ask): {@link QueriesRequest} → {@link QueryListing}, from Redis. */
  queries: 'coordinator.queries',
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
