import { QuarryError } from '@quarry/common';

/**
 * A producer's file that a consumer cannot read: gone (deleted, a lost disk or bucket object) or
 * corrupt (truncated, checksum or decryption failure). It keeps the original error's code and names
 * the file, so that the coordinator can run the producer task again instead of retrying the consumer
 * against the same bad file.
 */
export class LostInputError extends QuarryError {
  constructor(
    readonly uri: string,
    cause: QuarryError,
  ) {
    super(cause.code as ConstructorParameters<typeof QuarryError>[0], cause.message, { cause });
  }
}

/** Whether an error reading a file says the file is missing or corrupt (not a passing outage). */
export function isLostFile(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x && depth < 8; x = (x as { cause?: unknown }).cause, depth++) {
    const err = x as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: number } };
    if (err.code === 'EXCHANGE_CORRUPTED' || err.code === 'ENOENT') return true;
    if (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404)
      return true;
  }
  return false;
}

/** The file a failed task could not read, when its error says so. */
export function lostInputOf(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x && depth < 8; x = (x as { cause?: unknown }).cause, depth++)
    if (x instanceof LostInputError) return x.uri;
  return undefined;
}
