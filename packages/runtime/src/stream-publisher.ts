import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '@quarry/common';

/** Where messages that must be stored go: a stream that acknowledges, or plain NATS. */
export interface StoredPublisher {
  /** Sends `data` on `subject`; `id` (unique per message) lets the stream store a repeat once. */
  publish(subject: string, data: Uint8Array, o: { id: string; headers?: MsgHdrs | undefined }): void;
  /** Waits until every message so far is sent (and stored), at most `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
  close(): void;
}

export interface StreamPublisherOptions {
  /** Messages sent before waiting for their acknowledgements. */
  readonly window?: number;
  /** Messages kept while the stream cannot be reached; the oldest are dropped beyond it. */
  readonly maxQueued?: number;
  /** How long one message is sent again before it is given up (a stream deleted for good). */
  readonly giveUpMs?: number;
  /** How long one publish waits for its acknowledgement. */
  readonly ackTimeoutMs?: number;
  /**
   * Put before every message's id: publishers whose ids could meet (two leaders numbering the same
   * query's events) keep apart, so that the stream drops neither's message as the other's repeat.
   */
  readonly idPrefix?: string;
}

interface Pending {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly id: string;
  readonly headers: MsgHdrs | undefined;
  firstFailure?: number;
}

const MIN_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;

/**
 * Publishes into a JetStream stream that acknowledges, in order, and keeps what it could not store:
 * a message without acknowledgement (a broker outage, a restart, a lost connection) is sent again —
 * with its `Nats-Msg-Id`, so that the stream keeps it once — until it is stored, so a reader who
 * replays the stream finds no hole. Up to `window` messages are in flight at once; a failure sends
 * again from the first unacknowledged one (plain subscribers may see a repeat; readers of the
 * stream do not). Everything else (core subscribers) sees each message as it is first sent.
 */
export class StreamPublisher implements StoredPublisher {
  private readonly js: JetStreamClient;
  private readonly queue: Pending[] = [];
  private readonly waiters = new Set<() => void>();
  private pumping = false;
  private closed = false;
  private pauseMs = MIN_PAUSE_MS;
  private dropped = 0;
  private readonly window: number;
  private readonly maxQueued: number;
  private readonly giveUpMs: number;
  private readonly ackTimeoutMs: number;
  private readonly idPrefix: string;

  constructor(
    nc: NatsConnection,
    private readonly logger: Logger,
    o: StreamPublisherOptions = {},
  ) {
    this.js = jetstream(nc);
    this.window = o.window ?? 32;
    this.maxQueued = o.maxQueued ?? 100_000;
    this.giveUpMs = o.giveUpMs ?? 120_000;
    this.ackTimeoutMs = o.ackTimeoutMs ?? 5000;
    this.idPrefix = o.idPrefix ?? '';
  }

  /** Messages given up so far (the queue overflowed, or the stream would not take them). */
  get droppedCount(): number {
    return this.dropped;
  }

  publish(subject: string, data: Uint8Array, o: { id: string; headers?: MsgHdrs | undefined }): void {
    if (this.closed) return;
    if (this.queue.length >= this.maxQueued)
      this.drop(this.queue.shift()!, 'the queue of unsent messages is full');
    this.queue.push({ subject, data, id: `${this.idPrefix}${o.id}`, headers: o.headers });
    void this.pump();
  }

  async flush(timeoutMs: number): Promise<void> {
    if (this.queue.length === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) w();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.slice(0, this.window);
        const results = await Promise.allSettled(batch.map((m) => this.send(m)));
        const failed = results.findIndex((r) => r.status === 'rejected');
        this.queue.splice(0, failed < 0 ? batch.length : failed);
        if (failed < 0) {
          this.pauseMs = MIN_PAUSE_MS;
          continue;
        }
        this.failed(batch[failed]!, (results[failed] as PromiseRejectedResult).reason);
        await new Promise((r) => setTimeout(r, this.pauseMs));
        this.pauseMs = Math.min(this.pauseMs * 2, MAX_PAUSE_MS);
      }
    } finally {
      this.pumping = false;
      if (this.queue.length === 0) for (const w of [...this.waiters]) w();
    }
  }

  private send(m: Pending): Promise<unknown> {
    return this.js.publish(m.subject, m.data, {
      msgID: m.id,
      timeout: this.ackTimeoutMs,
      ...(m.headers ? { headers: m.headers } : {}),
    });
  }

  /** A message the stream did not acknowledge: sent again, unless it has failed for too long. */
  private failed(m: Pending, reason: unknown): void {
    const now = Date.now();
    m.firstFailure ??= now;
    if (now - m.firstFailure < this.giveUpMs) {
      this.logger.debug({ err: reason, subject: m.subject }, 'not stored yet: sending it again');
      return;
    }
    this.queue.splice(this.queue.indexOf(m), 1);
    this.drop(m, `not stored for ${Math.round((now - m.firstFailure) / 1000)} s: ${String(reason)}`);
  }

  private drop(m: Pending, why: string): void {
    this.dropped++;
    this.logger.warn({ subject: m.subject, id: m.id, dropped: this.dropped }, `message given up: ${why}`);
  }
}

/** Plain NATS, for a server without JetStream: nothing is stored, nothing to send again. */
export class PlainPublisher implements StoredPublisher {
  constructor(private readonly nc: NatsConnection) {}

  publish(subject: string, data: Uint8Array, o: { id: string; headers?: MsgHdrs | undefined }): void {
    this.nc.publish(subject, data, o.headers ? { headers: o.headers } : undefined);
  }

  async flush(): Promise<void> {}

  close(): void {}
}
