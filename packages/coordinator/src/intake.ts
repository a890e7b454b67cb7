import { createHash } from 'node:crypto';
import { QuarryError, type Logger } from '@quarry/common';
import { isStaleEpoch } from './fencing.js';
import type { SubmitReply } from '@quarry/protocol';
import {
  consumeDurable,
  decodeLenient,
  encode,
  type ActorSystem,
  type Reply,
  type WireFormat,
} from '@quarry/runtime';

export interface IntakeOptions {
  readonly system: ActorSystem;
  readonly logger: Logger;
  /** Largest message accepted, in bytes. */
  readonly maxBytes: number;
  /**
   * Runs a decoded submission; throws a QuarryError when it is refused. Calls `recorded` once the
   * query is recorded (before its reply, which may wait for planning).
   */
  readonly submit: (raw: unknown, size: number, recorded: () => void) => Promise<SubmitReply>;
  /** Told of messages refused before they could be read (too large, not JSON or msgpack). */
  readonly refused: (error: QuarryError) => Promise<void>;
  /** The JetStream stream capturing the submit subject; undefined without JetStream. */
  readonly stream: string | undefined;
}

const PAIRING_TTL_MS = 60_000;
/** How long a request naming its query id waits for its stored copy's outcome before it runs itself. */
const UNPAIRED_RESUBMISSION_MS = 2_000;

/**
 * Takes submissions from `query.submit`. Without JetStream, a plain subscription runs each one and
 * answers its reply subject. With JetStream, the subject is captured by a stream (which answers no
 * one), and submissions are *run only from the stream* through a durable consumer — so one published
 * while no coordinator was running runs when one starts, once. A plain subscription on the subject
 * only remembers reply subjects; a reply and the outcome of a stored submission are paired by the
 * message's bytes, whichever arrives first waiting for the other. A submission that names its query
 * id is one query however often it is sent: its outcome answers every try waiting for it (the
 * latest may still be listening, when the earlier ones timed out during planning), and a try that
 * comes after it was delivered runs at once, to be answered as already submitted. Identical bytes
 * without a query id are separate submissions: first come, first served.
 */
