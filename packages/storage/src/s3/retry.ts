import { setTimeout as sleep } from 'node:timers/promises';
import { QuarryError } from '@quarry/common';

/**
 * Retries of one S3 request, ours rather than the SDK's (the client is made with `maxAttempts: 1`)
 * so that a streamed read can resume where it broke off and every failure is reported the same way.
 * Retried: throttling (503 SlowDown, 429), other 5xx, request timeouts, and connection errors
 * (resets, refusals, timeouts, a socket closed mid-body). Backoff: full jitter over
 * `BASE_DELAY_MS × 2^n`, at most `MAX_DELAY_MS`.
 *
 * Never retried, and reported as `STORAGE_UNAVAILABLE`: what no retry can heal — a bucket that does
 * not exist, access denied, unknown or wrong credentials, an endpoint host name that does not
 * resolve. Retrying those for minutes (10 retries of backoff, per request, per task attempt) only
 * hides a configuration error; they fail at once, naming the bucket and the endpoint.
 */
export const BASE_DELAY_MS = 50;
export const MAX_DELAY_MS = 5_000;

const UNAVAILABLE_NAMES = new Set([
  'NoSuchBucket',
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidBucketName',
]);
const UNAVAILABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TimeoutError',
]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Whether an SDK error says the storage cannot be used at all (see above). */
export function isUnavailable(e: unknown): boolean {
  if (e instanceof QuarryError) return e.code === 'STORAGE_UNAVAILABLE';
  const err = (e ?? {}) as SdkError;
  if (err.name !== undefined && UNAVAILABLE_NAMES.has(err.name)) return true;
  if (err.code !== undefined && UNAVAILABLE_CODES.has(err.code)) return true;
  return /\b(ENOTFOUND|EAI_AGAIN)\b/.test(err.message ?? '');
}

export function isRetryable(e: unknown): boolean {
  if (e instanceof QuarryError || isUnavailable(e)) return false;
  const err = (e ?? {}) as SdkError;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (err.name !== undefined && RETRYABLE_NAMES.has(err.name)) return true;
  if (err.code !== undefined && RETRYABLE_CODES.has(err.code)) return true;
  if (err.$retryable) return true;
  return /socket hang up|premature close|ECONNRESET/i.test(err.message ?? '');
}

export function backoffMs(retry: number): number {
  return Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry);
}

/** One S3 request as errors name it. */
export interface RequestContext {
  /** The operation and object: `GetObject s3://bucket/key`. */
  readonly what: string;
  readonly maxRetries: number;
  /** The server, as {@link describeEndpoint} shows it. */
  readonly endpoint: string;
}

/** `op` until it succeeds, fails for good, or has failed `maxRetries + 1` times. */
export async function withRetries<T>(request: RequestContext, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (attempt >= request.maxRetries || !isRetryable(e)) throw s3Error(request, e, attempt + 1);
      await sleep(backoffMs(attempt));
    }
  }
}

/**
 * The `QuarryError` for a failed request, keeping the SDK's error as the cause: `STORAGE_UNAVAILABLE`
 * naming the endpoint for what cannot heal, `EXCHANGE_IO_ERROR` otherwise. The operation names the
 * bucket and key; credentials never appear (the SDK's messages do not carry them, and the endpoint
 * is shown as its origin).
 */
export function s3Error(request: RequestContext, e: unknown, attempts: number): QuarryError {
  if (e instanceof QuarryError) return e;
  const err = (e ?? {}) as SdkError;
  const status = err.$metadata?.httpStatusCode;
  const detail = [err.name ?? err.code, err.message].filter((x) => x && x !== 'UnknownError').join(': ');
  const facts = [
    status === undefined ? undefined : `HTTP ${status}`,
    attempts > 1 ? `${attempts} attempts` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
  const message = `S3 ${request.what} failed: ${detail || 'unknown error'}${facts ? ` (${facts})` : ''}`;
  if (isUnavailable(e)) {
    return new QuarryError(
      'STORAGE_UNAVAILABLE',
      `${message}; storage at ${request.endpoint} is unavailable: not retried`,
      { cause: e },
    );
  }
  return new QuarryError('EXCHANGE_IO_ERROR', message, { cause: e });
}
