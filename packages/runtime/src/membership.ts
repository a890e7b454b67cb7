import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { Counter } from 'prom-client';
import { PropertyReader, QuarryError, silentLogger, type Logger, type Properties } from '@quarry/common';
import {
  deriveKeys,
  openSecret,
  sealSecret,
  sign,
  Verifier,
  type ClusterKeys,
  type Refusal,
} from './signing.js';

/** The NATS headers a signature travels in. */
export const SIGNATURE_HEADERS = {
  sender: 'Quarry-Sender',
  time: 'Quarry-Time',
  nonce: 'Quarry-Nonce',
  signature: 'Quarry-Signature',
} as const;

export interface MembershipOptions {
  /** The cluster's `internal-communication.shared-secret`; never logged. */
  readonly secret: string;
  /** This member's id, signed into every message it sends (a worker id, `coordinator`). */
  readonly sender: string;
  /** Subjects only members speak on: their messages must be signed, and replies to asks on them too. */
  readonly isInternal: (subject: string) => boolean;
  readonly logger?: Logger;
  /** Accepted clock difference between signer and receiver; default 30 s. */
  readonly windowMs?: number;
  readonly nonceCapacity?: number;
  readonly now?: () => number;
}

const LOG_EVERY_MS = 60_000;
const MAX_LOGGED_SENDERS = 1000;

/**
 * A process's membership of a cluster: it signs what it sends, and on internal subjects accepts
 * only messages signed with the cluster's secret, inside the time window, never seen before. A
 * refused message is counted (`quarry_unauthenticated_messages_total{reason}`) and logged at most
 * once per claimed sender and minute. The shared secret proves membership, not identity: any member
 * can sign as any sender id; the sender check keeps one member's messages from being taken for
 * another's, and NATS permissions (deploy/nats) restrict what each member's user may publish.
 */
export class Membership {
  readonly sender: string;
  /** Unregistered: each actor adds it to its own registry. */
  readonly refusals = new Counter({
    name: 'quarry_unauthenticated_messages_total',
    help: 'Messages on internal subjects refused: unsigned, badly signed, stale, replayed, or speaking for another member',
    labelNames: ['reason'],
    registers: [],
  });
  private readonly keys: ClusterKeys;
  private readonly verifier: Verifier;
  private readonly logged = new Map<string, { at: number; suppressed: number }>();
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly options: MembershipOptions) {
    this.keys = deriveKeys(options.secret);
    this.sender = options.sender;
    this.verifier = new Verifier(this.keys.signing, {
      ...(options.windowMs !== undefined ? { windowMs: options.windowMs } : {}),
      ...(options.nonceCapacity !== undefined ? { nonceCapacity: options.nonceCapacity } : {}),
    });
    this.logger = options.logger ?? silentLogger();
    this.now = options.now ?? Date.now;
  }

  isInternal(subject: string): boolean {
    return this.options.isInternal(subject);
  }

  /** Headers that sign `body` for `subject` (adding to `into` when given). */
  sign(subject: string, body: Uint8Array, into?: MsgHdrs): MsgHdrs {
    const s = sign(this.keys.signing, { subject, body, sender: this.sender, now: this.now() });
    const h = into ?? natsHeaders();
    h.set(SIGNATURE_HEADERS.sender, s.sender);
    h.set(SIGNATURE_HEADERS.time, String(s.time));
    h.set(SIGNATURE_HEADERS.nonce, s.nonce);
    h.set(SIGNATURE_HEADERS.signature, s.signature);
    return h;
  }

  /**
   * The signer of a message received on `subject`, or a QuarryError `UNAUTHENTICATED_MESSAGE`
   * after counting and (rate-limited) logging the refusal.
   */
  verify(subject: string, body: Uint8Array, headers: MsgHdrs | undefined): string | QuarryError {
    const get = (k: string) => headers?.get(k) || undefined;
    const got = {
      sender: get(SIGNATURE_HEADERS.sender),
      time: get(SIGNATURE_HEADERS.time),
      nonce: get(SIGNATURE_HEADERS.nonce),
      signature: get(SIGNATURE_HEADERS.signature),
    };
    const r = this.verifier.verify(subject, body, got, this.now());
    if ('sender' in r) return r.sender;
    return this.refuse(subject, got.sender, r.refused);
  }

  /** Counts and logs a refusal; returns the error for the sender (when it expects a reply). */
  refuse(subject: string, claimedSender: string | undefined, reason: Refusal, detail = ''): QuarryError {
    this.refusals.inc({ reason });
    this.logRateLimited(subject, claimedSender, reason, detail);
    return new QuarryError(
      'UNAUTHENTICATED_MESSAGE',
      `Message on ${subject} refused (${reason}${detail ? `: ${detail}` : ''}): internal subjects take only messages signed with the cluster's shared secret`,
    );
  }

  /** Seals a secret carried inside a message for members only (see signing.ts). */
  seal(plain: Uint8Array, context: string): Uint8Array {
    return sealSecret(this.keys.sealing, plain, context);
  }

  open(sealed: Uint8Array, context: string): Uint8Array {
    return openSecret(this.keys.sealing, sealed, context);
  }

  private logRateLimited(
    subject: string,
    claimed: string | undefined,
    reason: Refusal,
    detail: string,
  ): void {
    const now = this.now();
    const key = /^[A-Za-z0-9_.-]{1,128}$/.test(claimed ?? '') ? claimed! : '(unsigned or unreadable)';
    const entry = this.logged.get(key);
    if (entry && now - entry.at < LOG_EVERY_MS) {
      entry.suppressed++;
      return;
    }
    if (!entry && this.logged.size >= MAX_LOGGED_SENDERS) {
      for (const [k, e] of this.logged) if (now - e.at >= LOG_EVERY_MS) this.logged.delete(k);
      if (this.logged.size >= MAX_LOGGED_SENDERS) return;
    }
    this.logged.set(key, { at: now, suppressed: 0 });
    this.logger.warn(
      {
        subject,
        sender: key,
        reason,
        ...(detail ? { detail } : {}),
        suppressedBefore: entry?.suppressed ?? 0,
      },
      'refused a message on an internal subject (counted in quarry_unauthenticated_messages_total)',
    );
  }
}

