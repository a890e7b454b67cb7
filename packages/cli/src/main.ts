import { Command, Option } from 'commander';
import { QuarryError } from '@quarry/common';
import { runCancel, runCoordinators, runEvents, runQueries, runWorkers } from './commands/admin.js';
import { runDemo } from './commands/demo.js';
import { runExchangeGc } from './commands/exchange.js';
import { runLakeGc } from './commands/lake.js';
import { runLocal } from './commands/local.js';
import { runQuery } from './commands/query.js';
import { runCoordinator, runWorker } from './commands/servers.js';

const program = new Command('quarry').description(
  'A fault-tolerant distributed SQL engine for batch queries, over NATS',
);

/** Options every command that talks to a cluster takes: where, which cluster, and credentials. */
function connectionOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-s, --server <url>', 'NATS server URL (default: $NATS_URL or nats://127.0.0.1:4222)'),
    )
    .addOption(
      new Option('--prefix <prefix>', "subject prefix of the cluster (default: $QUARRY_PREFIX or 'quarry')"),
    )
    .addOption(new Option('--user <user>', 'NATS user (default: $NATS_USER)'))
    .addOption(
      new Option(
        '--password <password>',
        'NATS password (default: $NATS_PASSWORD); visible to `ps`: prefer the variable or --password-file',
      ),
    )
    .addOption(new Option('--password-file <file>', 'a file holding the NATS password'))
    .addOption(
      new Option(
        '--token <token>',
        'NATS token (default: $NATS_TOKEN); visible to `ps`: prefer --token-file',
      ),
    )
    .addOption(new Option('--token-file <file>', 'a file holding the NATS token'))
    .addOption(
      new Option(
        '--admin-token-file <file>',
        "a file holding the coordinator's admin token: see, cancel and read any query (default: $QUARRY_ADMIN_TOKEN)",
      ),
    )
    .addOption(
      new Option('--nkey <seed-or-file>', 'NATS NKey seed, or a file holding it (default: $NATS_NKEY)'),
    )
    .addOption(new Option('--creds <file>', 'NATS credentials file (default: $NATS_CREDS)'))
    .addOption(new Option('--tls-ca <file>', 'CA certificate for NATS TLS (default: $NATS_CA)'))
    .addOption(new Option('--tls-cert <file>', 'client certificate for NATS TLS (default: $NATS_CERT)'))
    .addOption(new Option('--tls-key <file>', 'client key for NATS TLS (default: $NATS_KEY)'));
}

/** Options of the commands that talk to the coordinator as a client. */
function clientOptions(cmd: Command): Command {
  return connectionOptions(cmd).addOption(
    new Option(
      '--client-timeout <duration>',
      'how long to keep trying while no coordinator answers, e.g. 30s or 5m (default: 1m)',
    ),
  );
}

function serverOptions(cmd: Command): Command {
  return connectionOptions(cmd)
    .addOption(
      new Option(
        '--config-dir <dir>',
        'directory with config.properties and exchange-manager.properties (default: ./etc)',
      ),
    )
    .addOption(
      new Option(
        '--exchange-dir <dir>',
        'a local directory as the exchange (instead of exchange-manager.properties)',
      ),
    )
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics on this port (metrics.port)'))
    .addOption(
      new Option(
        '--shared-secret-file <file>',
        "file holding the cluster's shared secret (internal-communication.shared-secret; default: $QUARRY_SHARED_SECRET)",
      ),
    );
}

const formatOption = () =>
  new Option('-f, --format <format>', 'output format')
    .choices(['table', 'csv', 'json', 'ndjson'])
    .default('table');
const exit = (code: number) => {
  process.exitCode = code;
};

serverOptions(program.command('coordinator').description('run the coordinator'))
  .option(
    '--redis <url>',
    'Redis URL for attempt records (default: redis.url, $REDIS_URL or redis://127.0.0.1:6379)',
  )
  .addOption(new Option('--retry-policy <policy>', 'retry-policy').choices(['NONE', 'QUERY', 'TASK']))
  .action(async (flags) => runCoordinator(flags));

serverOptions(
  program
    .command('worker')
    .description('run a worker (SIGTERM drains it: running tasks finish, then it leaves)'),
)
  .option('--id <id>', 'worker id (node.id)')
  .option('--slots <n>', 'task slots (worker.task-slots)')
  .action(async (flags) => runWorker(flags));

