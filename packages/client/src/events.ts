import type { Subscription } from '@nats-io/transport-node';
import { decodeQueryEvent, type QueryEvent } from '@quarry/protocol';
import { decodeLenient, replay, senderOf, streamExists, type ActorSystem } from '@quarry/runtime';

/**
 * Status events on a subject, each checked by its schema: one that fails is dropped (and counted
 * in the client's invalid-message counter), never handed to the application. When the cluster keeps events (its JetStream events stream), every
 * iteration replays them from the first one, then follows; otherwise a plain subscription, started
 * by `start()`, buffers what arrives from then on.
 */
export class EventStream {
  private sub: Subscription | undefined;
  private readonly buffered: QueryEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private durable: boolean | undefined;
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly system: ActorSystem,
    private readonly stream: string,
    private readonly subject: string,
  ) {}

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
    this.durable = await streamExists(this.nc, this.stream);
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

  private async *replayed(follow: boolean): AsyncIterable<QueryEvent> {
    const r = await replay(this.nc, this.stream, this.subject);
    if (!r) return;
    const close = () => void r.messages.close();
    this.closers.add(close);
    try {
      if (!follow && r.pendingAtStart === 0) return;
      let seen = 0;
      for await (const m of r.messages) {
        const event = this.read(m);
        if (event) yield event;
        if (!follow && ++seen >= r.pendingAtStart) return;
      }
    } finally {
      this.closers.delete(close);
      await r.messages.close().catch(() => {});
    }
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
