import type { ErrorData, ErrorType } from '@quarry/common';

/**
 * Trino's numbers for the error names quarry shares with it (`StandardErrorCode`), so that a Trino
 * client sees the code it knows.
 */
const TRINO_CODES: Readonly<Record<string, number>> = {
  GENERIC_USER_ERROR: 0,
  SYNTAX_ERROR: 1,
  USER_CANCELED: 3,
  FUNCTION_NOT_FOUND: 6,
  INVALID_FUNCTION_ARGUMENT: 7,
  DIVISION_BY_ZERO: 8,
  INVALID_CAST_ARGUMENT: 9,
  ALREADY_EXISTS: 12,
  NOT_SUPPORTED: 13,
  INVALID_SESSION_PROPERTY: 14,
  CONSTRAINT_VIOLATION: 16,
  NUMERIC_VALUE_OUT_OF_RANGE: 19,
  PROCEDURE_NOT_FOUND: 29,
  SCHEMA_NOT_EMPTY: 34,
  QUERY_TEXT_TOO_LARGE: 35,
  EXCEEDED_FUNCTION_MEMORY_LIMIT: 37,
  CATALOG_NOT_FOUND: 44,
  SCHEMA_NOT_FOUND: 45,
  TABLE_NOT_FOUND: 46,
  COLUMN_NOT_FOUND: 47,
  TYPE_MISMATCH: 58,
  INVALID_LITERAL: 59,
  AMBIGUOUS_NAME: 62,
  INVALID_COLUMN_REFERENCE: 63,
  NESTED_AGGREGATION: 67,
  EXPRESSION_NOT_AGGREGATE: 73,
  INVALID_ARGUMENTS: 76,
  NULL_TREATMENT_NOT_ALLOWED: 83,
  GENERIC_INTERNAL_ERROR: 65536,
  NO_NODES_AVAILABLE: 65541,
  REMOTE_HOST_GONE: 65558,
  GENERIC_INSUFFICIENT_RESOURCES: 131072,
  QUERY_QUEUE_FULL: 131074,
  EXCEEDED_TIME_LIMIT: 131075,
  EXCEEDED_SPILL_LIMIT: 131078,
  EXCEEDED_LOCAL_MEMORY_LIMIT: 131079,
};

/**
 * quarry's own error names, with numbers of their own above Trino's standard ranges (Trino leaves
 * 0x0100_0000 and up to connectors). Append only: a number, once given, never changes.
 */
const QUARRY_CODES: readonly string[] = [
  'INVALID_SUBMISSION',
  'QUERY_NOT_FOUND',
  'INVALID_CONFIGURATION',
  'EXCHANGE_MANAGER_NOT_CONFIGURED',
  'INVALID_MESSAGE',
  'UNAUTHENTICATED_MESSAGE',
  'ACCESS_DENIED',
  'NOT_SUPPORTED_WITH_RETRIES',
  'QUERY_TOO_COMPLEX',
  'MESSAGING_ERROR',
  'ATTEMPT_STORE_ERROR',
  'EXCHANGE_IO_ERROR',
  'EXCHANGE_CORRUPTED',
  'STORAGE_UNAVAILABLE',
  'TASK_TIMEOUT',
  'SPILL_IO_ERROR',
  'COORDINATOR_UNAVAILABLE',
  'STALE_EPOCH',
  'INJECTED_USER_ERROR',
  'INJECTED_INTERNAL_ERROR',
  'INJECTED_EXTERNAL_ERROR',
  'INJECTED_INSUFFICIENT_RESOURCES',
];
const QUARRY_CODE_BASE = 0x0a00_0000;

/** The number of a code of unknown name: Trino's generic code of its type. */
const GENERIC_BY_TYPE: Readonly<Record<ErrorType, number>> = {
  USER_ERROR: 0,
  INTERNAL_ERROR: 65536,
  INSUFFICIENT_RESOURCES: 131072,
  EXTERNAL: 0x0003_0000,
};

/** Trino's `errorCode` for a quarry error name. */
export function trinoErrorCode(name: string, type: ErrorType): number {
  const trino = TRINO_CODES[name];
  if (trino !== undefined) return trino;
  const own = QUARRY_CODES.indexOf(name);
  return own >= 0 ? QUARRY_CODE_BASE + own : GENERIC_BY_TYPE[type];
}

/** `error` of a QueryResults, as Trino sends it (`QueryError` with its `failureInfo`). */
export interface TrinoQueryError {
  readonly message: string;
  readonly errorCode: number;
  readonly errorName: string;
  readonly errorType: ErrorType;
  readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
  readonly failureInfo: {
    readonly type: string;
    readonly message: string;
    readonly suppressed: readonly unknown[];
    readonly stack: readonly string[];
    readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
  };
}

export function trinoError(error: ErrorData): TrinoQueryError {
  const location = error.location
    ? { errorLocation: { lineNumber: error.location.line, columnNumber: error.location.column } }
    : {};
  return {
    message: error.message,
    errorCode: trinoErrorCode(error.code, error.type),
    errorName: error.code,
    errorType: error.type,
    ...location,
    failureInfo: {
      type: `quarry.${error.code}`,
      message: error.message,
      suppressed: [],
      stack: [],
      ...location,
    },
  };
}
