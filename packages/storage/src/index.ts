export * from './storage.js';
export { pathSegment, isPathSegment, MAX_SEGMENT_LENGTH } from './path-segment.js';
export { hideSecrets } from './secrets.js';
export {
  s3SettingsFromProperties,
  redactS3Settings,
  protectS3Settings,
  describeEndpoint,
  S3_PROPERTY_SUFFIXES,
  type S3Settings,
  type S3PropertiesOptions,
} from './s3/s3-settings.js';
export { LocalStorage, toPath } from './local/local-storage.js';
export { S3Storage } from './s3/s3-storage.js';
export { createS3Client } from './s3/s3-client.js';

import { LocalStorage } from './local/local-storage.js';
import { S3Storage } from './s3/s3-storage.js';
import type { S3Settings } from './s3/s3-settings.js';
import type { ObjectStorage } from './storage.js';

/** S3 storage with these settings, or local directories when there are none. */
export function createStorage(s3: S3Settings | undefined): ObjectStorage {
  return s3 ? S3Storage.fromSettings(s3) : new LocalStorage();
}
