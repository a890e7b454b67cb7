/**
 * The exchange SPI. A stage's tasks write their output through a sink, one per task attempt; the
 * next stage's tasks read the files of the winning attempts only. The exchange knows nothing of SQL:
 * a "page" here is an opaque byte string (the engine's serialized columnar page).
 *
 * Retries are deduplicated by construction: every attempt writes under its own directory
 * (`<query>/<exchange>/<task>.<attempt>/`), the coordinator records which attempt won, and readers
 * are handed the winners' {@link ExchangeFile}s — nothing is ever discovered by listing.
 */

/** One file a sink wrote: all pages of one output partition (or a part of them, after rollover). */
export interface ExchangeFile {
  readonly uri: string;
  readonly partition: number;
  readonly bytes: number;
  readonly pages: number;
}

/** Identifies the sink of one task attempt. */
export interface SinkId {
  readonly queryId: string;
  /** Unique within the query, e.g. `s1` for stage 1's output. */
  readonly exchangeId: string;
  /** Ordinal of the exchange within the query: rotates the base-directory choice per exchange. */
  readonly exchangeOrdinal: number;
  readonly taskPartition: number;
  readonly attempt: number;
  /** Output partitions the pages are spread over. */
  readonly partitionCount: number;
}

/**
 * Call order: any number of `add`, then `finish` once; `abort` may come at any time, also during or
 * after a failed `finish`, and deletes everything the attempt wrote. No `add` after `finish`.
 */
export interface ExchangeSink {
  /** Appends one page to an output partition. Resolves when the page is buffered (backpressure). */
  add(partition: number, page: Uint8Array): Promise<void>;
  /** Flushes and closes the files; returns them. */
  finish(): Promise<ExchangeFile[]>;
  abort(): Promise<void>;
  /** Bytes handed to `add` so far. */
  readonly bytesAdded: number;
}

export interface ExchangeManager {
  createSink(id: SinkId): ExchangeSink;
  /** Pages of the given files, in file order and page order within a file. */
  read(files: readonly ExchangeFile[]): AsyncIterable<Uint8Array>;
  /** Deletes one task attempt's output (a loser's, or an aborted attempt's). */
  deleteAttempt(id: Omit<SinkId, 'partitionCount'>): Promise<void>;
  /** Deletes every file of one exchange of a query (e.g. a stage's output no longer needed), in every base directory. */
  deleteExchange(queryId: string, exchangeId: string): Promise<void>;
  /** Deletes every file of a query, in every base directory. */
  deleteQuery(queryId: string): Promise<void>;
  /** The base directories, for diagnostics and cleanup tools. */
  readonly baseDirectories: readonly string[];
}
