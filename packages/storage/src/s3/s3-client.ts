import { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './s3-settings.js';

/** Connection setup shared by every request of one storage instance. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** A socket silent this long is a timeout (retried). */
export const SOCKET_TIMEOUT_MS = 30_000;
export const MAX_SOCKETS = 64;

/**
 * The SDK client for the settings. Retries are ours (`retry.ts`), so the SDK makes one attempt.
 * Checksums are the callers' own (the exchange's CRC-32 per frame, Parquet's sizes; sizes checked
 * on read), so the SDK adds none where S3 does not require one. Credentials, when configured, go to the SDK only; otherwise
 * its default chain applies (environment, profile, instance role).
 */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.pathStyleAccess,
    ...(settings.awsAccessKey && settings.awsSecretKey
      ? { credentials: { accessKeyId: settings.awsAccessKey, secretAccessKey: settings.awsSecretKey } }
      : {}),
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
      httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS },
    },
  });
}
