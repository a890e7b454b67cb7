import { createHash } from 'node:crypto';
import { isPathSegment, pathSegment } from '@quarry/storage';

/**
 * Where each attempt's files go, in one place.
 *
 *   <base>/[<shard>/]<queryId>/<exchangeId>/<taskPartition>.<attempt>/<partition>.<seq>.qx
 *
 * - `base` is `bases[(exchangeOrdinal + taskPartition) mod n]`: consecutive tasks of an exchange go
 *   to consecutive base directories and each exchange starts one further along, so the files of a
 *   query are spread evenly over them (within one task's files per directory).
 * - `shard` (storage with `prefixShards` > 1, i.e. S3) is one hex digit, the first 4 bytes of
 *   SHA-256(`queryId/exchangeId/taskPartition`) mod 16: the tasks of one query write under 16
 *   different leading prefixes, so S3's per-prefix request rate (3,500 writes/s) is not one hot
 *   prefix's. All attempts of a task share a shard. The price: removing a query or an exchange
 *   looks under each shard (16 listings per base directory, run together).
 *
 * Every component taken from an id (query, exchange, task partition, attempt, exchange ordinal)
 * passes `@quarry/storage`'s `pathSegment` before a URI is built: ids arrive in messages, and a `..`
 * or a `/` in one must never write, read or delete outside the query's directory. A file named to a
 * reader is accepted only if {@link ExchangeLayout.queryOf} places it in the query's directory.
 */
export interface AttemptId {
  readonly queryId: string;
  readonly exchangeId: string;
  readonly exchangeOrdinal: number;
  readonly taskPartition: number;
  readonly attempt: number;
}

export class ExchangeLayout {
  private readonly shardNames: readonly string[];

  constructor(
    readonly bases: readonly string[],
    shards: number,
  ) {
    const width = shards > 1 ? (shards - 1).toString(16).length : 0;
    this.shardNames =
      shards > 1 ? Array.from({ length: shards }, (_, i) => i.toString(16).padStart(width, '0')) : [];
  }

  baseFor(exchangeOrdinal: number, taskPartition: number): string {
    const n = this.bases.length;
    const ordinal = Number(pathSegment('exchange ordinal', exchangeOrdinal));
    const task = Number(pathSegment('task partition', taskPartition));
    return this.bases[(ordinal + task) % n]!;
  }

  attemptDir(id: AttemptId): string {
    const queryId = pathSegment('query id', id.queryId);
    const exchangeId = pathSegment('exchange id', id.exchangeId);
    const task = pathSegment('task partition', id.taskPartition);
    const attempt = pathSegment('attempt', id.attempt);
    const base = this.baseFor(id.exchangeOrdinal, id.taskPartition);
    const shard = this.shardOf(queryId, exchangeId, task);
    return `${base}${shard}/${queryId}/${exchangeId}/${task}.${attempt}`;
  }

  fileUri(attemptDir: string, partition: number, seq: number): string {
    return `${attemptDir}/${pathSegment('partition', partition)}.${pathSegment('file sequence', seq)}.qx`;
  }

  /** Every directory that may hold files of the query: each base directory, each shard. */
  queryDirs(queryId: string): string[] {
    const id = pathSegment('query id', queryId);
    return this.bases.flatMap((b) => this.shardPrefixes(b).map((p) => `${p}/${id}`));
  }

  exchangeDirs(queryId: string, exchangeId: string): string[] {
    const id = pathSegment('exchange id', exchangeId);
    return this.queryDirs(queryId).map((d) => `${d}/${id}`);
  }

  /**
   * Whether `uri` names a finished exchange file of the query, laid out by this class under one of
   * the base directories: compared as text against the normalized base directories, segment by
   * segment, so `..`, `.`, percent-encoded characters, another scheme, another bucket or host, or
   * another query's directory are all refused.
   */
  ownsFile(queryId: string, uri: unknown): boolean {
    if (typeof uri !== 'string') return false;
    return this.bases.some((base) => {
      const owner = this.queryOf(base, uri);
      return owner !== undefined && owner.queryId === queryId && !uri.endsWith('.tmp');
    });
  }

  /**
   * The query a file found under a base directory belongs to, and the query's directory there;
   * undefined for anything not laid out by this class (never touched by cleanup).
   */
  queryOf(base: string, uri: string): { queryId: string; dir: string } | undefined {
    if (!uri.startsWith(`${base}/`)) return undefined;
    const segments = uri.slice(base.length + 1).split('/');
    const sharded = this.shardNames.length > 0;
    const shard = sharded ? segments.shift() : undefined;
    if (shard !== undefined && !this.shardNames.includes(shard)) return undefined;
    const [queryId, exchangeId, attempt, file] = segments;
    if (segments.length !== 4 || !isPathSegment(queryId) || !isPathSegment(exchangeId)) return undefined;
    if (!/^\d+\.\d+$/.test(attempt!) || !/^\d+\.\d+\.qx(\.tmp)?$/.test(file!)) return undefined;
    return { queryId: queryId!, dir: `${base}${shard === undefined ? '' : `/${shard}`}/${queryId}` };
  }

  private shardOf(queryId: string, exchangeId: string, taskPartition: string): string {
    if (this.shardNames.length === 0) return '';
    const h = createHash('sha256').update(`${queryId}/${exchangeId}/${taskPartition}`).digest();
    return `/${this.shardNames[h.readUInt32BE(0) % this.shardNames.length]}`;
  }

  private shardPrefixes(base: string): string[] {
    return this.shardNames.length === 0 ? [base] : this.shardNames.map((s) => `${base}/${s}`);
  }
}
