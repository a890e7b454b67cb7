import {
  connect,
  type NatsConnection,
  type Msg,
  type Subscription,
  type ConnectionOptions,
  type MsgHdrs,
} from '@nats-io/transport-node';
import { QuarryError, isErrorData, silentLogger, type ErrorData, type Logger } from '@quarry/common';
import { decode, decodeLenient, encode, type WireFormat } from './codec.js';
import { describeConnection, natsOptions, type NatsAuth, type NatsTls } from './connection.js';
import { InvalidMessages, senderOf, type Decoder } from './invalid-messages.js';
import { Mailbox } from './mailbox.js';
import type { Membership } from './membership.js';

/** The reply to every ask: a value, or an error that is rebuilt as a QuarryError by the asker. */
export type Reply<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorData };

export interface MessageContext {
  readonly subject: string;
  /** The format the message came in; replies go back in the same format. */
  readonly format: WireFormat;
  readonly size: number;
  /** On internal subjects of a member: the member that signed the message (see membership.ts). */
  readonly sender?: string;
  readonly membership?: Membership;
}

export type Handler<M, R> = (message: M, ctx: MessageContext) => Promise<R> | R;

export interface SpawnOptions {
  /** NATS queue group: several instances share the messages. */
  readonly queue?: string;
  /** Accept JSON as well as msgpack (for subjects humans publish to). */
  readonly acceptJson?: boolean;
  /** Messages larger than this are refused with an error reply, unread. */
  readonly maxMessageBytes?: number;
  /** Handles one message at a time (the default), or concurrently. */
  readonly sequential?: boolean;
  /** Told of messages refused before the handler saw them (too large, undecodable, invalid). */
  readonly onRefused?: (error: QuarryError) => void;
}

/** What a subscription delivers to: the subject as subscribed, its message's decoder, the handler. */
interface Actor<M, R> {
  readonly subject: string;
  readonly decode: Decoder<M>;
  readonly handler: Handler<M, R>;
  readonly options: SpawnOptions;
}

export interface ActorRef {
  readonly subject: string;
  readonly mailbox: Mailbox;
  stop(): void;
}

export interface ActorSystemOptions {
  readonly servers: string | string[];
  /** Credentials and TLS (see connection.ts); never logged. */
  readonly auth?: NatsAuth;
  readonly tls?: NatsTls;
  /** Subject prefix for every address; default `quarry`. */
  readonly prefix?: string;
  readonly name?: string;
  readonly logger?: Logger;
  readonly connectOptions?: Partial<ConnectionOptions>;
  /** Cluster membership: signs what this system sends, refuses unsigned messages on internal subjects. */
  readonly membership?: Membership;
}

export const DEFAULT_ASK_TIMEOUT_MS = 5000;

/**
 * Actors addressed by NATS subjects under a prefix. `spawn` binds a handler to an address and runs
 * its messages one at a time; `tell` publishes without waiting; `ask` is request/reply with a timeout.
 * Addresses are relative (`query.submit`); subjects are absolute (`quarry.query.submit`).
 *
 * Every message goes through its subscription's {@link Decoder} before any handler sees it: one
 * that does not decode is dropped, counted and logged by {@link InvalidMessages} (and answered with
 * the decoder's INVALID_MESSAGE error when a reply is expected). A handler that throws fails that
 * one message (an error reply when one is expected), never the subscription or the process.
 */
export class ActorSystem {
  private readonly subs = new Set<Subscription>();
  /** Messages dropped as invalid; `invalid.register(registry)` shows them on a metrics endpoint. */
  readonly invalid: InvalidMessages;

  constructor(
    readonly nc: NatsConnection,
    readonly prefix: string,
    readonly logger: Logger = silentLogger(),
    readonly membership?: Membership,
  ) {
    this.invalid = new InvalidMessages(logger);
  }

