import type { IncomingHttpHeaders } from 'node:http';

/** What a statement request says about its session, from Trino's `X-Trino-*` request headers. */
export interface RequestSession {
  /** `X-Trino-User` (the authenticated user when a password authenticator is configured). */
  readonly user: string | undefined;
  readonly catalog?: string;
  readonly schema?: string;
  /** `X-Trino-Session`: `name=value` pairs, values URL-decoded. */
  readonly properties: Readonly<Record<string, string>>;
  /** `X-Trino-Client-Tags`. */
  readonly clientTags: readonly string[];
  /** `X-Trino-Source`. */
  readonly source?: string;
}

/** A request header that cannot be read: answered 400 with this message, as Trino does. */
export class BadRequestHeader extends Error {}

const PROPERTY_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
/** As the submission schema bounds them (docs/PROTOCOL.md, SubmitRequest). */
const MAX_PROPERTIES = 256;
const MAX_VALUE_LENGTH = 4096;

export function requestSession(headers: IncomingHttpHeaders): RequestSession {
  const catalog = single(headers, 'x-trino-catalog');
  const schema = single(headers, 'x-trino-schema');
  const source = single(headers, 'x-trino-source');
  return {
    user: single(headers, 'x-trino-user'),
    ...(catalog ? { catalog } : {}),
    ...(schema ? { schema } : {}),
    properties: sessionProperties(all(headers, 'x-trino-session')),
    clientTags: clientTags(all(headers, 'x-trino-client-tags')),
    ...(source ? { source } : {}),
  };
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const value = Array.isArray(v) ? v[0] : v;
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Every value of a header that may repeat, split at commas. */
function all(headers: IncomingHttpHeaders, name: string): string[] {
  const v = headers[name];
  const values = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return values
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function sessionProperties(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new BadRequestHeader(`Invalid X-Trino-Session header: '${cut(pair)}' is not name=value`);
    const name = pair.slice(0, eq).trim();
    if (!PROPERTY_NAME.test(name))
      throw new BadRequestHeader(
        `Invalid X-Trino-Session header: session property name '${cut(name)}' is invalid`,
      );
    const value = decode(pair.slice(eq + 1).trim(), name);
    if (value.length > MAX_VALUE_LENGTH)
      throw new BadRequestHeader(
        `Invalid X-Trino-Session header: the value of ${name} exceeds ${MAX_VALUE_LENGTH} characters`,
      );
    out[name] = value;
  }
  if (Object.keys(out).length > MAX_PROPERTIES)
    throw new BadRequestHeader(
      `Invalid X-Trino-Session header: more than ${MAX_PROPERTIES} session properties`,
    );
  return out;
}

function decode(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequestHeader(
      `Invalid X-Trino-Session header: the value of ${name} is not URL-encoded text`,
    );
  }
}

function clientTags(tags: readonly string[]): string[] {
  if (tags.length > 64) throw new BadRequestHeader('Invalid X-Trino-Client-Tags header: more than 64 tags');
  for (const t of tags)
    if (t.length > 256)
      throw new BadRequestHeader(`Invalid X-Trino-Client-Tags header: tag '${cut(t)}' is too long`);
  return [...new Set(tags)];
}

const cut = (s: string) => (s.length > 64 ? `${s.slice(0, 64)}…` : s);
