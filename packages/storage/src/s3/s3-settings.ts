import { PropertyReader, QuarryError, type Properties } from '@quarry/common';
import { hideSecrets } from '../secrets.js';

/** How to reach S3 or an S3-compatible server: `exchange.s3.*` for the exchange, `lake.s3.*` for a lake. */
export interface S3Settings {
  /** `<prefix>.region`; without it `AWS_REGION`, or `us-east-1` when an endpoint is given. */
  readonly region: string;
  /** `<prefix>.endpoint`: an S3-compatible server instead of AWS (never with credentials in it). */
  readonly endpoint: string | undefined;
  /** `<prefix>.path-style-access`: `http://host/bucket/key` rather than `http://bucket.host/key`. */
  readonly pathStyleAccess: boolean;
  /**
   * `<prefix>.aws-access-key` and `<prefix>.aws-secret-key`, set together or not at all; when
   * absent the AWS SDK's default chain applies (`AWS_ACCESS_KEY_ID`…, profiles, instance roles).
   * Never shown: see {@link protectS3Settings}.
   */
  readonly awsAccessKey: string | undefined;
  readonly awsSecretKey: string | undefined;
  /** `<prefix>.max-error-retries`: retries of one request on throttling, 5xx, timeouts and resets. */
  readonly maxErrorRetries: number;
  /** Files above this size are uploaded in parts of this size (5 MB to 5 GB). */
  readonly uploadPartSize: number;
}

/** The properties {@link s3SettingsFromProperties} reads, after `<prefix>.`. */
export const S3_PROPERTY_SUFFIXES = [
  'region',
  'endpoint',
  'path-style-access',
  'aws-access-key',
  'aws-secret-key',
  'max-error-retries',
] as const;

export interface S3PropertiesOptions {
  /** The properties' common prefix: `exchange.s3`, `lake.s3`. */
  readonly prefix: string;
  /** The file the properties come from, for messages. */
  readonly source: string;
  /** What needs S3, for the message when no region is known: `S3 base directories`, `an S3 root`. */
  readonly usedFor: string;
  readonly uploadPartSize: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** The S3 settings under `<prefix>.*`, checked; credentials hidden from JSON and `inspect`. */
export function s3SettingsFromProperties(props: Properties, options: S3PropertiesOptions): S3Settings {
  const { prefix, source } = options;
  const env = options.env ?? process.env;
  const r = new PropertyReader(props, source);
  const endpoint = nonEmpty(props[`${prefix}.endpoint`]);
  if (endpoint !== undefined) checkEndpoint(endpoint, options);
  const region = nonEmpty(props[`${prefix}.region`]) ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (region === undefined && endpoint === undefined) {
    throw invalid(
      source,
      `${prefix}.region is required for ${options.usedFor} (or set AWS_REGION, or ${prefix}.endpoint for an S3-compatible server)`,
    );
  }
  if (region !== undefined && !/^[a-z0-9-]{1,32}$/.test(region)) {
    throw invalid(
      source,
      `${prefix}.region='${region}' is invalid: expected a region name such as us-east-1`,
    );
  }
  const accessKey = nonEmpty(props[`${prefix}.aws-access-key`]);
  const secretKey = nonEmpty(props[`${prefix}.aws-secret-key`]);
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    throw invalid(
      source,
      `${prefix}.aws-access-key and ${prefix}.aws-secret-key must be set together (or neither, for the AWS default credentials)`,
    );
  }
  return protectS3Settings({
    region: region ?? 'us-east-1',
    endpoint,
    pathStyleAccess: r.boolean(`${prefix}.path-style-access`, false),
    awsAccessKey: accessKey,
    awsSecretKey: secretKey,
    maxErrorRetries: r.int(`${prefix}.max-error-retries`, 10, 0),
    uploadPartSize: options.uploadPartSize,
  });
}

/** The settings as they may be shown: credentials replaced by `***`. */
export function redactS3Settings(s3: S3Settings): Record<string, unknown> {
  return {
    ...s3,
    awsAccessKey: s3.awsAccessKey === undefined ? undefined : '***',
    awsSecretKey: s3.awsSecretKey === undefined ? undefined : '***',
  };
}

/** A copy whose JSON and `util.inspect` forms hide the credentials. */
export function protectS3Settings(s3: S3Settings): S3Settings {
  const copy = { ...s3 };
  return hideSecrets(copy, () => redactS3Settings(copy));
}

/** How errors name the server: the endpoint's origin (never credentials), or AWS and the region. */
export function describeEndpoint(s3: Pick<S3Settings, 'endpoint' | 'region'>): string {
  if (s3.endpoint === undefined) return `AWS S3 (${s3.region})`;
  try {
    return new URL(s3.endpoint).origin;
  } catch {
    return 'the configured endpoint';
  }
}

function checkEndpoint(endpoint: string, options: S3PropertiesOptions): void {
  const { prefix, source } = options;
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url?.username || url?.password) {
    // Not echoed: the text holds credentials.
    throw invalid(
      source,
      `${prefix}.endpoint must not contain credentials; use ${prefix}.aws-access-key and ${prefix}.aws-secret-key`,
    );
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid(source, `${prefix}.endpoint='${endpoint}' is invalid: expected an http:// or https:// URL`);
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
}

function invalid(source: string, message: string): QuarryError {
  return new QuarryError('INVALID_CONFIGURATION', `${source}: ${message}`);
}
