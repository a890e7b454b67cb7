import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { Logger } from '@quarry/common';

/**
 * JetStream where durability is needed: streams that capture subjects *without acknowledging
 * publishers* (`no_ack`, unless `acknowledge`), so that plain core request/reply on those subjects keeps working while
 * every message is also stored. Used for submissions (a query published while no coordinator runs
 * is executed when one starts) and for status events (a late subscriber replays a query's history).
 */
export interface StreamSpec {
  readonly name: string;
  readonly subjects: readonly string[];
  /** `workqueue`: a message is gone once a consumer acknowledged it; `limits`: kept until `maxAgeMs`. */
  readonly retention: 'workqueue' | 'limits';
  readonly maxAgeMs: number;
  /** Messages with the same `Nats-Msg-Id` header within this window are stored once. */
  readonly duplicateWindowMs?: number;
  /**
   * Whether a publisher that asks (a reply subject) gets the stream's acknowledgement, as
   * `StreamPublisher` needs. Off for subjects used for core request/reply, where the stream's
   * acknowledgement would be taken for the reply.
   */
  readonly acknowledge?: boolean;
}

const ms = (n: number) => Math.round(n * 1_000_000);

/** Headers that make a stream store a message once per `id` within its `duplicateWindowMs`. */
export function storedOnce(id: string): MsgHdrs {
  const h = headers();
  h.set('Nats-Msg-Id', id);
  return h;
}

/** A JetStream stream name for a subject prefix: `quarry` → `QUARRY_<SUFFIX>`. */
export function streamName(prefix: string, suffix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_${suffix}`;
}

/** Creates or updates a stream; false (with a warning) when the server has no JetStream. */
export async function ensureStream(nc: NatsConnection, spec: StreamSpec, logger?: Logger): Promise<boolean> {
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (e) {
    logger?.warn(
      { err: e },
      'JetStream is not available on this NATS server: durable submissions and event replay are off',
    );
    return false;
  }
  const config = {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    max_age: ms(spec.maxAgeMs),
    no_ack: !spec.acknowledge,
    ...(spec.duplicateWindowMs !== undefined
      ? { duplicate_window: ms(Math.min(spec.duplicateWindowMs, spec.maxAgeMs)) }
      : {}),
  };
  try {
    await jsm.streams.info(spec.name);
    await jsm.streams.update(spec.name, config);
  } catch (e) {
    if (!/not found/i.test((e as Error).message)) throw e;
    await jsm.streams.add(config);
  }
  return true;
}

export interface StoredMessage {
  readonly data: Uint8Array;
  readonly seq: number;
  /** When the message was stored (ms since the epoch). */
  readonly time: number;
}

export interface DurableConsumerOptions {
  readonly stream: string;
  /** The durable consumer's name: made if missing, resumed where it stopped otherwise. */
  readonly durable: string;
  readonly handler: (m: StoredMessage) => Promise<void>;
  /** How long a message whose handler threw waits before it comes again; 1 s by default. */
  readonly retryDelayMs?: number;
  readonly logger?: Logger;
}

/**
 * Consumes a stream through a durable consumer, one message at a time, acknowledging each once
 * `handler` resolved. A handler that throws gets the message again after `retryDelayMs`.
 */
export async function consumeDurable(
  nc: NatsConnection,
  options: DurableConsumerOptions,
): Promise<{ stop(): Promise<void> }> {
  const { stream, durable, handler } = options;
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.consumers.info(stream, durable);
  } catch {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  }
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 1 });
  const done = (async () => {
    for await (const m of messages) {
      try {
        await handler({ data: m.data, seq: m.seq, time: Math.floor(Number(m.info.timestampNanos) / 1e6) });
        m.ack();
      } catch (e) {
        options.logger?.warn({ err: e, seq: m.seq }, 'stored message not handled; it comes again');
        m.nak(options.retryDelayMs ?? 1000);
      }
    }
  })();
  return {
    async stop() {
      await messages.close().catch(() => {});
      await done.catch(() => {});
    },
  };
}

/** Whether a stream exists (and JetStream is there at all). */
export async function streamExists(nc: NatsConnection, stream: string): Promise<boolean> {
  try {
    await (await jetstreamManager(nc)).streams.info(stream);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every stored message on `subject` from the beginning, then new ones as they come (an ordered
 * consumer), with how many were stored when it started. Undefined when the stream does not exist.
 */
export async function replay(
  nc: NatsConnection,
  stream: string,
  subject: string,
): Promise<{ messages: ConsumerMessages; pendingAtStart: number } | undefined> {
  try {
    const consumer = await jetstream(nc).consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.All,
    });
    const info = await consumer.info();
    return { messages: await consumer.consume(), pendingAtStart: info.num_pending };
  } catch (e) {
    if (/not found|no responders|jetstream not enabled/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** The data of the last message a stream stored on `subject`; undefined when there is none (or no stream). */
export async function lastStored(
  nc: NatsConnection,
  stream: string,
  subject: string,
): Promise<Uint8Array | undefined> {
  try {
    const msg = await (await jetstreamManager(nc)).streams.getMessage(stream, { last_by_subj: subject });
    return msg?.data;
  } catch {
    return undefined;
  }
}
