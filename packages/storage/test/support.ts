import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startS3, type TestS3 } from '@quarry/testkit';
import { LocalStorage, S3Storage, type ObjectStorage, type S3Settings } from '../src/index.js';

/** One backend as the contract suite sees it. */
export interface StorageBackend {
  readonly name: string;
  readonly storage: ObjectStorage;
  /** A fresh, empty directory URI for one test. */
  freshDir(): string;
  /** Whether a second exclusive create of a name sees the first (s3rver ignores If-None-Match). */
  readonly honoursExclusiveCreate: boolean;
  close(): Promise<void>;
}

/** `syncIo`: the synchronous file I/O task threads use (the default off the main thread). */
export function localStorageBackend(syncIo = false): StorageBackend {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-storage-'));
  const storage = new LocalStorage(syncIo);
  let n = 0;
  return {
    name: syncIo ? 'local directory, synchronous I/O' : 'local directory',
    storage,
    freshDir: () => pathToFileURL(join(dir, `t${n++}`)).href,
    honoursExclusiveCreate: true,
    close: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** S3 settings for a test server; `overrides` to break them on purpose. */
export function s3Settings(s3: TestS3, overrides: Partial<S3Settings> = {}): S3Settings {
  return {
    region: s3.region,
    endpoint: s3.endpoint,
    pathStyleAccess: true,
    awsAccessKey: s3.accessKey,
    awsSecretKey: s3.secretKey,
    maxErrorRetries: 3,
    uploadPartSize: 5 * 1024 * 1024,
    ...overrides,
  };
}

/** A bucket of a real s3rver started for the suite; each test gets its own key prefix. */
export async function s3StorageBackend(): Promise<StorageBackend & { s3: TestS3 }> {
  const s3 = await startS3({ buckets: ['quarry-storage'] });
  const storage = S3Storage.fromSettings(s3Settings(s3));
  let n = 0;
  return {
    name: 'S3 (s3rver)',
    s3,
    storage,
    freshDir: () => `s3://quarry-storage/t${n++}`,
    honoursExclusiveCreate: false,
    close: async () => {
      await storage.close();
      await s3.stop();
    },
  };
}
