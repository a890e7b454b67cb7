import type { Subscription } from '@nats-io/transport-node';
import { decodeQueryEvent, type QueryEvent } from '@quarry/protocol';
import { decodeLenient, replay, senderOf, streamExists, type ActorSystem } from '@quarry/runtime';

/**
 * Status events on a subject, each checked by its schema: one that fails is dropped (and counted
 * in the client's invalid-message counter), never handed to the application. When the cluster keeps events (its JetStream events stream), every
 * iteration replays them from the first one, then follows; otherwise a plain subscription, started
 * by `start()`, buffers what arrives from then on.
 */
const RETRY_PAUSE_MS = 250;

export interface EventStreamOptions {
  /** The cluster's events stream. */
  readonly stream: string;
  /** How long a broken replay is started again before its error is thrown (60 s). */
  readonly retryForMs?: number;
  /** Whether the stream exists; asked of the broker when absent (the client asks once for all its queries). */
  readonly durable?: () => Promise<boolean>;
}

export class EventStream {
  private sub: Subscription | undefined;
  private readonly buffered: QueryEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private durable: boolean | undefined;
  private readonly closers = new Set<() => void>();

  private readonly stream: string;
  private readonly retryForMs: number;
  private readonly isDurable: () => Promise<boolean>;

  constructor(
    private readonly system: ActorSystem,
    private readonly subject: string,
    options: EventStreamOptions,
  ) {
    this.stream = options.stream;
    this.retryForMs = options.retryForMs ?? 60_000;
    this.isDurable = options.durable ?? (() => streamExists(this.nc, this.stream));
  }

  private get nc() {
    return this.system.nc;
  }

  /** The event in a message, or undefined (counted, logged) when the message is not a valid event. */
  private read(msg: { data: Uint8Array; subject: string; reply?: string }): QueryEvent | undefined {
    try {
      return decodeQueryEvent(decodeLenient(msg.data).value);
    } catch (e) {
      this.system.invalid.refused(this.subject, senderOf(msg), e);
      return undefined;
    }
  }

  async start(): Promise<void> {
    if (this.durable !== undefined) return;
    this.durable = await this.isDurable();
    if (this.durable) return;
    this.sub = this.nc.subscribe(this.subject, {
      callback: (_e, msg) => {
        const event = this.read(msg);
        if (!event) return;
        this.buffered.push(event);
        for (const w of [...this.waiters]) w();
      },
    });
    await this.nc.flush();
  }

  async *events(options: { follow: boolean }): AsyncIterable<QueryEvent> {
    await this.start();
    if (this.durable) yield* this.replayed(options.follow);
    else yield* this.subscribed(options.follow);
  }

  /**
   * Replays from the stream, then follows. A replay that breaks (the broker went away: its ordered
   * consumer cannot be made again until NATS is back) starts again, skipping the messages already
   * read — the stream keeps them in the same order —, for as long as `retryForMs` since it broke.
   */
  private async *replayed(follow: boolean): AsyncIterable<QueryEvent> {
    let read = 0;
    let total: number | undefined;
    let brokenSince: number | undefined;
    for (;;) {
      let r: Awaited<ReturnType<typeof replay>>;
      try {
        r = await replay(this.nc, this.stream, this.subject);
      } catch (e) {
        brokenSince = await this.pauseOrThrow(e, brokenSince);
        continue;
      }
      if (!r) return;
      total ??= r.pendingAtStart;
      const close = () => void r.messages.close();
      this.closers.add(close);
      try {
        if (!follow && read >= total) return;
        let index = 0;
        for await (const m of r.messages) {
          if (index++ < read) continue;
          read++;
          brokenSince = undefined;
          const event = this.read(m);
          if (event) yield event;
          if (!follow && read >= total) return;
        }
        if (!this.closers.has(close)) return; // closed by its reader
        brokenSince = await this.pauseOrThrow(new Error('The replay of events ended'), brokenSince);
      } catch (e) {
        if (!this.closers.has(close)) return;
        brokenSince = await this.pauseOrThrow(e, brokenSince);
      } finally {
        this.closers.delete(close);
        await r.messages.close().catch(() => {});
      }
    }
  }

  /** After a broken replay: waits a moment and says since when it is broken, or throws once that is too long. */
  private async pauseOrThrow(e: unknown, since: number | undefined): Promise<number> {
    const start = since ?? Date.now();
    if (Date.now() - start > this.retryForMs) throw e;
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    return start;
  }

  private async *subscribed(follow: boolean): AsyncIterable<QueryEvent> {
    for (let i = 0; ; i++) {
      while (i >= this.buffered.length) {
        if (!follow || !this.sub) return;
        await new Promise<void>((resolve) => {
          const w = () => {
            this.waiters.delete(w);
            this.closers.delete(w);
            resolve();
          };
          this.waiters.add(w);
          this.closers.add(w);
        });
      }
      yield this.buffered[i]!;
    }
  }

  close(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
    for (const c of [...this.closers]) c();
    this.closers.clear();
  }
}
