import type { QueryEvent } from '@quarry/protocol';
import { QuarryError, formatDuration, type SourceLocation } from '@quarry/common';
import { formatRows, isStreamed, type OutputFormat } from '../format.js';
import { ProgressDisplay } from '../progress.js';
import { renderErrorLocation } from '../shell/caret.js';
import { capabilityStore, connectClient, isHttpServer, type ClientFlags } from './client-flags.js';
import { parseSession } from './session-flags.js';

export { parseSession } from './session-flags.js';

export interface QueryFlags extends ClientFlags {
  readonly format: OutputFormat;
  readonly catalog?: string;
  readonly schema?: string;
  readonly session: readonly string[];
  readonly events: boolean;
}

/** One line per status event, for humans following a query on stderr. */
export function describeEvent(e: QueryEvent): string {
  switch (e.type) {
    case 'QUEUED':
    case 'PLANNING':
      return `${e.type} ${e.queryId}`;
    case 'RUNNING': {
      const p = e.progress;
      const stages = p.stages.map((s) => `s${s.stageId} ${s.tasksDone}/${s.tasksTotal}`).join(' ');
      const task = e.task ? ` · task ${e.task.taskId} ${e.task.state} on ${e.task.workerId}` : '';
      return `RUNNING ${p.tasksDone}/${p.tasksTotal} tasks [${stages}]${task}`;
    }
    case 'FINISHED':
      return `FINISHED ${e.rows} rows in ${formatDuration(e.elapsedMs)}`;
    case 'FAILED':
      return `FAILED ${e.error.code} (${e.error.type}): ${e.error.message}`;
    case 'TASK_FAILED':
      return `TASK_FAILED ${e.task.taskId} on ${e.task.workerId}: ${e.error.code}: ${e.error.message}`;
    case 'TASK_RETRYING':
      return `TASK_RETRYING ${e.task.taskId} as attempt ${e.nextAttempt} in ${formatDuration(e.delayMs)}`;
    case 'TASK_SPECULATING':
      return `TASK_SPECULATING ${e.task.taskId} on ${e.task.workerId}: attempt ${e.slowAttempt} ran ${formatDuration(e.elapsedMs)}, past ${formatDuration(e.baselineMs)}`;
    case 'WORKER_LOST':
      return `WORKER_LOST ${e.workerId} (silent ${formatDuration(e.silentForMs)}), tasks ${e.tasks.map((t) => t.taskId).join(', ') || 'none'}`;
    case 'COORDINATOR_FAILOVER':
      return `COORDINATOR_FAILOVER to ${e.coordinatorId} (epoch ${e.epoch}): ${e.adoptedTasks} running tasks taken over`;
    case 'QUERY_RETRYING':
      return `QUERY_RETRYING as attempt ${e.nextAttempt} in ${formatDuration(e.delayMs)}: ${e.error.code}: ${e.error.message}`;
  }
}

/**
 * Runs one query and prints its rows to stdout; returns the process exit code. On a terminal a
 * progress line shows while it runs; `--events` prints every status event to stderr instead.
 */
export async function runQuery(sql: string, flags: QueryFlags): Promise<number> {
  // over Trino's HTTP protocol there are no status events: the shell's runner does the rest
  if (isHttpServer(flags)) {
    const { runShell } = await import('./shell.js');
    return runShell({ ...flags, execute: sql, pager: false });
  }
  const client = await connectClient(flags);
  const progress = new ProgressDisplay(!flags.events && process.stderr.isTTY === true);
  try {
    const handle = await submitShowingWhere(sql, () =>
      client.submit(sql, { session: parseSession(flags.session, flags) }),
    );
    if (handle.alreadySubmitted)
      process.stderr.write(`query ${handle.queryId} had already been submitted; this is that query\n`);
    // kept for later commands of this user: `quarry cancel`, `quarry queries`
    const capability = client.capabilityOf(handle.queryId);
    if (capability) capabilityStore(flags).save(handle.queryId, capability);
    try {
      for await (const e of handle.events()) {
        progress.update(e);
        if (flags.events) process.stderr.write(`${describeEvent(e)}\n`);
        if (e.type === 'FAILED') {
          progress.stop();
          if (!flags.events)
            process.stderr.write(
              `Query ${e.queryId} failed: ${e.error.message}${caret(sql, e.error.location)}\n`,
            );
          return 1;
        }
      }
      progress.stop();
      if (isStreamed(flags.format)) {
        // one line per row as pages arrive
        for await (const page of handle.rows()) {
          if (page.rows.length)
            process.stdout.write(`${formatRows(flags.format, page.columns, page.rows)}\n`);
        }
      } else {
        const result = await handle.result();
        const text = formatRows(flags.format, result.columns, result.rows);
        if (text) process.stdout.write(`${text}\n`);
      }
      return 0;
    } finally {
      handle.close();
    }
  } finally {
    progress.stop();
    await client.close();
  }
}

/** The statement with a caret under an error's position, on the lines after the message. */
function caret(sql: string, location: SourceLocation | undefined): string {
  return location ? `\n${renderErrorLocation(sql, location)}` : '';
}

/** A submission whose refusal (a SQL error, planned before the reply) shows where in the SQL. */
async function submitShowingWhere<T>(sql: string, submit: () => Promise<T>): Promise<T> {
  try {
    return await submit();
  } catch (e) {
    if (e instanceof QuarryError && e.location)
      throw new QuarryError(e.code, `${e.message}${caret(sql, e.location)}`, { cause: e });
    throw e;
  }
}
