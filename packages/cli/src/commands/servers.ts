import { QuarryClient } from '@quarry/client';
import { createLogger } from '@quarry/common';
import { Coordinator, type CoordinatorConfig } from '@quarry/coordinator';
import {
  TrinoHttpServer,
  gatewayEnabled,
  loadGatewayFiles,
  type GatewayFiles,
  type TrinoHttpConfig,
} from '@quarry/trino-http';
import { Worker } from '@quarry/worker';
import { coordinatorConfig, trinoHttpConfig, workerConfig, type CommonFlags } from '../config.js';

/** Stops on SIGINT/SIGTERM, once; a second signal exits at once. */
function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    void stop().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`error while stopping after ${signal}: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

export async function runCoordinator(flags: CommonFlags & { redis?: string }): Promise<void> {
  const config = coordinatorConfig(flags);
  const http = trinoHttpConfig(flags);
  // the gateway's files (password file, HTTPS key) are checked before anything starts
  const files = gatewayEnabled(http) ? loadGatewayFiles(http) : undefined;
  const coordinator = await Coordinator.start(config, { logger: createLogger({ name: 'coordinator' }) });
  const gateway = files ? await startGateway(config, { http, files }) : undefined;
  onShutdown(async () => {
    await gateway?.stop();
    await coordinator.stop();
  });
}

/**
 * Trino's client protocol on `http-server.http.port` / `http-server.https.port`: in every
 * coordinator process, leader or standby, a client of the cluster over NATS with the process's
 * own NATS credentials.
 */
async function startGateway(
  config: CoordinatorConfig,
  gateway: { http: TrinoHttpConfig; files: GatewayFiles },
) {
  const client = await QuarryClient.connect({
    servers: config.servers,
    prefix: config.prefix,
    ...(config.nats?.auth ? { auth: config.nats.auth } : {}),
    ...(config.nats?.tls ? { tls: config.nats.tls } : {}),
  });
  const secret = config.internalCommunication?.sharedSecret;
  return TrinoHttpServer.start({
    config: gateway.http,
    files: gateway.files,
    client,
    logger: createLogger({ name: 'trino-http' }),
    maxQueryLength: config.queryMaxLength,
    ...(secret !== undefined ? { sharedSecret: secret } : {}),
  });
}

/** SIGTERM drains: no new tasks, running ones finish, then the worker leaves. */
export async function runWorker(flags: CommonFlags & { id?: string; slots?: string }): Promise<void> {
  const config = workerConfig(flags);
  const worker = await Worker.start(
    config,
    createLogger({ name: 'worker', bindings: { workerId: config.workerId } }),
  );
  onShutdown(() => worker.stop({ drain: true }));
}