export class Intake {
  private readonly waitingReplies = new Map<string, { replyTo: string; at: number }[]>();
  private readonly waitingOutcomes = new Map<
    string,
    { outcome: (format: WireFormat) => Uint8Array; at: number }[]
  >();
  /** Submissions naming their query id whose outcome some try was given, and when. */
  private readonly delivered = new Map<string, number>();
  private stopConsumer: (() => Promise<void>) | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly o: IntakeOptions) {}

  async start(): Promise<void> {
    const { system } = this.o;
    const subject = system.subject('query.submit');
    if (!this.o.stream) {
      system.nc.subscribe(subject, {
        queue: 'coordinator',
        callback: (_e, msg) =>
          void this.run(msg.data).then(
            (outcome) => outcome && msg.reply && msg.respond(outcome(formatOf(msg.data))),
          ),
      });
      return;
    }
    system.nc.subscribe(subject, {
      queue: 'coordinator',
      callback: (_e, msg) => {
        if (msg.reply) this.pairReply(key(msg.data), msg.reply, msg.data);
      },
    });
    const consumer = await consumeDurable(system.nc, {
      stream: this.o.stream,
      durable: 'coordinator',
      // the stored submission is acknowledged once its query is recorded (a new leader runs it from
      // there), not when it is planned: the next submissions are not held up by this one's planning
      handler: async (m) => {
        let recorded!: () => void;
        const isRecorded = new Promise<void>((resolve) => (recorded = resolve));
        const outcome = this.run(m.data, recorded);
        void outcome.then((o) => o && this.pairOutcome(key(m.data), o, m.data));
        const ran = await Promise.race([isRecorded.then(() => true), outcome]);
        // not this coordinator's to run (a newer leader took over): delivered again, to that one
        if (!ran) throw new QuarryError('STALE_EPOCH', 'the submission is left to the newer leader');
      },
      logger: this.o.logger,
    });
    this.stopConsumer = () => consumer.stop();
    this.sweep = setInterval(() => this.forgetOld(), PAIRING_TTL_MS).unref();
  }

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    await this.stopConsumer?.();
  }

  /**
   * Runs one submission; returns its reply envelope, to encode in the requester's format — or
   * undefined when a newer leader took over before the query was recorded: no reply then, so that
   * the submitter's retry reaches that leader.
   */
  private async run(
    data: Uint8Array,
    recorded: () => void = () => {},
  ): Promise<((format: WireFormat) => Uint8Array) | undefined> {
    let reply: Reply<SubmitReply>;
    try {
      let raw: unknown;
      try {
        if (data.length > this.o.maxBytes) {
          throw new QuarryError(
            'QUERY_TEXT_TOO_LARGE',
            `Message of ${data.length} bytes exceeds the limit of ${this.o.maxBytes} bytes`,
          );
        }
        raw = decodeLenient(data, 'INVALID_SUBMISSION').value;
      } catch (e) {
        const err = QuarryError.wrap(e, 'INVALID_SUBMISSION');
        await this.o.refused(err);
        throw err;
      }
      reply = { ok: true, value: await this.o.submit(raw, data.length, recorded) };
    } catch (e) {
      if (isStaleEpoch(e)) return undefined;
      const { stack: _stack, ...error } = QuarryError.wrap(e).toData();
      reply = { ok: false, error };
    }
    return (format) => encode(reply, format);
  }

  private pairReply(k: string, replyTo: string, data: Uint8Array): void {
    const named = hasQueryId(data);
    const outcome = this.waitingOutcomes.get(k)?.shift();
    if (outcome) {
      if (named) this.delivered.set(k, Date.now());
      return void this.answer(replyTo, outcome.outcome(formatOf(data)));
    }
    if (named && this.delivered.has(k))
      return void this.run(data).then((o) => o && this.answer(replyTo, o(formatOf(data))));
    const waiting = { replyTo, at: Date.now() };
    push(this.waitingReplies, k, waiting);
    // A resubmission under a query id the stream has seen within its duplicate window (a client's
    // retry) is stored no more, so no outcome comes for it: after a while it is answered by running
    // it here. Running a submission that names its query id is idempotent (the coordinator claims
    // each id once), so this is safe even when the stored copy does run after all.
    if (named)
      setTimeout(() => {
        const list = this.waitingReplies.get(k);
        const i = list?.indexOf(waiting) ?? -1;
        if (i < 0) return;
        list!.splice(i, 1);
        void this.run(data).then((o) => o && this.answer(replyTo, o(formatOf(data))));
      }, UNPAIRED_RESUBMISSION_MS).unref();
  }

  private pairOutcome(k: string, outcome: (format: WireFormat) => Uint8Array, data: Uint8Array): void {
    const waiting = this.waitingReplies.get(k);
    if (waiting?.length && hasQueryId(data)) {
      // every try of this query that waits: the latest may still be listening
      const bytes = outcome(formatOf(data));
      for (const reply of waiting) this.answer(reply.replyTo, bytes);
      this.waitingReplies.delete(k);
      this.delivered.set(k, Date.now());
      return;
    }
    const reply = waiting?.shift();
    if (reply) return this.answer(reply.replyTo, outcome(formatOf(data)));
    push(this.waitingOutcomes, k, { outcome, at: Date.now() });
  }

  /**
   * Replies to a submitter. The connection may have closed meanwhile (this coordinator stopped
   * leading, its term's connection with it): the submitter's retry reaches the next leader, which
   * answers it, so the reply is dropped rather than thrown out of a callback (which ended the process).
   */
  private answer(replyTo: string, bytes: Uint8Array): void {
    try {
      this.o.system.nc.publish(replyTo, bytes);
    } catch (e) {
      this.o.logger.debug({ err: e }, 'cannot answer a submission: connection closed');
    }
  }

  private forgetOld(): void {
    const limit = Date.now() - PAIRING_TTL_MS;
    for (const [k, at] of this.delivered) if (at < limit) this.delivered.delete(k);
    for (const m of [this.waitingReplies, this.waitingOutcomes] as Map<string, { at: number }[]>[]) {
      for (const [k, list] of m) {
        const kept = list.filter((x) => x.at >= limit);
        if (kept.length) m.set(k, kept);
        else m.delete(k);
      }
    }
  }
}

/** Whether a submission names its query id (and so may run twice without running twice). */
function hasQueryId(data: Uint8Array): boolean {
  try {
    const raw = decodeLenient(data).value as { queryId?: unknown } | null;
    return typeof raw?.queryId === 'string';
  } catch {
    return false;
  }
}

function key(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** JSON for anything that looks like text (a human with a NATS client), msgpack otherwise. */
function formatOf(data: Uint8Array): WireFormat {
  try {
    return decodeLenient(data).format;
  } catch {
    for (const b of data.subarray(0, 256))
      if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return 'msgpack';
    return 'json';
  }
}
