import { LocalCluster } from '../local/cluster.js';
import { runQuery, type QueryFlags } from './query.js';

export interface LocalFlags {
  readonly workers: string;
  readonly slots?: string;
  readonly query?: string;
  readonly format: QueryFlags['format'];
  readonly verbose: boolean;
}

/**
 * `quarry local`: the embedded default cluster. With `--query`, runs it (showing status events)
 * and stops; otherwise prints the NATS URL and runs until Ctrl-C.
 */
export async function runLocal(flags: LocalFlags): Promise<number> {
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`--workers must be an integer in [1, 64], got '${flags.workers}'`);
  process.stderr.write(
    `starting a local cluster: nats-server, redis-server, a coordinator and ${workers} worker(s)…\n`,
  );
  const cluster = await LocalCluster.start({
    workers,
    ...(flags.slots ? { slots: Number(flags.slots) } : {}),
    inheritOutput: flags.verbose,
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= cluster.stop());
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
  process.stderr.write(
    `quarry local cluster ready: NATS ${cluster.natsUrl} (subject prefix '${cluster.prefix}'), Redis ${cluster.redisUrl}, exchange ${cluster.exchangeDir}\n`,
  );
  process.stdout.write(`${cluster.natsUrl}\n`);
  if (!flags.query) {
    process.stderr.write(
      `logs in ${cluster.dir}/logs — try: NATS_URL=${cluster.natsUrl} npx quarry query "select count(*) from tpch.tiny.orders"\nCtrl-C stops the cluster.\n`,
    );
    await new Promise(() => {});
    return 0;
  }
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
