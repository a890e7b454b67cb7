import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { QuarryError } from '@quarry/common';

/**
 * Who may read a query's results, cancel it or see it listed: whoever holds its capability (the
 * client that submitted it), or an admin token configured on the coordinator.
 *
 * A capability is HMAC-SHA256(key, queryId ‖ clientSecret) in base64url: the client chooses the
 * secret once per submission and sends it again with any retry of that submission, so a retry gets
 * the same capability, while someone who only knows (or guesses) the query id cannot claim it. The
 * key is derived from the cluster's shared secret, so every coordinator of the cluster issues the
 * same capabilities; without a shared secret it is random per process. The coordinator keeps only a
 * capability's SHA-256 (with the query, in Redis), never the capability itself.
 */
export class Capabilities {
  private constructor(
    private readonly key: Buffer,
    private readonly adminTokenHash: Buffer | undefined,
  ) {}

  static create(options: {
    sharedSecret?: string | undefined;
    adminToken?: string | undefined;
  }): Capabilities {
    const key = options.sharedSecret
      ? Buffer.from(
          hkdfSync('sha256', Buffer.from(options.sharedSecret, 'utf8'), 'quarry', 'query capability', 32),
        )
      : randomBytes(32);
    return new Capabilities(key, options.adminToken ? sha256(options.adminToken) : undefined);
  }

  /** A secret for a submission that brought none (its retries then cannot get the capability). */
  static randomClientSecret(): string {
    return randomBytes(24).toString('base64url');
  }

  issue(queryId: string, clientSecret: string): string {
    return createHmac('sha256', this.key).update(`${queryId}\0${clientSecret}`).digest('base64url');
  }

  /** What is stored in place of a capability. */
  static hash(capability: string): string {
    return sha256(capability).toString('hex');
  }

  isAdmin(token: string | undefined): boolean {
    return (
      token !== undefined &&
      this.adminTokenHash !== undefined &&
      timingSafeEqual(sha256(token), this.adminTokenHash)
    );
  }

  /** Whether `presented` is the capability whose hash is `storedHash`, or an admin token. */
  allows(storedHash: string | undefined, presented: Presented): boolean {
    if (this.isAdmin(presented.adminToken)) return true;
    if (storedHash === undefined || presented.capability === undefined) return false;
    const given = Buffer.from(Capabilities.hash(presented.capability), 'hex');
    const stored = Buffer.from(storedHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  /** Throws ACCESS_DENIED unless {@link allows}; the message says what is needed, not what is known. */
  check(queryId: string, storedHash: string | undefined, presented: Presented, what: string): void {
    if (this.allows(storedHash, presented)) return;
    throw new QuarryError(
      'ACCESS_DENIED',
      `Access denied: ${what} of query ${queryId} needs the capability its submission returned (or an admin token)`,
    );
  }
}

export interface Presented {
  readonly capability?: string | undefined;
  readonly adminToken?: string | undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
