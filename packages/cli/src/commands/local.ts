import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalCluster } from '../local/cluster.js';
import { describeLeadership } from '../local/coordinators.js';
import { CONTROL_HELP, control } from './local-control.js';
import { runQuery, type QueryFlags } from './query.js';

export interface LocalFlags {
  readonly workers: string;
  readonly coordinators: string;
  readonly slots?: string;
  readonly query?: string;
  readonly format: QueryFlags['format'];
  readonly verbose: boolean;
  readonly retryPolicy?: string;
  readonly configDir?: string;
}

/**
 * `quarry local`: the embedded default cluster. With `--query`, runs it (showing status events)
 * and stops; otherwise prints the NATS URL and runs until Ctrl-C, taking commands on stdin to add
 * and remove workers, kill the leading coordinator and start more while queries run
 * (local-control.ts). With `--coordinators N`, one coordinator leads and the others stand by.
 */
export async function runLocal(flags: LocalFlags): Promise<number> {
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new Error(`--workers must be an integer in [1, 64], got '${flags.workers}'`);
  const coordinators = Number(flags.coordinators);
  if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > 16)
    throw new Error(`--coordinators must be an integer in [1, 16], got '${flags.coordinators}'`);
  const slots = flags.slots === undefined ? undefined : Number(flags.slots);
  if (slots !== undefined && (!Number.isInteger(slots) || slots < 1 || slots > 64))
    throw new Error(`--slots must be an integer in [1, 64], got '${flags.slots}'`);
  if (flags.configDir !== undefined && !existsSync(flags.configDir))
    throw new Error(`--config-dir ${flags.configDir} does not exist`);
  process.stderr.write(
    `starting a local cluster: nats-server, redis-server, ${coordinators === 1 ? 'a coordinator' : `${coordinators} coordinators`} and ${workers} worker(s)…\n`,
  );
  // a signal while the cluster starts stops what was started (nothing is left running), and after
  // that stops the cluster
  const starting = new AbortController();
  let cluster: LocalCluster | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= cluster ? cluster.stop() : Promise.resolve());
  const onSignal = (code: number) => () => {
    if (!cluster) return starting.abort(new LocalStartAborted(code));
    void stop().then(() => process.exit(code));
  };
  process.on('SIGINT', onSignal(130));
  process.on('SIGTERM', onSignal(143));
  try {
    cluster = await LocalCluster.start({
      workers,
      coordinators,
      ...(slots ? { slots } : {}),
      inheritOutput: flags.verbose,
      env: {
        ...(flags.retryPolicy ? { QUARRY_RETRY_POLICY: flags.retryPolicy } : {}),
        // config.properties and catalog/ for every process (a lake catalog, say)
        ...(flags.configDir ? { QUARRY_CONFIG_DIR: resolve(flags.configDir) } : {}),
      },
      signal: starting.signal,
    });
  } catch (e) {
    if (e instanceof LocalStartAborted) return e.exitCode;
    throw e;
  }
  process.stderr.write(
    `quarry local cluster ready: NATS ${cluster.natsUrl} (subject prefix '${cluster.prefix}'), Redis ${cluster.redisUrl}, exchange ${cluster.exchangeDir}\n`,
  );
  if (coordinators > 1) process.stderr.write(`${await describeLeadership(cluster)}\n`);
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
    `logs in ${cluster.dir}/logs — try: NATS_URL=${cluster.natsUrl} npx quarry (an SQL shell), or npx quarry query "select count(*) from tpch.tiny.orders"\n${CONTROL_HELP}\nCtrl-C stops the cluster.\n`,
  );
  await control(cluster, stop);
  return 0;
}

/** A signal came while the local cluster was starting; the exit code it asks for. */
class LocalStartAborted extends Error {
  constructor(readonly exitCode: number) {
    super(`stopped by a signal while starting (exit code ${exitCode})`);
  }
}
