/** What a query may depend on besides its text. */
export interface Session {
  readonly catalog?: string;
  readonly schema?: string;
  /** Session properties (`hash_partition_count`, `retry_policy`, …) as strings. */
  readonly properties: Readonly<Record<string, string>>;
  /** Query start: the value of CURRENT_DATE and friends. */
  readonly now: Date;
  /** The query's id: a write is staged under it (so that its commit is idempotent). */
  readonly queryId?: string;
  /** The query's retry policy: connectors without fault-tolerant writes refuse writes under TASK. */
  readonly retryPolicy?: 'NONE' | 'QUERY' | 'TASK';
  /**
   * The query is planned again by a new coordinator after the one planning it died: DDL it names
   * may have run already, so it runs as `IF NOT EXISTS` / `IF EXISTS` would (the same effect, once).
   */
  readonly resumed?: boolean;
}
