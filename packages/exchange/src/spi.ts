/**
 * The exchange SPI. A stage's tasks write their output through a sink, one per task attempt; the
 * next stage's tasks read the files of the winning attempts only. The exchange knows nothing of SQL:
 * a "page" here is an opaque byte string (the engine's serialized columnar page).
 *
 * Retries are deduplicated by construction: every attempt writes under its own directory
 * (`<query>/<exchange>/<task>.<attempt>/`), the coordinator records which attempt won, and readers
 * are handed the winners' {@link ExchangeFile}s — nothing is ever discovered by listing.
 */
import type { CompressionCodec } from './config.js';

/** One file a sink wrote: all pages of one output partition (or a part of them, after rollover). */
export interface ExchangeFile {
  readonly uri: string;
  readonly partition: number;
  /** The file's size; the reader checks it. */
  readonly bytes: number;
  /** Pages in the file; the reader checks it. */
  readonly pages: number;
  /**
   * The file's bytes, when the sink kept them inline instead of writing the file (a tiny output,
   * see {@link SinkOptions.inlineMaxBytes}): nothing is stored at `uri`, and readers read these —
   * the same format, checked the same way. Whoever records the winner keeps them with it.
   */
  readonly data?: Uint8Array;
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

export interface SinkOptions {
  /**
   * The query's AES-256 key (32 bytes, from `generateExchangeKey`): every page is encrypted with
   * it. Absent: pages are stored in the clear. The key is never written to storage.
   */
  readonly secretKey?: Uint8Array | undefined;
  /** Compression of every page; default the configuration's `exchange.compression-codec`, else NONE. */
  readonly codec?: CompressionCodec | undefined;
  /**
   * When the attempt's whole output (all files, headers included) is at most this many bytes, it
   * is returned inline (`ExchangeFile.data`) and nothing is written to storage. Default 0: never.
   */
  readonly inlineMaxBytes?: number | undefined;
}

export interface ReadOptions {
  /**
   * The query whose files these are. Every file must lie in that query's directory under one of
   * the base directories ({@link ExchangeManager.ownsFile}), or nothing is read (`ACCESS_DENIED`):
   * file lists arrive in messages, and a forged one must not make a reader open anything else.
   */
  readonly queryId: string;
  /**
   * The key the files were written with. Required for encrypted files (INVALID_CONFIGURATION
   * without it); given for a file that is not encrypted, the file is refused (EXCHANGE_CORRUPTED).
   */
  readonly secretKey?: Uint8Array | undefined;
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

/** What `gc` removed. */
export interface GcReport {
  readonly removed: readonly {
    readonly queryId: string;
    /** Newest modification among the query's files, over all base directories. */
    readonly newest: Date;
    readonly files: number;
    readonly bytes: number;
  }[];
  /** Queries seen with a file younger than the age limit, left alone. */
  readonly kept: number;
}

export interface ExchangeManager {
  createSink(id: SinkId, options?: SinkOptions): ExchangeSink;
  /**
   * Pages of the given files, in file order and page order within a file. Each file is checked
   * against its `bytes` and `pages`, and first of all against `options.queryId` (see
   * {@link ReadOptions.queryId}). Ending the iteration early releases the open file.
   */
  read(files: readonly ExchangeFile[], options: ReadOptions): AsyncIterable<Uint8Array>;
  /**
   * Whether `uri` is a finished file of the query laid out by this exchange under one of its base
   * directories. Robust to `..`, percent-encoding, other schemes, buckets and hosts: the URI is
   * compared, segment by segment, with what the exchange itself would write.
   */
  ownsFile(queryId: string, uri: unknown): boolean;
  /**
   * Checks every base directory once (see `@quarry/storage`'s `checkDirectory`): for the
   * coordinator and workers at start, so a missing bucket, wrong credentials or an unknown endpoint
   * host stops the process at once with `STORAGE_UNAVAILABLE` naming the bucket.
   */
  checkBaseDirectories(): Promise<void>;
  /**
   * Deletes one task attempt's output (a loser's, or an aborted attempt's). This and the other
   * deletes build their directories from the ids through `pathSegment`: an id holding `..`, `/` or
   * the like is refused (`INVALID_ARGUMENTS`) before anything is listed or deleted.
   */
  deleteAttempt(id: Omit<SinkId, 'partitionCount'>): Promise<void>;
  /** Deletes every file of one exchange of a query (e.g. a stage's output no longer needed), in every base directory. */
  deleteExchange(queryId: string, exchangeId: string): Promise<void>;
  /** Deletes every file of a query, in every base directory. */
  deleteQuery(queryId: string): Promise<void>;
  /**
   * Removes what crashed processes left behind (`quarry exchange gc --older-than 24h`): every
   * query whose newest file, over all base directories, is older than `olderThanMs` is deleted
   * whole. Files not laid out by the exchange are never touched. Safe beside running queries
   * while `olderThanMs` exceeds the longest a query may go without finishing a file — to be sure,
   * its longest run time. `now` (ms since the epoch) is for tests.
   */
  gc(olderThanMs: number, options?: { now?: number }): Promise<GcReport>;
  /** Releases storage connections; the manager is unusable afterwards. */
  close(): Promise<void>;
  /** The base directories, for diagnostics and cleanup tools. */
  readonly baseDirectories: readonly string[];
}