clientOptions(
  program.command('query').description('run a SQL query and print its result').argument('<sql>', 'the query'),
)
  .addOption(formatOption())
  .option('--catalog <catalog>', 'default catalog for unqualified tables')
  .option('--schema <schema>', 'default schema for unqualified tables')
  .option(
    '--session <name=value>',
    'session property (repeatable)',
    (v: string, acc: string[]) => [...acc, v],
    [] as string[],
  )
  .option('--events', 'print status events to stderr (instead of the progress line)', false)
  .action(async (sql: string, flags) => exit(await runQuery(sql, flags)));

clientOptions(
  program
    .command('events')
    .description("print status events: one query's, or every query's")
    .argument('[queryId]'),
)
  .option('--follow', 'keep following new events (every query); one query is followed until it ends', false)
  .option('--json', 'one JSON object per line', false)
  .action(async (queryId: string | undefined, flags) => exit(await runEvents(queryId, flags)));

clientOptions(program.command('workers').description('list the workers the coordinator knows')).action(
  async (flags) => exit(await runWorkers(flags)),
);

clientOptions(
  program
    .command('coordinators')
    .description('list the coordinator processes: the leader and the standbys that take over from it'),
).action(async (flags) => exit(await runCoordinators(flags)));

clientOptions(program.command('cancel').description('cancel a running query').argument('<queryId>')).action(
  async (queryId: string, flags) => exit(await runCancel(queryId, flags)),
);

clientOptions(program.command('queries').description('recent queries and their states'))
  .option('--limit <n>', 'how many', '20')
  .action(async (flags) => exit(await runQueries(flags)));

program
  .command('local')
  .description(
    'start an embedded local cluster (nats-server, redis-server, coordinator, workers, local exchange)',
  )
  .option('-w, --workers <n>', 'number of workers', '2')
  .option(
    '-c, --coordinators <n>',
    'number of coordinators: one leads, the others stand by to take over',
    '1',
  )
  .option('--slots <n>', 'task slots per worker')
  .option('-q, --query <sql>', 'run this query on the cluster, then stop it')
  .addOption(
    new Option('--retry-policy <policy>', 'retry-policy of the cluster').choices(['NONE', 'QUERY', 'TASK']),
  )
  .addOption(formatOption())
  .option('-v, --verbose', 'show the processes’ logs instead of writing them to files', false)
  .option('--config-dir <dir>', 'config.properties and catalog/*.properties for the cluster’s processes')
  // stdin, signal handlers and timers would keep the process up after the cluster stopped
  .action(async (flags) => process.exit(await runLocal(flags)));

program
  .command('demo')
  .description(
    'a local cluster of two coordinators on two S3 buckets under retry policy TASK; TPC-H Q1 with a worker and then the leading coordinator killed midway',
  )
  .option('--sf <n>', 'TPC-H scale factor', '2')
  .option('-w, --workers <n>', 'number of workers (at least 2)', '3')
  .action(async (flags) => process.exit(await runDemo(flags)));

connectionOptions(program.command('exchange').description('exchange maintenance'))
  .command('gc')
  .description('delete spooled data of queries older than a given age (what crashed processes left behind)')
  .requiredOption('--older-than <duration>', 'e.g. 24h')
  .addOption(new Option('--config-dir <dir>', 'directory with exchange-manager.properties (default: ./etc)'))
  .addOption(new Option('--exchange-dir <dir>', 'a local exchange directory'))
  .action(async (flags) => exit(await runExchangeGc(flags)));

connectionOptions(program.command('lake').description('lake catalog maintenance'))
  .command('gc')
  .description(
    'delete staged files no table version lists, older than a given age (what writers that died left behind)',
  )
  .requiredOption(
    '--older-than <duration>',
    'e.g. 24h; longer than any query takes from writing to committing',
  )
  .option('--catalog <name>', 'only this lake catalog (default: every lake catalog)')
  .addOption(
    new Option('--config-dir <dir>', 'directory with config.properties and catalog/ (default: ./etc)'),
  )
  .action(async (flags) => exit(await runLakeGc(flags)));

program.parseAsync(process.argv).catch((e: unknown) => {
  const message =
    e instanceof QuarryError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`quarry: ${message}\n`);
  process.exit(1);
});
