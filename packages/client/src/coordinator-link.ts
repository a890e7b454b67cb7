import { QuarryError, formatDuration } from '@quarry/common';
import {
  NoRespondersError,
  RequestError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
} from '@nats-io/transport-node';
import { decode, encode, unwrapReply, type ActorSystem, type Decoder } from '@quarry/runtime';

export interface CoordinatorLinkOptions {
  readonly system: ActorSystem;
  /** How long one request waits for its reply. */
  readonly timeoutMs: number;
  /** How long requests are retried while no coordinator answers (`query.client.timeout`). */
  readonly clientTimeoutMs: number;
}

/** One request to the coordinator, sent as the same bytes (and headers) on every try. */
export interface CoordinatorRequest<R> {
  readonly address: string;
  readonly message: unknown;
  readonly decode: Decoder<R>;
  /** What was asked, for the error when no coordinator answers: `submitting query X`. */
  readonly what: string;
  readonly headers?: MsgHdrs;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1000;
/** The shortest wait of a try, so that the last one near the deadline still has a chance. */
const MIN_TRY_MS = 200;

/**
 * The client's requests to the coordinator, carried through its absence: while coordinators fail
 * over (a standby takes over within seconds) a request gets NATS "no responders" or no reply at
 * all, and is sent again — the same bytes, with backoff from 100 ms doubling to 1 s — until
 * `clientTimeoutMs` has passed since the first try; then it fails with COORDINATOR_UNAVAILABLE.
 * Only an unanswered request is retried: any reply, an error reply included, is the answer, and
 * other messaging failures (a closed connection, a permission violation) are thrown at once.
 */
export class CoordinatorLink {
  constructor(private readonly o: CoordinatorLinkOptions) {}

  get clientTimeoutMs(): number {
    return this.o.clientTimeoutMs;
  }

  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  /** Sends the request until a coordinator answers; returns the reply's value, checked by `decode`. */
  async ask<R>(request: CoordinatorRequest<R>): Promise<R> {
    const subject = this.o.system.subject(request.address);
    const msg = await this.exchange(subject, request);
    const value = unwrapReply<unknown>(decode(msg.data), subject);
    try {
      return request.decode(value);
    } catch (e) {
      throw this.o.system.invalid.refused(subject, subject, e);
    }
  }

  /** Sends the request until a coordinator answers, whatever it answers (the coordinator is there). */
  async reach(request: Omit<CoordinatorRequest<unknown>, 'decode'>): Promise<void> {
    await this.exchange(this.o.system.subject(request.address), request);
  }

  private async exchange(
    subject: string,
    request: Omit<CoordinatorRequest<unknown>, 'decode'>,
  ): Promise<Msg> {
    const { nc } = this.o.system;
    const bytes = encode(request.message);
    const started = Date.now();
    const deadline = started + this.o.clientTimeoutMs;
    for (let tries = 1, wait = FIRST_BACKOFF_MS; ; tries++, wait = Math.min(wait * 2, MAX_BACKOFF_MS)) {
      const timeout = Math.min(this.o.timeoutMs, Math.max(deadline - Date.now(), MIN_TRY_MS));
      try {
        return await nc.request(subject, bytes, {
          timeout,
          ...(request.headers ? { headers: request.headers } : {}),
        });
      } catch (e) {
        const why = unanswered(e, timeout);
        if (!why)
          throw new QuarryError(
            'MESSAGING_ERROR',
            `${capitalized(request.what)} failed: ${(e as Error).message}`,
            {
              cause: e,
            },
          );
        const left = deadline - Date.now();
        if (left <= 0) throw this.unavailable(request.what, { started, tries, why, cause: e });
        await new Promise((r) => setTimeout(r, Math.min(wait, left)));
      }
    }
  }

  private unavailable(
    what: string,
    t: { started: number; tries: number; why: string; cause: unknown },
  ): QuarryError {
    return new QuarryError(
      'COORDINATOR_UNAVAILABLE',
      `No coordinator answered for ${formatDuration(Date.now() - t.started)}: ${what} (${t.tries} tries, ` +
        `the last: ${t.why}; the client's query.client.timeout is ${formatDuration(this.o.clientTimeoutMs)})`,
      { cause: t.cause },
    );
  }
}

/** Why a request went unanswered — nobody listens, or no reply came — or undefined for other failures. */
function unanswered(e: unknown, timeoutMs: number): string | undefined {
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    if (c instanceof NoRespondersError || (c instanceof RequestError && c.isNoResponders()))
      return 'no coordinator is listening';
    if (c instanceof TimeoutError) return `no reply within ${formatDuration(timeoutMs)}`;
  }
  return undefined;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
