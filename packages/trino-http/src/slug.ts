import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What a query's URIs carry, sealed: whose query it is and the capability that reads it. */
export interface SlugContent {
  readonly user: string;
  readonly capability: string;
}

/**
 * The secret part of a query's `nextUri` (Trino calls it the slug): the query's owner and
 * capability, sealed with AES-256-GCM under a key every coordinator of the cluster derives from the
 * shared secret, bound to the query id. Any coordinator's gateway can therefore serve the next page
 * of a query another one started (a failover, a load balancer), and nobody can read the capability
 * out of a URI or move it to another query.
 */
export class Slugs {
  private constructor(private readonly key: Buffer) {}

  /**
   * Keys from the cluster's `internal-communication.shared-secret`; without one
   * (`internal-communication.insecure=true`) a random key, so URIs are good on this process only.
   */
  static fromSecret(sharedSecret: string | undefined): Slugs {
    if (sharedSecret === undefined) return new Slugs(randomBytes(32));
    const key = hkdfSync('sha256', sharedSecret, 'quarry', 'trino-http nextUri slug v1', 32);
    return new Slugs(Buffer.from(key));
  }

  seal(queryId: string, content: SlugContent): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(queryId));
    const body = Buffer.concat([
      cipher.update(JSON.stringify([content.user, content.capability])),
      cipher.final(),
    ]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The content, or undefined for a slug that was not sealed for this query by this cluster. */
  open(queryId: string, slug: string): SlugContent | undefined {
    const bytes = Buffer.from(slug, 'base64url');
    if (bytes.length < 12 + 16 + 2 || bytes.length > 4096) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(queryId));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const text = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
      const parsed: unknown = JSON.parse(text.toString('utf8'));
      if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
      const [user, capability] = parsed as unknown[];
      return typeof user === 'string' && typeof capability === 'string' ? { user, capability } : undefined;
    } catch {
      return undefined;
    }
  }
}
