import { createLogger } from '@quarry/common';
import { Coordinator } from '@quarry/coordinator';
import { Worker } from '@quarry/worker';
import { coordinatorConfig, workerConfig, type CommonFlags } from '../config.js';

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
  const coordinator = await Coordinator.start(config, { logger: createLogger({ name: 'coordinator' }) });
  onShutdown(() => coordinator.stop());
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
