import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { LocalCluster } from '../local/cluster.js';
import { runQuery, type QueryFlags } from './query.js';

export interface LocalFlags {
  readonly workers: string;
  readonly slots?: string;
  readonly query?: string;
  readonly format: QueryFlags['format'];
  readonly verbose: boolean;
  readonly retryPolicy?: string;
  readonly configDir?: string;
}

const HELP =
  'commands: add [n] — start n more workers · remove [n] — drain and stop n workers · workers — list them · stop — stop the cluster';

/**
 * `quarry local`: the embedded default cluster. With `--query`, runs it (showing status events)
 * and stops; otherwise prints the NATS URL and runs until Ctrl-C, taking commands on stdin to add
 * and remove workers while queries run.
 */
export async function runLocal(flags: LocalFlags): Promise<number> {
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`--workers must be an integer in [1, 64], got '${flags.workers}'`);
  const slots = flags.slots === undefined ? undefined : Number(flags.slots);
  if (slots !== undefined && (!Number.isInteger(slots) || slots < 1 || slots > 64))
    throw new Error(`--slots must be an integer in [1, 64], got '${flags.slots}'`);
  if (flags.configDir !== undefined && !existsSync(flags.configDir))
    throw new Error(`--config-dir ${flags.configDir} does not exist`);
  process.stderr.write(
    `starting a local cluster: nats-server, redis-server, a coordinator and ${workers} worker(s)…\n`,
  );
  const cluster = await LocalCluster.start({
    workers,
    ...(slots ? { slots } : {}),
    inheritOutput: flags.verbose,
    env: {
      ...(flags.retryPolicy ? { QUARRY_RETRY_POLICY: flags.retryPolicy } : {}),
      // config.properties and catalog/ for every process (a lake catalog, say)
      ...(flags.configDir ? { QUARRY_CONFIG_DIR: resolve(flags.configDir) } : {}),
    },
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= cluster.stop());
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
  process.stderr.write(
    `quarry local cluster ready: NATS ${cluster.natsUrl} (subject prefix '${cluster.prefix}'), Redis ${cluster.redisUrl}, exchange ${cluster.exchangeDir}\n`,
  );
  process.stdout.write(`${cluster.natsUrl}\n`);
  if (flags.query) {
    try {
      return await runQuery(flags.query, {
        server: cluster.natsUrl,
        prefix: cluster.prefix,
        format: flags.format,
        session: [],
        events: true,
      });
    } finally {
      await stop();
    }
  }
  process.stderr.write(
    `logs in ${cluster.dir}/logs — try: NATS_URL=${cluster.natsUrl} npx quarry query "select count(*) from tpch.tiny.orders"\n${HELP}\nCtrl-C stops the cluster.\n`,
  );
  await control(cluster, stop);
  return 0;
}

/** Reads commands from stdin until `stop` or end of input (then keeps running until a signal). */
async function control(cluster: LocalCluster, stop: () => Promise<void>): Promise<void> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const [cmd = '', arg] = line.trim().split(/\s+/);
    const n = Math.max(1, Number(arg ?? 1) || 1);
    try {
      switch (cmd) {
        case '':
          break;
        case 'add': {
          const started = [];
          for (let i = 0; i < n; i++) started.push((await cluster.addWorker()).name);
          await cluster.waitForWorkers(
            cluster.workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null)
              .length,
          );
          process.stderr.write(`started ${started.join(', ')}\n`);
          break;
        }
        case 'remove': {
          const removed = await cluster.removeWorkers(n);
          process.stderr.write(
            removed.length ? `drained and stopped ${removed.join(', ')}\n` : 'no worker to remove\n',
          );
          break;
        }
        case 'workers': {
          const info = await cluster.info();
          process.stderr.write(
            `${info?.workers.map((w) => `${w.workerId} (${w.runningTasks}/${w.slots} slots busy${w.draining ? ', draining' : ''})`).join(', ') || 'none'}\n`,
          );
          break;
        }
        case 'stop':
          lines.close();
          await stop();
          return;
        default:
          process.stderr.write(`unknown command '${cmd}'. ${HELP}\n`);
      }
    } catch (e) {
      process.stderr.write(`${cmd} failed: ${(e as Error).message}\n`);
    }
  }
  await new Promise(() => {});
}
