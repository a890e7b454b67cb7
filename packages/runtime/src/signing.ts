import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { QuarryError } from '@quarry/common';

/**
 * The cryptography of cluster membership: a cluster's shared secret
 * (`internal-communication.shared-secret`) is stretched with HKDF-SHA256 into two independent keys,
 * one that signs internal messages (HMAC-SHA256) and one that seals secrets carried inside them
 * (AES-256-GCM). Nothing here knows NATS: membership.ts carries signatures in message headers.
 */

/** Shortest shared secret accepted: a guessable secret authenticates nothing. */
export const MIN_SECRET_LENGTH = 16;
/** A message signed further than this from the receiver's clock (either way) is refused. */
export const DEFAULT_WINDOW_MS = 30_000;
/** Nonces remembered to refuse exact replays inside the window. */
export const DEFAULT_NONCE_CAPACITY = 100_000;

export interface ClusterKeys {
  readonly signing: Buffer;
  readonly sealing: Buffer;
}

export function deriveKeys(secret: string): ClusterKeys {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `internal-communication.shared-secret must be at least ${MIN_SECRET_LENGTH} characters long`,
    );
  const ikm = Buffer.from(secret, 'utf8');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, 'quarry', info, 32));
  return { signing: derive('quarry/v1/message-signing'), sealing: derive('quarry/v1/secret-sealing') };
}

/** What a signature covers besides the body, as carried beside it. */
export interface Envelope {
  /** The id of the member that signed (a worker id, `coordinator`). */
  readonly sender: string;
  /** Milliseconds since the epoch, on the signer's clock. */
  readonly time: number;
  /** Unique per message: the receiver refuses one it has seen inside the window. */
  readonly nonce: string;
}

export interface Signed extends Envelope {
  /** HMAC-SHA256, base64url. */
  readonly signature: string;
}

const SENDER = /^[A-Za-z0-9_.-]{1,128}$/;
const NONCE = /^[A-Za-z0-9_-]{8,64}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * HMAC over the subject, the envelope and the body. Every field but the body is checked against a
 * character set without the separator, so no two different (subject, envelope) pairs read the same.
 */
function mac(key: Buffer, subject: string, e: Envelope, body: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(`quarry-signature-v1\n${subject}\n${e.sender}\n${e.time}\n${e.nonce}\n`, 'utf8')
    .update(body)
    .digest();
}

/** A message to sign: its subject and body, who sends it and when (ms since the epoch). */
export interface MessageToSign {
  readonly subject: string;
  readonly body: Uint8Array;
  readonly sender: string;
  readonly now: number;
}

export function sign(key: Buffer, { subject, body, sender, now }: MessageToSign): Signed {
  const envelope = { sender, time: now, nonce: randomUUID().replace(/-/g, '') };
  return { ...envelope, signature: mac(key, subject, envelope, body).toString('base64url') };
}

/** Why a message was refused; also the `reason` label of the refusal metric. */
export type Refusal = 'unsigned' | 'malformed' | 'bad-signature' | 'stale' | 'replayed' | 'wrong-sender';

/** The parts of a signature as they arrived, each possibly missing or forged. */
export interface ReceivedSignature {
  readonly sender?: string;
  readonly time?: string;
  readonly nonce?: string;
  readonly signature?: string;
}

/**
 * Checks signatures, the time window and replays. One verifier per receiving process: it remembers
 * the nonces it accepted until they leave the window.
 */
export class Verifier {
  private readonly seen = new Map<string, number>();
  /** Messages signed at or before this time are refused: their nonces may have been forgotten. */
  private floor = 0;

  constructor(
    private readonly key: Buffer,
    private readonly options: { windowMs?: number; nonceCapacity?: number } = {},
  ) {}

  private get windowMs(): number {
    return this.options.windowMs ?? DEFAULT_WINDOW_MS;
  }

  /** The sender of a genuine message, or why it is refused. */
  verify(
    subject: string,
    body: Uint8Array,
    got: ReceivedSignature,
    now: number,
  ): { sender: string } | { refused: Refusal } {
    if (!got.signature && !got.sender && !got.time && !got.nonce) return { refused: 'unsigned' };
    const time = Number(got.time);
    if (
      !got.sender ||
      !SENDER.test(got.sender) ||
      !got.nonce ||
      !NONCE.test(got.nonce) ||
      !got.signature ||
      !SIGNATURE.test(got.signature) ||
      !/^\d{1,16}$/.test(got.time ?? '')
    )
      return { refused: 'malformed' };
    const envelope = { sender: got.sender, time, nonce: got.nonce };
    const expected = mac(this.key, subject, envelope, body);
    if (!timingSafeEqual(expected, Buffer.from(got.signature, 'base64url')))
      return { refused: 'bad-signature' };
    if (Math.abs(now - time) > this.windowMs || time <= this.floor) return { refused: 'stale' };
    if (!this.remember(`${got.sender}/${got.nonce}`, time, now)) return { refused: 'replayed' };
    return { sender: got.sender };
  }

  /** False when the nonce was seen. Keeps at most `nonceCapacity` nonces, forgetting the oldest. */
  private remember(nonce: string, time: number, now: number): boolean {
    if (this.seen.has(nonce)) return false;
    const capacity = this.options.nonceCapacity ?? DEFAULT_NONCE_CAPACITY;
    this.expire(now);
    // still full: forget the oldest, and refuse from now on whatever was signed before it
    while (this.seen.size >= capacity) {
      const [oldest, at] = this.seen.entries().next().value as [string, number];
      this.seen.delete(oldest);
      this.floor = Math.max(this.floor, at);
    }
    this.seen.set(nonce, time);
    return true;
  }

  /** Forgets nonces from the oldest on, up to the first one still inside the window. */
  private expire(now: number): void {
    for (const [nonce, time] of this.seen) {
      if (time >= now - this.windowMs) return;
      this.seen.delete(nonce);
      this.floor = Math.max(this.floor, time);
    }
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a secret (an exchange key) for the cluster's members: AES-256-GCM under the sealing key,
 * bound to `context` (the query id), so it opens only with the shared secret and only for that
 * context. Layout: IV (12 bytes), ciphertext, tag (16 bytes).
 */
export function sealSecret(key: Buffer, plain: Uint8Array, context: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`quarry-sealed-v1\n${context}`, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
}

export function openSecret(key: Buffer, sealed: Uint8Array, context: string): Uint8Array {
  const fail = () =>
    new QuarryError(
      'UNAUTHENTICATED_MESSAGE',
      `A sealed secret for ${context} does not open with this cluster's shared secret`,
    );
  if (sealed.length < IV_BYTES + TAG_BYTES) throw fail();
  const bytes = Buffer.from(sealed);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`quarry-sealed-v1\n${context}`, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return new Uint8Array(plain);
  } catch {
    throw fail();
  }
}