  static async connect(options: ActorSystemOptions): Promise<ActorSystem> {
    const logger = options.logger ?? silentLogger();
    const settings = {
      servers: options.servers,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    };
    try {
      const nc = await connect({
        servers: options.servers,
        ...(options.name ? { name: options.name } : {}),
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        ...(await natsOptions(settings)),
        ...options.connectOptions,
      });
      return new ActorSystem(nc, options.prefix ?? 'quarry', logger, options.membership);
    } catch (e) {
      throw new QuarryError(
        'MESSAGING_ERROR',
        `Cannot connect to NATS at ${describeConnection(settings)}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  subject(address: string): string {
    return `${this.prefix}.${address}`;
  }

  /** Binds `handler` to `address`; every message goes through `decodeMessage` first (see the class comment). */
  spawn<M, R>(
    address: string,
    decodeMessage: Decoder<M>,
    handler: Handler<M, R>,
    options: SpawnOptions = {},
  ): ActorRef {
    const subject = this.subject(address);
    const actor: Actor<M, R> = { subject, decode: decodeMessage, handler, options };
    const mailbox = new Mailbox((e) => this.logger.error({ err: e, subject }, 'actor failed'));
    const sub = this.nc.subscribe(subject, {
      ...(options.queue ? { queue: options.queue } : {}),
      callback: (err, msg) => {
        if (err) {
          this.logger.error({ err, subject }, 'subscription failed');
          return;
        }
        const job = () => this.deliver(msg, actor);
        if (options.sequential === false)
          void job().catch((e) => this.logger.error({ err: e, subject }, 'actor failed'));
        else mailbox.post(job);
      },
    });
    this.subs.add(sub);
    return {
      subject,
      mailbox,
      stop: () => {
        sub.unsubscribe();
        this.subs.delete(sub);
      },
    };
  }

  /**
   * A plain subscription with a mailbox, for absolute subjects and wildcards (events, heartbeats).
   * Messages may be msgpack or JSON; each goes through `decodeMessage` first, and is dropped when invalid.
   */
  listen<M>(subject: string, decodeMessage: Decoder<M>, handler: Handler<M, void>): ActorRef {
    const mailbox = new Mailbox((e) => this.logger.error({ err: e, subject }, 'listener failed'));
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        mailbox.post(async () => {
          const auth = this.authenticate(msg);
          if (auth instanceof QuarryError) return;
          let read: { value: M; format: WireFormat };
          try {
            const raw = decodeLenient(msg.data);
            read = { value: decodeMessage(raw.value), format: raw.format };
          } catch (e) {
            this.invalid.refused(subject, senderOf(msg), e);
            return;
          }
          await handler(read.value, {
            subject: msg.subject,
            format: read.format,
            size: msg.data.length,
            ...auth,
          });
        });
      },
    });
    this.subs.add(sub);
    return { subject, mailbox, stop: () => (sub.unsubscribe(), this.subs.delete(sub)) };
  }

  tell(address: string, message: unknown): void {
    this.publish(this.subject(address), message);
  }

  publish(subject: string, message: unknown): void {
    const bytes = encode(message);
    this.nc.publish(subject, bytes, this.signed(subject, bytes));
  }

  /** Publish options signing `bytes` for `subject` when this system is a cluster member. */
  signed(subject: string, bytes: Uint8Array): { headers: MsgHdrs } | undefined {
    return this.membership ? { headers: this.membership.sign(subject, bytes) } : undefined;
  }

  /**
   * On an internal subject of a member: the signer of a genuine message, or the refusal (already
   * counted and logged). Elsewhere, or without membership: nothing to check.
   */
  private authenticate(msg: Msg): { sender?: string; membership?: Membership } | QuarryError {
    const m = this.membership;
    if (!m?.isInternal(msg.subject)) return m ? { membership: m } : {};
    const sender = m.verify(msg.subject, msg.data, msg.headers);
    return sender instanceof QuarryError ? sender : { sender, membership: m };
  }

  /**
   * Request/reply. With `decodeReply`, the reply's value is checked before it is returned: one that
   * fails is counted as an invalid message and thrown as INVALID_MESSAGE.
   */
  async ask<R>(
    address: string,
    message: unknown,
    timeoutMs = DEFAULT_ASK_TIMEOUT_MS,
    decodeReply?: Decoder<R>,
  ): Promise<R> {
    const subject = this.subject(address);
    let msg: Msg;
    const bytes = encode(message);
    try {
      msg = await this.nc.request(subject, bytes, { timeout: timeoutMs, ...this.signed(subject, bytes) });
    } catch (e) {
      const text = (e as Error).message ?? String(e);
      const why = /no responders/i.test(text)
        ? 'no actor is listening'
        : /timeout/i.test(text)
          ? `no reply within ${timeoutMs} ms`
          : text;
      throw new QuarryError('MESSAGING_ERROR', `Ask ${subject} failed: ${why}`, { cause: e });
    }
    // a reply to an ask on an internal subject must come from a member too
    if (this.membership?.isInternal(subject)) {
      const sender = this.membership.verify(msg.subject, msg.data, msg.headers);
      if (sender instanceof QuarryError) throw sender;
    }
    const value = unwrapReply<unknown>(decode(msg.data), subject);
    if (!decodeReply) return value as R;
    try {
      return decodeReply(value);
    } catch (e) {
      throw this.invalid.refused(subject, subject, e);
    }
  }

  /** Flushes pending publishes and closes the connection. */
  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    this.subs.clear();
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }

  private async deliver<M, R>(msg: Msg, actor: Actor<M, R>): Promise<void> {
    let format: WireFormat = actor.options.acceptJson ? sniffFormat(msg.data) : 'msgpack';
    let reply: Reply<R>;
    try {
      const auth = this.authenticate(msg);
      if (auth instanceof QuarryError) throw auth;
      const read = this.read(msg, actor);
      format = read.format;
      const value = await actor.handler(read.message, {
        subject: msg.subject,
        format,
        size: msg.data.length,
        ...auth,
      });
      reply = { ok: true, value };
    } catch (e) {
      const err = QuarryError.wrap(e);
      if (err.type === 'INTERNAL_ERROR') this.logger.error({ err, subject: msg.subject }, 'handler failed');
      reply = { ok: false, error: errorForWire(err) };
    }
    if (!msg.reply) return;
    let bytes: Uint8Array;
    try {
      bytes = encode(reply, format);
    } catch (e) {
      const err = new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        `Cannot encode the reply on ${msg.subject}: ${(e as Error).message}`,
      );
      this.logger.error({ err, subject: msg.subject }, 'reply not encodable');
      bytes = encode({ ok: false, error: errorForWire(err) }, format);
    }
    msg.respond(bytes, this.membership?.isInternal(msg.subject) ? this.signed(msg.reply, bytes) : undefined);
  }

  /** Size check, bytes to value, value to message; anything wrong is counted and thrown as a refusal. */
  private read<M>(msg: Msg, actor: Actor<M, unknown>): { message: M; format: WireFormat } {
    const { options } = actor;
    try {
      if (options.maxMessageBytes !== undefined && msg.data.length > options.maxMessageBytes) {
        throw new QuarryError(
          'QUERY_TEXT_TOO_LARGE',
          `Message of ${msg.data.length} bytes exceeds the limit of ${options.maxMessageBytes} bytes`,
        );
      }
      const raw: { value: unknown; format: WireFormat } = options.acceptJson
        ? decodeLenient(msg.data)
        : { value: decode(msg.data), format: 'msgpack' };
      return { message: actor.decode(raw.value), format: raw.format };
    } catch (e) {
      const err = this.invalid.refused(actor.subject, senderOf(msg), e);
      options.onRefused?.(err);
      throw err;
    }
  }
}

function errorForWire(err: QuarryError): ErrorData {
  const { stack: _stack, ...data } = err.toData();
  return data;
}

/**
 * The format to answer in when a message cannot be decoded: JSON for anything that looks like text
 * (a human with a NATS client), msgpack otherwise.
 */
function sniffFormat(data: Uint8Array): WireFormat {
  const sample = data.subarray(0, 256);
  for (const b of sample) if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return 'msgpack';
  return Buffer.from(sample).toString('utf8').includes('\uFFFD') ? 'msgpack' : 'json';
}

/** True when an ask failed because nobody subscribes to its subject (NATS "no responders"). */
export function isNoResponders(e: unknown): boolean {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (/no responders|no actor is listening/i.test(c.message)) return true;
  }
  return false;
}

export function unwrapReply<R>(payload: unknown, subject: string): R {
  const r = payload as Partial<Reply<R>> | null;
  if (r && r.ok === true) return r.value as R;
  if (r && r.ok === false && isErrorData(r.error)) throw QuarryError.fromData(r.error);
  throw new QuarryError('MESSAGING_ERROR', `Malformed reply on ${subject}`);
}