/**
 * Wraps a handler of an internal subject whose messages name the member they come from (a
 * heartbeat's or task update's `workerId`): a message whose claim differs from its signer is
 * refused. Without membership (an insecure cluster) the handler runs as is.
 */
export function speaksFor<M, R>(
  claim: (message: M) => unknown,
  handler: (message: M, ctx: { subject: string; sender?: string; membership?: Membership }) => R,
): (message: M, ctx: { subject: string; sender?: string; membership?: Membership }) => R {
  return (message, ctx) => {
    if (ctx.membership && ctx.sender !== undefined) {
      const claimed = message && typeof message === 'object' ? claim(message) : undefined;
      if (claimed !== ctx.sender)
        throw ctx.membership.refuse(
          ctx.subject,
          ctx.sender,
          'wrong-sender',
          `signed by ${ctx.sender}, speaks for ${typeof claimed === 'string' ? claimed.slice(0, 128) : typeof claimed}`,
        );
    }
    return handler(message, ctx);
  };
}

/** How a coordinator or worker talks to the rest of its cluster (config.properties). */
export interface InternalCommunication {
  /** `internal-communication.shared-secret`: every member has the same; never logged. */
  readonly sharedSecret?: string;
  /** `internal-communication.insecure=true`: run without a secret, accepting anything on NATS. */
  readonly insecure?: boolean;
}

/**
 * The membership a coordinator or worker runs with: none only when the configuration says
 * `internal-communication.insecure=true` (loudly logged); a missing secret otherwise stops it.
 */
export function membershipFor(
  config: InternalCommunication | undefined,
  options: Omit<MembershipOptions, 'secret'> & { readonly role: string },
): Membership | undefined {
  if (config?.sharedSecret !== undefined) {
    const { role: _role, ...rest } = options;
    return new Membership({ ...rest, secret: config.sharedSecret });
  }
  if (config?.insecure) {
    options.logger?.warn(
      'internal-communication.insecure=true: internal messages are neither signed nor checked, and anyone who can publish on NATS can act as a cluster member',
    );
    return undefined;
  }
  throw new QuarryError(
    'INVALID_CONFIGURATION',
    `The ${options.role} needs the cluster's shared secret: set internal-communication.shared-secret in config.properties, the environment variable QUARRY_SHARED_SECRET, or --shared-secret-file FILE (or internal-communication.insecure=true to run without one, letting anyone on NATS act as a cluster member)`,
  );
}

/** The cluster's shared secret and its insecure opt-out, read by coordinator and workers alike. */
export const INTERNAL_COMMUNICATION_PROPERTY_NAMES = [
  'internal-communication.shared-secret',
  'internal-communication.insecure',
] as const;

export function internalCommunicationFromProperties(
  props: Properties,
  source = 'config.properties',
): InternalCommunication {
  const r = new PropertyReader(props, source);
  const sharedSecret = r.optionalString('internal-communication.shared-secret')?.trim();
  const insecure = r.boolean('internal-communication.insecure', false);
  return { ...(sharedSecret ? { sharedSecret } : {}), ...(insecure ? { insecure } : {}) };
}
