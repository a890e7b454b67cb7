/**
 * One error class for the whole engine. Every error has a stable `code` and a `type`; the type
 * decides whether the scheduler may retry the work that raised it (USER_ERROR never is).
 * Errors cross NATS as {@link ErrorData} and are rebuilt as the same class on the other side.
 */

export type ErrorType = 'USER_ERROR' | 'INTERNAL_ERROR' | 'INSUFFICIENT_RESOURCES' | 'EXTERNAL';

/** The code table: every code the engine raises, and its type. */
export const ERROR_CODES = {
  // submission and session
  INVALID_SUBMISSION: 'USER_ERROR',
  QUERY_TEXT_TOO_LARGE: 'USER_ERROR',
  INVALID_SESSION_PROPERTY: 'USER_ERROR',
  USER_CANCELED: 'USER_ERROR',
  QUERY_NOT_FOUND: 'USER_ERROR',
  INVALID_CONFIGURATION: 'USER_ERROR',
  EXCHANGE_MANAGER_NOT_CONFIGURED: 'USER_ERROR',
  // messages on NATS: malformed (fails its schema), or not signed by a cluster member
  INVALID_MESSAGE: 'USER_ERROR',
  UNAUTHENTICATED_MESSAGE: 'USER_ERROR',
  // a client asked for a query it did not submit and holds no capability for
  ACCESS_DENIED: 'USER_ERROR',
  // SQL text and meaning
  SYNTAX_ERROR: 'USER_ERROR',
  NOT_SUPPORTED: 'USER_ERROR',
  CATALOG_NOT_FOUND: 'USER_ERROR',
  SCHEMA_NOT_FOUND: 'USER_ERROR',
  TABLE_NOT_FOUND: 'USER_ERROR',
  // views: stored SQL that no longer parses or plans, a view naming itself, columns that changed
  INVALID_VIEW: 'USER_ERROR',
  VIEW_IS_RECURSIVE: 'USER_ERROR',
  VIEW_IS_STALE: 'USER_ERROR',
  COLUMN_NOT_FOUND: 'USER_ERROR',
  AMBIGUOUS_NAME: 'USER_ERROR',
  FUNCTION_NOT_FOUND: 'USER_ERROR',
  PROCEDURE_NOT_FOUND: 'USER_ERROR',
  TYPE_MISMATCH: 'USER_ERROR',
  EXPRESSION_NOT_AGGREGATE: 'USER_ERROR',
  NESTED_AGGREGATION: 'USER_ERROR',
  INVALID_ARGUMENTS: 'USER_ERROR',
  INVALID_LITERAL: 'USER_ERROR',
  INVALID_COLUMN_REFERENCE: 'USER_ERROR',
  NULL_TREATMENT_NOT_ALLOWED: 'USER_ERROR',
  ALREADY_EXISTS: 'USER_ERROR',
  SCHEMA_NOT_EMPTY: 'USER_ERROR',
  NOT_SUPPORTED_WITH_RETRIES: 'USER_ERROR',
  CONSTRAINT_VIOLATION: 'USER_ERROR',
  MERGE_TARGET_ROW_MULTIPLE_MATCHES: 'USER_ERROR',
  // WITH RECURSIVE: a query that refers to itself where it may not, has no column list, nests
  INVALID_RECURSIVE_REFERENCE: 'USER_ERROR',
  MISSING_COLUMN_ALIASES: 'USER_ERROR',
  NESTED_RECURSIVE: 'USER_ERROR',
  INVALID_LIMIT_CLAUSE: 'USER_ERROR',
  // evaluation
  DIVISION_BY_ZERO: 'USER_ERROR',
  NUMERIC_VALUE_OUT_OF_RANGE: 'USER_ERROR',
  INVALID_CAST_ARGUMENT: 'USER_ERROR',
  INVALID_FUNCTION_ARGUMENT: 'USER_ERROR',
  // limits on what a query may compute or how complex it may be
  EXCEEDED_FUNCTION_MEMORY_LIMIT: 'USER_ERROR',
  QUERY_TOO_COMPLEX: 'USER_ERROR',
  EXCEEDED_TIME_LIMIT: 'USER_ERROR',
  QUERY_QUEUE_FULL: 'INSUFFICIENT_RESOURCES',
  // resources
  NO_NODES_AVAILABLE: 'INSUFFICIENT_RESOURCES',
  EXCEEDED_LOCAL_MEMORY_LIMIT: 'INSUFFICIENT_RESOURCES',
  /** Spill files of a node or of a query on a node past `max-spill-per-node` / `query-max-spill-per-node`. */
  EXCEEDED_SPILL_LIMIT: 'INSUFFICIENT_RESOURCES',
  // the world outside the process
  REMOTE_HOST_GONE: 'EXTERNAL',
  MESSAGING_ERROR: 'EXTERNAL',
  ATTEMPT_STORE_ERROR: 'EXTERNAL',
  EXCHANGE_IO_ERROR: 'EXTERNAL',
  EXCHANGE_CORRUPTED: 'EXTERNAL',
  /** Object storage that will not heal by retrying: unknown host, access denied, no such bucket. */
  STORAGE_UNAVAILABLE: 'EXTERNAL',
  TASK_TIMEOUT: 'EXTERNAL',
  /** Another attempt of the same task (speculative, or the one it backed up) finished first. */
  ATTEMPT_SUPERSEDED: 'EXTERNAL',
  /** A worker's local spill files could not be written or read (a full or failing disk). */
  SPILL_IO_ERROR: 'EXTERNAL',
  /** No coordinator answered a client for its `query.client.timeout` (none leads, or none is reachable). */
  COORDINATOR_UNAVAILABLE: 'EXTERNAL',
  /** A command or a Redis transition of a coordinator that no longer leads (its epoch is older than the lease's). */
  STALE_EPOCH: 'EXTERNAL',
  /**
   * A row-level write (DELETE, UPDATE) whose table was changed meanwhile by another write that
   * replaced files it read: nothing was committed; running the statement again reads the new version.
   */
  TRANSACTION_CONFLICT: 'EXTERNAL',
  // bugs
  GENERIC_INTERNAL_ERROR: 'INTERNAL_ERROR',
  // failure injection (tests and chaos drills), one code per error type
  INJECTED_USER_ERROR: 'USER_ERROR',
  INJECTED_INTERNAL_ERROR: 'INTERNAL_ERROR',
  INJECTED_EXTERNAL_ERROR: 'EXTERNAL',
  INJECTED_INSUFFICIENT_RESOURCES: 'INSUFFICIENT_RESOURCES',
} as const satisfies Record<string, ErrorType>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A position in SQL text, 1-based as editors show it. */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

