import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { QuarryError, type Logger } from '@quarry/common';
import type { QuarryClient } from '@quarry/client';
import type { TlsFiles, TrinoHttpConfig } from './config.js';
import { PasswordFile } from './password-file.js';
import { BadRequestHeader, requestSession } from './request-session.js';
import { Slugs } from './slug.js';
import { StatementService, type Caller, type Phase, type Reply } from './statement-service.js';
import { QueryBoard } from './ui/board.js';
import { Plans } from './ui/plans.js';
import { StaticFiles } from './ui/static-files.js';
import { UiApi } from './ui/ui-api.js';
import { WorkerGauges } from './ui/worker-gauges.js';

export interface TrinoHttpServerOptions {
  readonly config: TrinoHttpConfig;
  /** The NATS client the gateway submits through (it owns it from then on and closes it). */
  readonly client: QuarryClient;
  /** The cluster's `internal-communication.shared-secret`: keys the URIs every coordinator can read. */
  readonly sharedSecret?: string;
  readonly logger: Logger;
  /** Longest SQL text accepted (`query.max-length`); the body is refused beyond about 4 bytes a character. */
  readonly maxQueryLength?: number;
  /** The files the configuration names, read beforehand (`loadGatewayFiles`); read at start otherwise. */
  readonly files?: GatewayFiles;
}

/** What the gateway reads from files: the password authenticator, the HTTPS key and certificate. */
export interface GatewayFiles {
  readonly passwords?: PasswordFile;
  readonly tls?: Record<string, unknown>;
}

/**
 * Reads and checks the files the configuration names, so that a process can refuse a wrong one
 * before it starts anything else; every problem is an INVALID_CONFIGURATION naming the file.
 */
export function loadGatewayFiles(config: TrinoHttpConfig): GatewayFiles {
  const files = config.passwordAuthenticatorFiles;
  return {
    ...(files ? { passwords: PasswordFile.fromConfigFiles(files) } : {}),
    ...(config.tls && config.httpsPort !== undefined ? { tls: tlsOptions(config.tls) } : {}),
  };
}

const STATEMENT_URI =
  /^\/v1\/statement\/(queued|executing)\/([A-Za-z0-9_-]{1,128})\/([A-Za-z0-9_-]{1,4096})\/(\d{1,10})$/;
/** Result page tokens are 31-bit, as the results request's schema bounds them. */
const MAX_TOKEN = 2 ** 31 - 1;
const QUERY_URI = /^\/v1\/query\/([A-Za-z0-9_-]{1,128})$/;

/**
 * Trino's client protocol on the coordinator's HTTP and HTTPS ports (`http-server.http.port`,
 * `http-server.https.port`), a client of the cluster over NATS like any other: it may run in every
 * coordinator process, leader or standby. With a password authenticator, requests authenticate
 * with HTTP Basic and the query's owner is that user; without one, `X-Trino-User` is taken as given.
 */
export class TrinoHttpServer {
  private readonly servers: { server: Server; scheme: 'http' | 'https' }[] = [];
  private readonly service: StatementService;
  private readonly startedAt = Date.now();
  /** The web UI: every query's events, its JSON API and its files. */
  private readonly board: QueryBoard;
  private readonly uiApi: UiApi;
  private readonly uiFiles = new StaticFiles();
  private readonly gauges = new WorkerGauges();

  private constructor(
    private readonly o: TrinoHttpServerOptions,
    private readonly passwords: PasswordFile | undefined,
  ) {
    this.service = new StatementService({ client: o.client, slugs: Slugs.fromSecret(o.sharedSecret) });
    this.board = new QueryBoard({ client: o.client, logger: o.logger });
    const plans = new Plans({ client: o.client });
    this.uiApi = new UiApi({
      client: o.client,
      board: this.board,
      plans,
      gauges: this.gauges,
      tracked: (id) => this.service.tracked(id),
      ownerOnly: passwords !== undefined,
    });
  }

  static async start(o: TrinoHttpServerOptions): Promise<TrinoHttpServer> {
    const files = o.files ?? loadGatewayFiles(o.config);
    const server = new TrinoHttpServer(o, files.passwords);
    try {
      if (o.config.httpPort !== undefined) await server.listen(createHttpServer(), o.config.httpPort, 'http');
      if (o.config.httpsPort !== undefined && files.tls)
        await server.listen(createHttpsServer(files.tls), o.config.httpsPort, 'https');
    } catch (e) {
      await server.stop();
      throw e;
    }
    server.board.start();
    server.gauges.start(o.client);
    return server;
  }

  /** The bound ports (useful with port 0). */
  get ports(): { http?: number; https?: number } {
    const out: { http?: number; https?: number } = {};
    for (const { server, scheme } of this.servers) out[scheme] = (server.address() as AddressInfo).port;
    return out;
  }

