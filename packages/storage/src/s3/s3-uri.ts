import { internalError } from '@quarry/common';

/** `s3://bucket/a/b` → bucket `bucket`, key `a/b`; a bucket's root has the key ''. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export function parseS3Uri(uri: string): S3Location {
  if (!uri.startsWith('s3://')) throw internalError(`'${uri}' is not an s3:// URI`);
  const rest = uri.slice(5);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The listing prefix of everything under a directory. */
export function dirPrefix(dir: S3Location): string {
  return dir.key === '' ? '' : `${dir.key}/`;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
