import { formatDuration } from '@quarry/common';
import type { CommonFlags } from '../connection.js';
import { formatTable } from '../format.js';
import { connectClient } from './client-flags.js';
import { describeEvent } from './query.js';

/** `quarry events [queryId] [--follow] [--json]`: a query's status events (or every query's), replayed then followed. */
export async function runEvents(
  queryId: string | undefined,
  flags: CommonFlags & { follow: boolean; json: boolean },
): Promise<number> {
  const client = await connectClient(flags);
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
    void client.close().then(() => process.exit(130));
  });
  try {
    const events = queryId
      ? (await client.attach(queryId)).events()
      : client.allEvents({ follow: flags.follow });
    for await (const e of events) {
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(e)}\n`
          : `${new Date(e.time).toISOString()} ${e.queryId} ${describeEvent(e)}\n`,
      );
      if (stop) break;
    }
    return 0;
  } finally {
    await client.close().catch(() => {});
  }
}

/** `quarry workers`: the coordinator's worker registry. */
export async function runWorkers(flags: CommonFlags): Promise<number> {
  const client = await connectClient(flags);
  try {
    const info = await client.workers();
    const names = ['worker', 'slots', 'running tasks', 'heartbeat age', 'draining', 'blocked', 'host', 'pid'];
    const columns = names.map((name) => ({
      name,
      type: name === 'slots' || name === 'running tasks' || name === 'pid' ? 'integer' : 'varchar',
    }));
    const rows = info.workers.map((w) => [
      w.workerId,
      w.slots,
      w.runningTasks,
      formatDuration(w.heartbeatAgeMs),
      w.draining ? 'yes' : 'no',
      w.blocked ? `${formatDuration(w.blocked.remainingMs)} more: ${w.blocked.reason}` : 'no',
      w.host,
      w.pid,
    ]);
    process.stdout.write(
      `${formatTable(columns, rows)}\nqueries running: ${info.queries.running}, queued: ${info.queries.queued}\n`,
    );
    return 0;
  } finally {
    await client.close();
  }
}

/**
 * `quarry coordinators`: the cluster's coordinator processes as the leader lists them (ClusterInfo),
 * leader first. A coordinator that died stays listed as a standby, its "last seen" growing, until its
 * registration goes stale.
 */
export async function runCoordinators(flags: CommonFlags): Promise<number> {
  const client = await connectClient(flags);
  try {
    const { coordinators, coordinatorId } = await client.workers();
    if (!coordinators) {
      process.stdout.write(
        `${coordinatorId} answered without a list of coordinators (it predates failover)\n`,
      );
      return 0;
    }
    const columns = ['coordinator', 'role', 'epoch', 'host', 'pid', 'up for', 'last seen'].map((name) => ({
      name,
      type: name === 'epoch' || name === 'pid' ? 'integer' : 'varchar',
    }));
    const now = Date.now();
    const rows = coordinators.map((c) => [
      c.coordinatorId,
      c.role,
      c.epoch,
      c.host,
      c.pid,
      formatDuration(Math.max(0, now - c.since)),
      `${formatDuration(c.seenAgeMs)} ago`,
    ]);
    process.stdout.write(`${formatTable(columns, rows)}\n`);
    return 0;
  } finally {
    await client.close();
  }
}

/** `quarry cancel <queryId>`. */
export async function runCancel(queryId: string, flags: CommonFlags): Promise<number> {
  const client = await connectClient(flags);
  try {
    const r = await client.cancel(queryId);
    process.stdout.write(r.canceled ? `canceled ${queryId}\n` : `${queryId} was not running (${r.state})\n`);
    return r.canceled ? 0 : 1;
  } finally {
    await client.close();
  }
}

/** `quarry queries [--limit N]`: recent queries and their states, from Redis (through the coordinator). */
export async function runQueries(flags: CommonFlags & { limit: string }): Promise<number> {
  const client = await connectClient(flags);
  try {
    const { queries } = await client.queries(Number(flags.limit));
    const columns = ['query id', 'state', 'retry policy', 'created', 'elapsed', 'error', 'sql'].map(
      (name) => ({ name, type: 'varchar' }),
    );
    const rows = queries.map((q) => [
      q.queryId,
      q.state,
      q.retryPolicy,
      new Date(q.created).toISOString(),
      q.elapsedMs !== undefined ? formatDuration(q.elapsedMs) : '',
      q.error ? `${q.error.code}: ${q.error.message}`.slice(0, 60) : '',
      q.sql.replace(/\s+/g, ' ').slice(0, 60),
    ]);
    process.stdout.write(`${formatTable(columns, rows)}\n`);
    return 0;
  } finally {
    await client.close();
  }
}
