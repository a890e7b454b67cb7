import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request. */
export type Fault = 'pass' | 'slowdown' | 'reset' | 'reset-mid-body';

export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  /** The upstream's answer, once it came. */
  status?: number;
  /** The request body of a POST (DeleteObjects, CompleteMultipartUpload). */
  body?: string;
}

/**
 * A proxy in front of an S3 server, for tests: records every request and injects faults — a 503
 * SlowDown answer, a connection reset before any answer, or a reset halfway through a response body.
 * The Host header is forwarded as is, so signatures still verify.
 */
export class S3Proxy {
  readonly requests: ProxiedRequest[] = [];
  fault: (req: ProxiedRequest, n: number) => Fault = () => 'pass';
  private server: Server | undefined;

  private constructor(private readonly target: URL) {}

  static async start(targetEndpoint: string): Promise<S3Proxy & { endpoint: string }> {
    const proxy = new S3Proxy(new URL(targetEndpoint));
    const server = createServer((req, res) => proxy.handle(req, res));
    proxy.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return Object.assign(proxy, { endpoint: `http://127.0.0.1:${port}` });
  }

  count(method: string, pattern: RegExp): number {
    return this.requests.filter((r) => r.method === method && pattern.test(r.url)).length;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const seen: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/' };
    this.requests.push(seen);
    const fault = this.fault(seen, this.requests.length);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slowdown') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
        );
      });
      return;
    }
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        seen.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault !== 'reset-mid-body') {
          up.pipe(res);
          return;
        }
        const length = Number(up.headers['content-length'] ?? 0);
        let sent = 0;
        let cut = false;
        up.on('data', (chunk: Buffer) => {
          if (cut) return;
          if (sent + chunk.length >= length / 2) {
            cut = true;
            res.write(chunk.subarray(0, Math.max(0, Math.floor(length / 2) - sent)));
            up.destroy();
            setImmediate(() => res.socket?.destroy());
            return;
          }
          sent += chunk.length;
          res.write(chunk);
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    if (seen.method === 'POST') {
      seen.body = '';
      req.on('data', (chunk: Buffer) => (seen.body += chunk.toString()));
    }
    req.pipe(upstream);
  }
}
