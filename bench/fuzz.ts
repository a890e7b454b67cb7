/**
 * Hostile and buggy messages against a local cluster of real processes (issue 12):
 * - per subject, N malformed or forged messages: random msgpack/JSON values, valid messages broken in
 *   one place, random bytes; on internal subjects sent as a member's NATS user, unsigned, signed with
 *   a wrong secret and signed with the right one (a buggy member), so that each layer is exercised;
 * - M SQL mutants of the TPC-H queries and the SQL cases (test/fuzz/sql-mutants.ts), submitted;
 * - between batches: every process must be alive and a reference query must answer exactly right.
 * Prints per subject the replies by kind, process deaths (must be 0), internal errors, wrong results
 * (must be 0), coordinator RSS before/after, and the p50 of a tiny query with signing on and off.
 * Usage: npm run bench -- fuzz [--messages 200] [--sql 300] [--signing-queries 30] [--seed 1]
 */
import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pack, unpack } from 'msgpackr';
import { QuarryClient } from '@quarry/client';
import { QuarryError } from '@quarry/common';
import { Membership } from '@quarry/runtime';
import { startProcessCluster } from '@quarry/testkit';
import { mutate, random, seedQueries } from '../test/fuzz/sql-mutants.js';
import { measureSigningRatio } from './_signing-ratio.js';
import { option, round, table } from './_support.js';

const messages = Number(option('messages', '200'));
const sqlMutants = Number(option('sql', '300'));
const signingQueries = Number(option('signing-queries', '30'));
const rand = random(Number(option('seed', '1')));
const PREFIX = 'fuzz';
const REFERENCE =
  'select l_returnflag, count(*), sum(l_quantity) from tpch.tiny.lineitem group by 1 order by 1';

type Sender = 'client' | 'unsigned' | 'wrong-secret' | 'member';
interface SubjectPlan {
  readonly name: string;
  readonly subject: (workerId: string) => string;
  readonly ask: boolean;
  readonly senders: readonly Sender[];
  readonly valid: () => unknown;
}

/** Well-formed messages of the internal subjects, for the one-field mutations. */
const VALID_HEARTBEAT = () => ({
  workerId: 'worker-1',
  incarnation: 'x',
  seq: 1,
  slots: 2,
  runningTasks: 0,
  draining: false,
  host: 'h',
  pid: 1,
  rssBytes: 1,
  load: 0,
  tasks: [],
});
const VALID_TASK_UPDATE = () => ({
  queryId: 'q1',
  queryAttempt: 0,
  taskId: '1.0.0',
  stageId: 1,
  partition: 0,
  attempt: 0,
  workerId: 'worker-1',
  state: 'FINISHED',
  outputs: [],
});

const cluster = await startProcessCluster({ workers: 2, slots: 2, prefix: PREFIX });
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: PREFIX, timeoutMs: 60_000 });
// the coordinator's NATS user may publish every internal subject (as a stolen member credential would)
const member = cluster.natsUsers!.coordinator;
const anon = await connect({ servers: cluster.natsUrl });
const asMember = await connect({ servers: cluster.natsUrl, user: member.user, pass: member.password });
const signer = new Membership({ secret: cluster.sharedSecret, sender: 'worker-1', isInternal: () => true });
const impostor = new Membership({
  secret: 'not-the-secret-of-this-cluster',
  sender: 'worker-1',
  isInternal: () => true,
});
const expected = JSON.stringify((await client.query(REFERENCE)).rows);
const rssBefore = rssOf(cluster.coordinator!.process.pid!);
const replies = new Map<string, Map<string, number>>();
let wrongResults = 0;
let deaths = 0;
let sqlOutcomes = new Map<string, number>();
let internalErrors = 0;
let rssAfter = 0;
try {
  for (const plan of subjectPlans()) {
    for (const sender of plan.senders) {
      for (let n = 0; n < messages; n++) await send(plan, sender);
      await checkHealth(`${plan.name} as ${sender}`);
    }
  }
  sqlOutcomes = await runSqlMutants();
  await checkHealth('SQL mutants');
  rssAfter = rssOf(cluster.coordinator!.process.pid!);
} finally {
  await anon.close();
  await asMember.close();
  await client.close();
  await cluster.stop();
}
const signing = await measureSigningRatio(signingQueries);

/** Sends one malformed or forged message; counts the reply's kind. */
async function send(plan: SubjectPlan, sender: Sender): Promise<void> {
  const subject = `${PREFIX}.${plan.subject('worker-1')}`;
  const body = garbage(plan.valid);
  const nc: NatsConnection = sender === 'client' ? anon : asMember;
  const headers =
    sender === 'member'
      ? signer.sign(subject, body)
      : sender === 'wrong-secret'
        ? impostor.sign(subject, body)
        : undefined;
  const key = `${plan.name} (${sender})`;
  let kind: string;
  if (!plan.ask) {
    nc.publish(subject, body, headers ? { headers } : {});
    kind = 'published';
  } else {
    try {
      const reply = await nc.request(subject, body, { timeout: 3000, ...(headers ? { headers } : {}) });
      kind = replyKind(reply.data);
    } catch (e) {
      kind = /timeout/i.test((e as Error).message) ? 'no reply' : 'refused by NATS';
    }
  }
  const counts = replies.get(key) ?? new Map<string, number>();
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
  replies.set(key, counts);
}

