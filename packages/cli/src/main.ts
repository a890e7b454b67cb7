import { Command, Option } from 'commander';
import { QuarryError } from '@quarry/common';
import { runLocal } from './commands/local.js';
import { runQuery } from './commands/query.js';
import { runCoordinator, runWorker } from './commands/servers.js';
import { natsServers, prefixOf } from './config.js';

const program = new Command('quarry').description(
  'A fault-tolerant distributed SQL engine for batch queries, over NATS',
);

const serverOption = () =>
  new Option('-s, --server <url>', 'NATS server URL (default: $NATS_URL or nats://127.0.0.1:4222)');
const prefixOption = () =>
  new Option('--prefix <prefix>', "subject prefix of the cluster (default: $QUARRY_PREFIX or 'quarry')");
const configOption = () =>
  new Option(
    '--config-dir <dir>',
    'directory with config.properties and exchange-manager.properties (default: ./etc)',
  );
const exchangeOption = () =>
  new Option(
    '--exchange-dir <dir>',
    'a local directory as the exchange (instead of exchange-manager.properties)',
  );
const formatOption = () =>
  new Option('-f, --format <format>', 'output format')
    .choices(['table', 'csv', 'json', 'ndjson'])
    .default('table');

program
  .command('coordinator')
  .description('run the coordinator')
  .addOption(serverOption())
  .addOption(prefixOption())
  .addOption(configOption())
  .addOption(exchangeOption())
  .option(
    '--redis <url>',
    'Redis URL for attempt records (default: redis.url, $REDIS_URL or redis://127.0.0.1:6379)',
  )
  .addOption(
    new Option('--retry-policy <policy>', 'retry-policy: NONE, QUERY or TASK').choices([
      'NONE',
      'QUERY',
      'TASK',
    ]),
  )
  .action(async (flags) => runCoordinator(flags));

program
  .command('worker')
  .description('run a worker')
  .addOption(serverOption())
  .addOption(prefixOption())
  .addOption(configOption())
  .addOption(exchangeOption())
  .option('--id <id>', 'worker id (node.id)')
  .option('--slots <n>', 'task slots (worker.task-slots)')
  .action(async (flags) => runWorker(flags));

program
  .command('query')
  .description('run a SQL query and print its result')
  .argument('<sql>', 'the query')
  .addOption(serverOption())
  .addOption(prefixOption())
  .addOption(formatOption())
  .option('--catalog <catalog>', 'default catalog for unqualified tables')
  .option('--schema <schema>', 'default schema for unqualified tables')
  .option(
    '--session <name=value>',
    'session property (repeatable)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--events', 'print status events to stderr', false)
  .action(async (sql: string, flags) => {
    process.exitCode = await runQuery(sql, { ...flags, server: natsServers(flags), prefix: prefixOf(flags) });
  });

program
  .command('local')
  .description(
    'start an embedded local cluster (nats-server, redis-server, coordinator, workers, local exchange)',
  )
  .option('-w, --workers <n>', 'number of workers', '2')
  .option('--slots <n>', 'task slots per worker')
  .option('-q, --query <sql>', 'run this query on the cluster, then stop it')
  .addOption(formatOption())
  .option('-v, --verbose', 'show the processes’ logs instead of writing them to files', false)
  .action(async (flags) => {
    process.exitCode = await runLocal(flags);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  const message =
    e instanceof QuarryError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`quarry: ${message}\n`);
  process.exit(1);
});
