import { setTimeout as sleep } from 'node:timers/promises';
import { QuarryError } from '@quarry/common';

/**
 * Retries of one S3 request, ours rather than the SDK's (the client is made with `maxAttempts: 1`)
 * so that a streamed read can resume where it broke off and every failure is reported the same way.
 * Retried: throttling (503 SlowDown, 429), other 5xx, request timeouts, and connection errors
 * (resets, refusals, timeouts, a socket closed mid-body). Backoff: full jitter over
 * `BASE_DELAY_MS × 2^n`, at most `MAX_DELAY_MS`.
 */
export const BASE_DELAY_MS = 50;
export const MAX_DELAY_MS = 5_000;

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
  'EAI_AGAIN',
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

export function isRetryable(e: unknown): boolean {
  if (e instanceof QuarryError) return false;
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

/** `op` until it succeeds, fails for good, or has failed `maxRetries + 1` times. */
export async function withRetries<T>(what: string, maxRetries: number, op: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (attempt >= maxRetries || !isRetryable(e)) throw s3Error(what, e, attempt + 1);
      await sleep(backoffMs(attempt));
    }
  }
}

/** `EXCHANGE_IO_ERROR` naming the operation and object, keeping the SDK's error as the cause. */
export function s3Error(what: string, e: unknown, attempts: number): QuarryError {
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
  return new QuarryError(
    'EXCHANGE_IO_ERROR',
    `S3 ${what} failed: ${detail || 'unknown error'}${facts ? ` (${facts})` : ''}`,
    {
      cause: e,
    },
  );
}
