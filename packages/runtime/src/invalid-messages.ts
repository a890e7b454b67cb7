import { Counter, type Registry } from 'prom-client';
import { QuarryError, type Logger } from '@quarry/common';

/**
 * Turns a value fresh off the wire into a typed message, or throws a QuarryError (INVALID_MESSAGE)
 * naming what is wrong. `@quarry/protocol` and `@quarry/cluster-protocol` make one per message type
 * from its schema; the runtime only calls them, and knows no schema.
 */
export type Decoder<M> = (value: unknown) => M;

const METRIC = 'quarry_invalid_messages_total';

/** A log line per sender per this long, however many bad messages it sends. */
const LOG_INTERVAL_MS = 60_000;
/** Senders remembered for rate limiting; beyond, the memory is reset (a flood of fake senders). */
const MAX_SENDERS = 10_000;

/**
 * Messages dropped before any handler saw them (undecodable bytes, a failed schema, too large):
 * counted in `quarry_invalid_messages_total{subject}` — the subscription's subject, wildcards and
 * all, so that hostile senders cannot grow the label set — and logged at most once per sender and
 * minute, so that a flood of them cannot flood the logs.
 */
export class InvalidMessages {
  readonly counter = new Counter({
    name: METRIC,
    help: 'Messages dropped as invalid (undecodable, failing their schema, or too large), by subscribed subject',
    labelNames: ['subject'],
    registers: [],
  });
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Makes the counter visible on a metrics registry (the coordinator's, a worker's). */
  register(registry: Registry): void {
    if (!registry.getSingleMetric(METRIC)) registry.registerMetric(this.counter);
  }

  /** How many were dropped on a subscribed subject so far. */
  async count(subject: string): Promise<number> {
    const values = (await this.counter.get()).values;
    return values.find((v) => v.labels['subject'] === subject)?.value ?? 0;
  }

  /**
   * Records one invalid message on `subject` (as subscribed) from `sender` (see {@link senderOf}).
   * Returns the error as a QuarryError, for a reply.
   */
  refused(subject: string, sender: string, error: unknown): QuarryError {
    const err = QuarryError.wrap(error, 'INVALID_MESSAGE');
    this.counter.inc({ subject });
    const now = this.now();
    const last = this.lastLogged.get(sender);
    if (last === undefined || now - last >= LOG_INTERVAL_MS) {
      if (this.lastLogged.size >= MAX_SENDERS) this.lastLogged.clear();
      this.lastLogged.set(sender, now);
      this.logger.warn(
        { subject, sender, code: err.code, reason: err.message.slice(0, 500) },
        'dropping invalid message (logged once per sender and minute)',
      );
    }
    return err;
  }
}

/**
 * Who sent a message, as far as NATS tells: a request's reply inbox names the requester's
 * connection (`_INBOX.<connection id>.…`); a plain publish names no one, so its subject stands in.
 */
export function senderOf(msg: { readonly subject: string; readonly reply?: string }): string {
  if (msg.reply) return msg.reply.split('.').slice(0, 2).join('.');
  return msg.subject;
}