  private async listen(server: Server, port: number, scheme: 'http' | 'https'): Promise<void> {
    server.on('request', (req, res) => void this.handle(req, res, scheme));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(
          new QuarryError('INVALID_CONFIGURATION', `Cannot listen on ${scheme} port ${port}: ${e.message}`),
        ),
      );
      server.listen(port, () => resolve());
    });
    this.servers.push({ server, scheme });
    this.o.logger.info(
      { port: (server.address() as AddressInfo).port, scheme },
      'Trino client protocol listening',
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https'): Promise<void> {
    try {
      write(res, await this.route(req, scheme));
    } catch (e) {
      const err = e instanceof BadRequestHeader ? { status: 400, body: e.message } : undefined;
      if (!err) this.o.logger.warn({ err: e, url: req.url }, 'Trino protocol request failed');
      write(res, err ?? { status: 500, body: `Internal error: ${(e as Error).message}` });
    }
  }

  private async route(req: IncomingMessage, scheme: 'http' | 'https'): Promise<Reply> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/v1/info' && req.method === 'GET') return this.serverInfo();
    const caller = await this.caller(req, scheme);
    if ('status' in caller) return caller;
    if (path === '/ui' || path.startsWith('/ui/')) return this.ui(req, path, caller);
    if (path === '/v1/statement') {
      if (req.method !== 'POST') return { status: 405, body: 'Use POST to submit a statement' };
      const sql = await readBody(req, (this.o.maxQueryLength ?? 16_000_000) * 4);
      if (sql === undefined) return { status: 413, body: 'Statement too large' };
      if (sql.trim() === '') return { status: 400, body: 'SQL statement is empty' };
      return this.service.submit(sql, requestSession(req.headers), caller);
    }
    const statement = STATEMENT_URI.exec(path);
    if (statement) {
      const [, phase, queryId, slug, token] = statement as unknown as [string, Phase, string, string, string];
      if (Number(token) > MAX_TOKEN) return { status: 404, body: `Not found: ${path}` };
      if (req.method === 'DELETE') return this.service.cancel(caller, queryId, slug);
      if (req.method === 'GET')
        return this.service.poll(caller, { phase, queryId, slug, token: Number(token) });
      return { status: 405, body: 'Use GET to poll and DELETE to cancel' };
    }
    const query = QUERY_URI.exec(path);
    if (query && req.method === 'GET') return this.service.info(caller, query[1]!);
    if (query && req.method === 'DELETE') return this.service.kill(caller, query[1]!);
    return { status: 404, body: `Not found: ${path}` };
  }

  /** The web UI: its JSON API under `/ui/api/`, its files under `/ui/` (same authentication as the rest). */
  private async ui(req: IncomingMessage, path: string, caller: Caller): Promise<Reply> {
    const method = req.method ?? 'GET';
    if (path.startsWith('/ui/api/')) {
      const url = req.url ?? '';
      const params = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
      return this.uiApi.handle({ method, path, params }, caller);
    }
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: 'The web UI answers GET only' };
    if (path === '/ui') return { status: 302, headers: { Location: '/ui/' } };
    return this.uiFiles.serve(path);
  }

  /** Who sends the request: the authenticated user, or `X-Trino-User` without an authenticator. */
  private async caller(req: IncomingMessage, scheme: 'http' | 'https'): Promise<Caller | Reply> {
    const base = `${scheme}://${req.headers.host ?? 'localhost'}`;
    const claimed = requestSession(req.headers).user;
    if (!this.passwords) return { user: claimed, base };
    if (scheme === 'http' && !this.o.config.allowInsecureOverHttp) {
      return {
        status: 403,
        body: 'Password authentication over HTTP is not enabled: use the HTTPS port (http-server.https.port)',
      };
    }
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials || !(await this.passwords.verify(credentials.user, credentials.password))) {
      return {
        status: 401,
        headers: { 'WWW-Authenticate': 'Basic realm="Trino"' },
        body: credentials ? 'Access Denied: Invalid credentials' : 'Unauthorized: credentials required',
      };
    }
    if (claimed && claimed !== credentials.user) {
      return {
        status: 403,
        body: `Access Denied: User ${credentials.user} cannot impersonate user ${claimed}`,
      };
    }
    return { user: credentials.user, base };
  }

  private serverInfo(): Reply {
    const body = {
      nodeVersion: { version: 'quarry' },
      environment: 'quarry',
      coordinator: true,
      starting: false,
      uptime: `${((Date.now() - this.startedAt) / 1000).toFixed(2)}s`,
    };
    return { status: 200, body: JSON.stringify(body), json: true };
  }

  async stop(): Promise<void> {
    this.board.stop();
    this.gauges.close();
    this.service.close();
    await Promise.all(
      this.servers.map(
        ({ server: s }) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    await this.o.client.close();
  }
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { user: text.slice(0, colon), password: text.slice(colon + 1) } : undefined;
}

/** The HTTPS key and certificate: a PEM file with both (as Trino takes), or a PKCS#12 file. */
function tlsOptions(tls: TlsFiles): Record<string, unknown> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(tls.keystorePath);
  } catch (e) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `http-server.https.keystore.path: cannot read ${tls.keystorePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const passphrase = tls.keystoreKey ? { passphrase: tls.keystoreKey } : {};
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return { pfx: bytes, ...passphrase };
  if (
    !/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text) ||
    !text.includes('-----BEGIN CERTIFICATE-----')
  ) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `http-server.https.keystore.path: ${tls.keystorePath} must hold a private key and a certificate (PEM)`,
    );
  }
  return { key: text, cert: text, ...passphrase };
}

/** The request body as text; undefined when it is longer than `maxBytes`. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, reply: Reply): void {
  const type = reply.json ? 'application/json' : 'text/plain; charset=utf-8';
  res.writeHead(reply.status, {
    ...(reply.body !== undefined ? { 'Content-Type': type } : {}),
    ...reply.headers,
  });
  res.end(reply.body);
}
