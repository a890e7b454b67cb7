import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { clientCommands } from './client-bundle.js';
import {
  chosenFormat,
  clientOptions,
  connectionOptions,
  formatOptions,
  serverOptions,
  sessionOptions,
} from './options.js';

/*
 * The `quarry` command. Each command's module is imported when that command runs, so that client
 * commands (and `--version`, `--help`) start without loading the engine: the coordinator, worker,
 * SQL, exchange and AWS SDK packages load only for `coordinator`, `worker`, `local`, `demo` and the
 * maintenance commands (test/startup.test.ts checks the module graph, bench/cli-startup.ts the time).
 * The client commands come from one bundled file when the build made one (client-bundle.ts).
 */

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const program = new Command('quarry')
  .description(
    'A fault-tolerant distributed SQL engine for batch queries, over NATS. Without a command: an interactive SQL shell on a terminal, or the statements of --execute, --file or stdin',
  )
  .version(`quarry ${version}`, '--version', 'print the version')
  // a command's options come after its name: `quarry query --server …` (the shell's go before none)
  .enablePositionalOptions();

const exit = (code: number) => {
  process.exitCode = code;
};

formatOptions(sessionOptions(clientOptions(program)))
  .option('--execute <sql>', 'run these statements (separated by ;) and exit')
  .option('-f, --file <file>', 'run the statements of this file and exit')
  .option('--no-pager', 'never page results (default: $QUARRY_PAGER, $PAGER or less -FXRS on a terminal)')
  .action(async (flags) => {
    const { runShell } = await clientCommands();
    exit(await runShell({ ...flags, format: chosenFormat(flags) }));
  });

serverOptions(program.command('coordinator').description('run the coordinator'))
  .option(
    '--redis <url>',
    'Redis URL for attempt records (default: redis.url, $REDIS_URL or redis://127.0.0.1:6379)',
  )
  .addOption(new Option('--retry-policy <policy>', 'retry-policy').choices(['NONE', 'QUERY', 'TASK']))
  .action(async (flags) => (await import('./commands/servers.js')).runCoordinator(flags));

serverOptions(
  program
    .command('worker')
    .description('run a worker (SIGTERM drains it: running tasks finish, then it leaves)'),
)
  .option('--id <id>', 'worker id (node.id)')
  .option('--slots <n>', 'task slots (worker.task-slots)')
  .action(async (flags) => (await import('./commands/servers.js')).runWorker(flags));

formatOptions(
  sessionOptions(
    clientOptions(
      program
        .command('query')
        .description('run a SQL query and print its result')
        .argument('<sql>', 'the query'),
    ),
  ),
)
  .option('--events', 'print status events to stderr (instead of the progress line)', false)
  .action(async (sql: string, flags) => {
    const { runQuery } = await clientCommands();
    exit(await runQuery(sql, { ...flags, format: chosenFormat(flags) }));
  });

clientOptions(
  program
    .command('events')
    .description("print status events: one query's, or every query's")
    .argument('[queryId]'),
)
  .option('--follow', 'keep following new events (every query); one query is followed until it ends', false)
  .option('--json', 'one JSON object per line', false)
  .action(async (queryId: string | undefined, flags) =>
    exit(await (await clientCommands()).runEvents(queryId, flags)),
  );

clientOptions(program.command('workers').description('list the workers the coordinator knows')).action(
  async (flags) => exit(await (await clientCommands()).runWorkers(flags)),
);

clientOptions(
  program
    .command('coordinators')
    .description('list the coordinator processes: the leader and the standbys that take over from it'),
).action(async (flags) => exit(await (await clientCommands()).runCoordinators(flags)));

clientOptions(program.command('cancel').description('cancel a running query').argument('<queryId>')).action(
  async (queryId: string, flags) => exit(await (await clientCommands()).runCancel(queryId, flags)),
);

clientOptions(program.command('queries').description('recent queries and their states'))
  .option('--limit <n>', 'how many', '20')
  .action(async (flags) => exit(await (await clientCommands()).runQueries(flags)));

formatOptions(
  program
    .command('local')
    .description(
      'start an embedded local cluster (nats-server, redis-server, coordinator, workers, local exchange)',
    ),
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
  .option('-v, --verbose', 'show the processes’ logs instead of writing them to files', false)
  .option('--config-dir <dir>', 'config.properties and catalog/*.properties for the cluster’s processes')
  // stdin, signal handlers and timers would keep the process up after the cluster stopped
  .action(async (flags) => {
    const { runLocal } = await import('./commands/local.js');
    process.exit(await runLocal({ ...flags, format: chosenFormat(flags) }));
  });

program
  .command('demo')
  .description(
    'a local cluster of two coordinators on two S3 buckets under retry policy TASK; TPC-H Q1 with a worker and then the leading coordinator killed midway',
  )
  .option('--sf <n>', 'TPC-H scale factor', '2')
  .option('-w, --workers <n>', 'number of workers (at least 2)', '3')
  .action(async (flags) => process.exit(await (await import('./commands/demo.js')).runDemo(flags)));

connectionOptions(program.command('exchange').description('exchange maintenance'))
  .command('gc')
  .description('delete spooled data of queries older than a given age (what crashed processes left behind)')
  .requiredOption('--older-than <duration>', 'e.g. 24h')
  .addOption(new Option('--config-dir <dir>', 'directory with exchange-manager.properties (default: ./etc)'))
  .addOption(new Option('--exchange-dir <dir>', 'a local exchange directory'))
  .action(async (flags) => exit(await (await import('./commands/exchange.js')).runExchangeGc(flags)));

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
  .action(async (flags) => exit(await (await import('./commands/lake.js')).runLakeGc(flags)));

program.parseAsync(process.argv).catch((e: unknown) => {
  // a QuarryError says its code; checked by shape, so that this file loads no quarry package
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  const quarryError = e instanceof Error && e.name === 'QuarryError' && typeof code === 'string';
  process.stderr.write(`quarry: ${quarryError ? `${code}: ${message}` : message}\n`);
  process.exit(1);
});
