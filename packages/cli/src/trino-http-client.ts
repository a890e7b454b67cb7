import { QuarryError, type ErrorData, type ErrorType } from '@quarry/common';
import type { QueryEvent, ResultColumn } from '@quarry/protocol';
import type { ShellClient, ShellHandle, ShellPage } from './shell/runner.js';

/** Where and as whom the CLI talks Trino's HTTP client protocol. */
export interface TrinoHttpOptions {
  /** `http(s)://host:port` of a coordinator (or any Trino server). */
  readonly server: string;
  /** `X-Trino-User`. */
  readonly user: string;
  /** With a password authenticator: sent as HTTP Basic (Trino refuses it over plain HTTP). */
  readonly password?: string;
}

interface TrinoResponse {
  readonly id?: string;
  readonly nextUri?: string;
  readonly columns?: readonly ResultColumn[];
  readonly data?: readonly (readonly unknown[])[];
  readonly error?: {
    readonly message?: string;
    readonly errorName?: string;
    readonly errorType?: string;
    readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
  };
}

/** A server's answer to a `nextUri` that is busy: wait this long and ask again. */
const BUSY_RETRY_MS = 100;

/**
 * The CLI's client of Trino's HTTP protocol (`quarry --server http(s)://…`): `POST /v1/statement`,
 * then `nextUri` until there is none; `DELETE` on it cancels. Plain `fetch`, so a client command
 * loads nothing more. HTTPS trusts the system's CAs and `NODE_EXTRA_CA_CERTS`.
 */
export class TrinoHttpClient implements ShellClient {
  readonly serverNamesQueries = true;

  constructor(private readonly o: TrinoHttpOptions) {
    if (!/^https?:\/\/[^/]+/.test(o.server))
      throw new QuarryError('INVALID_ARGUMENTS', `--server: '${o.server}' is not an http(s)://host:port URL`);
  }

  async submit(sql: string, options: { session: Readonly<Record<string, unknown>> }): Promise<ShellHandle> {
    const first = await this.call(`${this.o.server.replace(/\/+$/, '')}/v1/statement`, {
      method: 'POST',
      body: sql,
      headers: sessionHeaders(options.session),
    });
    return new HttpStatement(this, first);
  }

  async query(sql: string): Promise<{ rows: readonly (readonly unknown[])[] }> {
    const handle = await this.submit(sql, { session: {} });
    try {
      for await (const e of handle.events()) if (e.type === 'FAILED') throw QuarryError.fromData(e.error);
      return { rows: (await handle.result()).rows };
    } finally {
      handle.close();
    }
  }

  capabilityOf(): string | undefined {
    return undefined;
  }

  async close(): Promise<void> {}

  /** One request of the protocol, with the user and credentials; a busy answer is asked again. */
  async call(
    url: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<TrinoResponse> {
    const headers: Record<string, string> = {
      'X-Trino-User': this.o.user,
      'X-Trino-Source': 'quarry-cli',
      ...(this.o.password !== undefined
        ? { Authorization: `Basic ${Buffer.from(`${this.o.user}:${this.o.password}`).toString('base64')}` }
        : {}),
      ...init.headers,
    };
    for (;;) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: init.method ?? 'GET',
          headers,
          ...(init.body !== undefined ? { body: init.body } : {}),
        });
      } catch (e) {
        throw unreachable(url, e);
      }
      if (res.status === 503 || res.status === 429) {
        await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
        continue;
      }
      const text = await res.text();
      if (res.status === 204 || (res.ok && init.method === 'DELETE')) return {};
      if (!res.ok) throw httpError(res.status, text);
      return JSON.parse(text) as TrinoResponse;
    }
  }
}

/** A statement being run: its responses followed up to the columns (events), then through the data (rows). */
class HttpStatement implements ShellHandle {
  private current: TrinoResponse;
  private closed = false;

  constructor(
    private readonly client: TrinoHttpClient,
    first: TrinoResponse,
  ) {
    this.current = first;
  }

  get queryId(): string {
    return this.current.id ?? '';
  }