/** How an error travels between processes. */
export interface ErrorData {
  readonly code: string;
  readonly type: ErrorType;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly stack?: string;
}

export interface QuarryErrorOptions {
  readonly cause?: unknown;
  readonly location?: SourceLocation;
}

export class QuarryError extends Error {
  override readonly name = 'QuarryError';
  readonly code: ErrorCode;
  readonly type: ErrorType;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: QuarryErrorOptions = {}) {
    super(
      options.location ? `line ${options.location.line}:${options.location.column}: ${message}` : message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.type = ERROR_CODES[code];
    this.location = options.location;
  }

  get retryable(): boolean {
    return this.type !== 'USER_ERROR';
  }

  toData(): ErrorData {
    return {
      code: this.code,
      type: this.type,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.stack ? { stack: this.stack } : {}),
    };
  }

  /** Rebuilds an error that crossed a process boundary. Unknown codes keep their message as internal errors. */
  static fromData(data: ErrorData): QuarryError {
    const code: ErrorCode = isErrorCode(data.code) ? data.code : 'GENERIC_INTERNAL_ERROR';
    const err = new QuarryError(code, data.message);
    // The message already carries the location prefix; keep the structured location without re-prefixing.
    Object.assign(err, { location: data.location });
    if (data.stack) err.stack = data.stack;
    return err;
  }

  /** Anything thrown becomes a QuarryError; foreign errors are internal errors that keep their cause. */
  static wrap(e: unknown, code: ErrorCode = 'GENERIC_INTERNAL_ERROR'): QuarryError {
    if (e instanceof QuarryError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new QuarryError(code, message, { cause: e });
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

export function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && typeof v['message'] === 'string' && typeof v['type'] === 'string';
}

/** For invariants: reaching this is a bug in quarry, not in the query. */
export function internalError(message: string, cause?: unknown): QuarryError {
  return new QuarryError('GENERIC_INTERNAL_ERROR', `${message} (this is a bug in quarry)`, { cause });
}