function replyKind(data: Uint8Array): string {
  try {
    const text = new TextDecoder().decode(data);
    const r = (text.startsWith('{') ? JSON.parse(text) : (unpack(data) as object)) as {
      ok?: boolean;
      error?: { code?: string; type?: string };
    };
    if (r.ok) return 'ok';
    if (r.error?.type === 'INTERNAL_ERROR') internalErrors++;
    return r.error?.code ?? 'error';
  } catch {
    return 'undecodable reply';
  }
}

/** A random msgpack or JSON value, a valid message broken in one place, or random bytes. */
function garbage(valid: () => unknown): Uint8Array {
  switch (rand(4)) {
    case 0:
      return pack(randomValue(3));
    case 1:
      return Buffer.from(
        JSON.stringify(randomValue(3), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? 'null',
      );
    case 2:
      return Uint8Array.from({ length: rand(64) }, () => rand(256));
    default:
      return pack(breakOne(valid()));
  }
}

function randomValue(depth: number): unknown {
  const pick = rand(depth > 0 ? 9 : 6);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand(2) === 0;
    case 2:
      return [0, -1, 2 ** 31, -(2 ** 53), 1e308, Number.NaN, 0.5][rand(7)];
    case 3:
      return ['', '>', '*', 'a.b', '../..', 'x'.repeat(rand(2) === 0 ? 10 : 70_000), 'ü'][rand(7)];
    case 4:
      return BigInt(2) ** BigInt(63) - BigInt(1);
    case 5:
      return new Uint8Array(rand(80));
    case 6:
      return Array.from({ length: rand(4) }, () => randomValue(depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rand(4) }, () => [
          ['sql', 'queryId', 'workerId', 'type', 'task', 'token', 'x'][rand(7)]!,
          randomValue(depth - 1),
        ]),
      );
  }
}

function breakOne(message: unknown): unknown {
  if (!message || typeof message !== 'object') return randomValue(1);
  const copy = { ...(message as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const k = keys[rand(keys.length)]!;
  if (rand(3) === 0) delete copy[k];
  else copy[k] = randomValue(1);
  return copy;
}

/** Every process alive, and the reference query exactly right. */
async function checkHealth(after: string): Promise<void> {
  for (const p of [cluster.coordinator!, ...cluster.workers]) {
    if (p.process.exitCode !== null || p.process.signalCode !== null) {
      deaths++;
      throw new Error(
        `${p.name} died after ${after} (exit ${p.process.exitCode}, signal ${p.process.signalCode})`,
      );
    }
  }
  const rows = JSON.stringify((await client.query(REFERENCE)).rows);
  if (rows !== expected) wrongResults++;
}

async function runSqlMutants(): Promise<Map<string, number>> {
  const seeds = seedQueries();
  const outcomes = new Map<string, number>();
  for (let n = 0; n < sqlMutants; n++) {
    const sql = mutate(seeds[rand(seeds.length)]!, rand);
    let outcome: string;
    try {
      await client.query(sql, { session: { catalog: 'tpch', schema: 'tiny' } });
      outcome = 'finished';
    } catch (e) {
      const err = e instanceof QuarryError ? e : undefined;
      if (err?.type === 'INTERNAL_ERROR') internalErrors++;
      outcome = err ? `${err.type}` : 'not a QuarryError';
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (n % 50 === 49) await checkHealth(`${n + 1} SQL mutants`);
  }
  return outcomes;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function subjectPlans(): SubjectPlan[] {
  const internal: Sender[] = ['client', 'unsigned', 'wrong-secret', 'member'];
  const plan = (
    name: string,
    ask: boolean,
    valid: () => unknown,
    senders: readonly Sender[] = ['client'],
  ) => ({
    name,
    subject: (w: string) => name.replace('<id>', name.startsWith('worker.') ? w : 'q1'),
    ask,
    senders,
    valid,
  });
  return [
    plan('query.submit', true, () => ({ sql: 'select 1' })),
    plan('query.<id>.results', true, () => ({ token: 0 })),
    plan('query.<id>.cancel', true, () => ({})),
    plan('coordinator.info', true, () => ({})),
    plan('coordinator.queries', true, () => ({ limit: 5 })),
    plan('worker.heartbeat', false, VALID_HEARTBEAT, internal),
    plan('coordinator.task-status', false, VALID_TASK_UPDATE, internal),
    plan('worker.<id>.tasks', true, () => ({ type: 'cancel', queryId: 'q1' }), internal),
    plan('worker.<id>.ping', true, () => ({}), internal),
  ];
}

const rows = [...replies].map(([key, counts]) => [
  key,
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', '),
]);
console.log(`\n${messages} messages per subject and sender; the reference query after each batch\n`);
console.log(table(['subject (sender)', 'replies by kind'], rows));
console.log(`\n${sqlMutants} SQL mutants: ${[...sqlOutcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(
  `process deaths ${deaths}, wrong results ${wrongResults}, internal errors ${internalErrors}; ` +
    `coordinator RSS ${round(rssBefore, 0)} MB before, ${round(rssAfter, 0)} MB after`,
);
console.log(
  `tiny query p50: signing on ${round(signing.p50[0]!, 1)} ms, off ${round(signing.p50[1]!, 1)} ms, ratio ${round(signing.ratio, 3)}`,
);
console.log(
  JSON.stringify({
    bench: 'fuzz',
    crashes: deaths,
    wrongResults,
    internalErrors,
    messagesPerSubject: messages,
    sqlMutants,
    coordinatorRssMbBefore: round(rssBefore, 0),
    coordinatorRssMbAfter: round(rssAfter, 0),
    signingRatio: round(signing.ratio, 3),
  }),
);