  /** Follows the statement until its columns are known or it ended; a failure is one FAILED event. */
  async *events(): AsyncIterable<QueryEvent> {
    while (!this.current.error && !this.current.columns && this.current.nextUri && !this.closed)
      this.current = await this.client.call(this.current.nextUri);
    if (this.current.error) yield failedEvent(this.queryId, this.current);
  }

  async *rows(): AsyncIterable<ShellPage> {
    for (;;) {
      const page = this.current;
      if (page.error) throw QuarryError.fromData(errorOf(page));
      if (page.data?.length) yield { columns: page.columns ?? [], rows: page.data };
      if (!page.nextUri || this.closed) return;
      this.current = await this.client.call(page.nextUri);
    }
  }

  async result(): Promise<ShellPage> {
    const rows: (readonly unknown[])[] = [];
    for await (const page of this.rows()) rows.push(...page.rows);
    return { columns: this.current.columns ?? [], rows };
  }

  async cancel(): Promise<void> {
    const next = this.current.nextUri;
    if (next) await this.client.call(next, { method: 'DELETE' });
  }

  close(): void {
    this.closed = true;
  }
}

/** `X-Trino-Catalog`, `X-Trino-Schema` and `X-Trino-Session` of the shell's session. */
function sessionHeaders(session: Readonly<Record<string, unknown>>): Record<string, string> {
  const { catalog, schema, ...properties } = session;
  const pairs = Object.entries(properties).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return {
    ...(catalog !== undefined ? { 'X-Trino-Catalog': String(catalog) } : {}),
    ...(schema !== undefined ? { 'X-Trino-Schema': String(schema) } : {}),
    ...(pairs.length ? { 'X-Trino-Session': pairs.join(',') } : {}),
  };
}

const ERROR_TYPES: readonly ErrorType[] = [
  'USER_ERROR',
  'INTERNAL_ERROR',
  'INSUFFICIENT_RESOURCES',
  'EXTERNAL',
];

/** A Trino error (errorName, errorType, errorLocation) as quarry's error data. */
function errorOf(r: TrinoResponse): ErrorData {
  const e = r.error ?? {};
  const type = ERROR_TYPES.find((t) => t === e.errorType) ?? 'EXTERNAL';
  const code =
    e.errorName && /^[A-Z][A-Z0-9_]{0,63}$/.test(e.errorName) ? e.errorName : 'GENERIC_INTERNAL_ERROR';
  const where = e.errorLocation;
  return {
    code,
    type,
    message: e.message ?? 'the server reported an error without a message',
    ...(where ? { location: { line: where.lineNumber, column: where.columnNumber } } : {}),
  };
}

function failedEvent(queryId: string, r: TrinoResponse): QueryEvent {
  return {
    type: 'FAILED',
    queryId: queryId || 'unknown',
    seq: 1,
    time: Date.now(),
    error: errorOf(r),
    elapsedMs: 0,
  };
}

function httpError(status: number, text: string): QuarryError {
  const body = text.trim().slice(0, 500);
  if (status === 401)
    return new QuarryError(
      'ACCESS_DENIED',
      `the server wants credentials (401): give --password-file or $TRINO_PASSWORD${body ? `: ${body}` : ''}`,
    );
  if (status === 403) return new QuarryError('ACCESS_DENIED', `refused (403)${body ? `: ${body}` : ''}`);
  return new QuarryError('MESSAGING_ERROR', `the server answered ${status}${body ? `: ${body}` : ''}`);
}

/** A request that got no answer: why, and for an untrusted certificate where to add the CA. */
function unreachable(url: string, e: unknown): QuarryError {
  const cause = (e as Error).cause;
  const why = cause instanceof Error ? cause.message : String(cause ?? (e as Error).message);
  const tls = /certificate|self.signed|CERT_/i.test(why)
    ? ' (a private CA: put its certificate in NODE_EXTRA_CA_CERTS)'
    : '';
  return new QuarryError('MESSAGING_ERROR', `cannot reach ${new URL(url).origin}: ${why}${tls}`);
}
