import { InvalidArgumentError, Option, type Command } from 'commander';
import { QUARRY_FORMATS, TRINO_FORMATS, type OutputFormat } from './format.js';

/** Options every command that talks to a cluster takes: where, which cluster, and credentials. */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '-s, --server <url>',
        "NATS server URL (default: $NATS_URL or nats://127.0.0.1:4222), or a coordinator's http(s)://host:port: Trino's HTTP protocol (shell and query)",
      ),
    )
    .addOption(
      new Option('--prefix <prefix>', "subject prefix of the cluster (default: $QUARRY_PREFIX or 'quarry')"),
    )
    .addOption(
      new Option('--user <user>', 'NATS user (default: $NATS_USER); with an http(s) server, the Trino user'),
    )
    .addOption(
      new Option(
        '--password <password>',
        'NATS password (default: $NATS_PASSWORD), or with an http(s) server the Trino password (default: $TRINO_PASSWORD); visible to `ps`: prefer the variable or --password-file',
      ),
    )
    .addOption(new Option('--password-file <file>', 'a file holding the NATS (or Trino) password'))
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
export function clientOptions(cmd: Command): Command {
  return connectionOptions(cmd).addOption(
    new Option(
      '--client-timeout <duration>',
      'how long to keep trying while no coordinator answers, e.g. 30s or 5m (default: 1m)',
    ),
  );
}

export function serverOptions(cmd: Command): Command {
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

/**
 * The output format flags: `--output-format` with Trino CLI's names (ALIGNED, CSV, CSV_HEADER, TSV,
 * JSON, …, any case), and quarry's `--format` (table, csv, json, ndjson). `-f` is Trino's `--file`.
 */
export function formatOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--output-format <format>',
        `output format, as Trino's CLI names them: ${TRINO_FORMATS.join(', ')}`,
      ).argParser(trinoFormat),
    )
    .addOption(
      new Option('--format <format>', "output format, quarry's names (default: table)").choices(
        QUARRY_FORMATS,
      ),
    );
}

function trinoFormat(value: string): OutputFormat {
  const upper = value.toUpperCase();
  const found = TRINO_FORMATS.find((f) => f === upper);
  if (!found) throw new InvalidArgumentError(`Allowed choices are ${TRINO_FORMATS.join(', ')}.`);
  return found;
}

/** The format the flags ask for; both flags at once is an error. */
export function chosenFormat(flags: { format?: OutputFormat; outputFormat?: OutputFormat }): OutputFormat {
  if (flags.format !== undefined && flags.outputFormat !== undefined)
    throw new InvalidArgumentError('give --format or --output-format, not both');
  return flags.outputFormat ?? flags.format ?? 'table';
}

/** `--session name=value`, repeatable. */
export function sessionOptions(cmd: Command): Command {
  return cmd
    .option('--catalog <catalog>', 'default catalog for unqualified tables')
    .option('--schema <schema>', 'default schema for unqualified tables')
    .option(
      '--session <name=value>',
      'session property (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    );
}
