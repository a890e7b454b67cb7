import { readFileSync } from 'node:fs';
import { QuarryError } from '@quarry/common';
import type { OutputFormat } from '../format.js';
import { runScript } from '../shell/batch.js';
import { historyFile } from '../shell/history.js';
import { pagerCommand } from '../shell/pager.js';
import { runRepl } from '../shell/repl.js';
import { StatementRunner } from '../shell/runner.js';
import { ShellSession } from '../shell/session.js';
import {
  capabilityStore,
  connectClient,
  connectTrino,
  isHttpServer,
  type ClientFlags,
} from './client-flags.js';
import { parseSession } from './session-flags.js';

export interface ShellFlags extends ClientFlags {
  readonly execute?: string;
  readonly file?: string;
  readonly format: OutputFormat;
  readonly catalog?: string;
  readonly schema?: string;
  readonly session: readonly string[];
  /** False with `--no-pager`. */
  readonly pager: boolean;
}

/**
 * `quarry` without a command: the statements of `--execute`, of `-f FILE`, or of stdin when it is
 * not a terminal, run in order until one fails; on a terminal with none of those, the interactive
 * shell (shell/repl.ts). Results go through the pager when stdout is a terminal. With `--server
 * http(s)://…` the statements go over Trino's HTTP protocol (trino-http-client.ts) instead of NATS.
 */
export async function runShell(flags: ShellFlags): Promise<number> {
  const script = await scriptOf(flags);
  const client = isHttpServer(flags) ? connectTrino(flags) : await connectClient(flags);
  const store = capabilityStore(flags);
  const session = new ShellSession({
    ...(flags.catalog ? { catalog: flags.catalog } : {}),
    ...(flags.schema ? { schema: flags.schema } : {}),
    properties: parseSession(flags.session, {}),
  });
  const pager = flags.pager && process.stdout.isTTY === true ? pagerCommand() : undefined;
  const runner = new StatementRunner({
    client,
    session,
    format: flags.format,
    pager,
    progress: process.stderr.isTTY === true,
    echo: script === undefined,
    // kept for later commands of this user: `quarry cancel`, `quarry queries`
    onSubmitted: (queryId) => {
      const capability = client.capabilityOf(queryId);
      if (capability) store.save(queryId, capability);
    },
  });
  try {
    if (script !== undefined) return await runScript(script, runner);
    return await runRepl({ runner, session, historyPath: historyFile() });
  } finally {
    await client.close();
  }
}

/** The statements to run, or undefined for the interactive shell. */
async function scriptOf(flags: ShellFlags): Promise<string | undefined> {
  if (flags.execute !== undefined && flags.file !== undefined)
    throw new QuarryError('INVALID_ARGUMENTS', 'give --execute or --file, not both');
  if (flags.execute !== undefined) return flags.execute;
  if (flags.file !== undefined) {
    try {
      return readFileSync(flags.file, 'utf8');
    } catch (e) {
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        `--file: cannot read ${flags.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  }
  if (process.stdin.isTTY === true) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
