import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { QuarryError, type Logger } from '@quarry/common';

/**
 * A Prometheus endpoint: `GET /metrics` on its own HTTP port (`metrics.port`). Each actor keeps its
 * own registry, so coordinator and workers sharing a process (tests) do not mix their numbers.
 */
export function newRegistry(labels: Record<string, string>): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, prefix: 'quarry_' });
  return registry;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `registry` on `port` (0: any free port). */
export async function serveMetrics(
  registry: Registry,
  port: number,
  logger?: Logger,
  host = '0.0.0.0',
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics' && req.url !== '/') {
      res.writeHead(404).end('not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(new QuarryError('INVALID_CONFIGURATION', `metrics.port ${port}: ${e.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  logger?.info({ port: bound }, 'metrics on /metrics');
  return { port: bound, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
