import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from '@quarry/common';

/**
 * One leader among the cluster's coordinators, through a lease in Redis with a fencing token:
 *
 *   <prefix>:leader         STRING "<coordinatorId>|<epoch>", expiring after the lease timeout
 *   <prefix>:leader:epoch   STRING the newest epoch: a counter that only grows (INCR)
 *   <prefix>:coordinators   HASH   coordinatorId → JSON registration {role, epoch, host, pid, since, seen}
 *
 * A coordinator takes the lease only when nobody holds it (`SET NX` in a script that also bumps the
 * epoch), renews it every third of its timeout while it still holds it under the same epoch, and
 * deletes it when it stops. Every state transition a leader writes to Redis checks its epoch against
 * `<prefix>:leader:epoch` (see fencing.ts), and workers refuse commands of older epochs, so a
 * leader that was only paused past its lease can do no harm when it wakes up: its first write is
 * refused, and it steps down.
 *
 * The leader also stops acting on its own clock: the lease counts from the moment a renewal was
 * *sent*, and `isLeader()` is false from `leaseTimeout × 0.9` after the last successful one, before
 * any standby can have taken over (the monotonic clock keeps running while a process is stopped).
 * A leader whose lease lapsed (a long pause) takes it again at its next renewal when nobody else
 * took it — the epoch counter is still its own, so nobody else can have acted — and goes on.
 */
export interface LeadershipOptions {
  readonly redis: Redis;
  readonly prefix: string;
  readonly coordinatorId: string;
  readonly leaseTimeoutMs: number;
  readonly logger: Logger;
  /** This coordinator took the lease under `epoch`. */
  readonly elected: (epoch: number) => void;
  /** This coordinator lost the lease (renewal refused, or not renewed in time). */
  readonly deposed: (reason: string) => void;
}

export interface CoordinatorRegistration {
  readonly coordinatorId: string;
  readonly role: 'leader' | 'standby';
  readonly epoch: number;
  readonly host: string;
  readonly pid: number;
  readonly since: number;
  readonly seenAgeMs: number;
}

const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local epoch = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. epoch, 'PX', ARGV[2])
return epoch`;

// Renews the lease; a lease that lapsed while nobody took it (the epoch is still ours) is taken again:
// no other coordinator can have acted in between, so the term goes on.
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder == false and redis.call('GET', KEYS[2]) == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/** A registration not renewed for this long is a coordinator that is gone. */
const REGISTRATION_STALE_MS = 30_000;
/** The local lease ends this early, to be sure it ends before Redis lets another coordinator in. */
const SAFETY = 0.9;

export class Leadership {
  private epoch: number | undefined;
  /** Monotonic time until which this coordinator may act as leader. */
  private validUntil = 0;
  private lastEpochSeen = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private busy = false;
  private readonly since = Date.now();

  constructor(private readonly o: LeadershipOptions) {}

  get leaderKey(): string {
    return `${this.o.prefix}:leader`;
  }

  get epochKey(): string {
    return `${this.o.prefix}:leader:epoch`;
  }

  private get registryKey(): string {
    return `${this.o.prefix}:coordinators`;
  }

  /** The epoch this coordinator leads under, while its lease is valid by its own clock. */
  get currentEpoch(): number | undefined {
    return this.isLeader() ? this.epoch : undefined;
  }

  isLeader(): boolean {
    return this.epoch !== undefined && performance.now() < this.validUntil;
  }

  /** How often the lease is renewed, or tried for by a standby. */
  get intervalMs(): number {
    return Math.max(50, Math.floor(this.o.leaseTimeoutMs / 3));
  }

  /** Tries for the lease at once, then keeps renewing it or trying again. */
  async start(): Promise<void> {
    await this.round();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    // a standby looks more often than the leader renews, so that it notices a lapse quickly
    const wait = this.epoch === undefined ? Math.max(50, Math.floor(this.intervalMs / 2)) : this.intervalMs;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => this.schedule());
    }, wait);
  }

  /** One step: renew (leader) or try to take the lease (standby); and keep the registration fresh. */
  private async round(): Promise<void> {
    this.busy = true;
    try {
      if (this.epoch !== undefined) await this.renew();
      else await this.acquire();
    } catch (e) {
      this.o.logger.warn({ err: e }, 'lease: Redis did not answer');
      if (this.epoch !== undefined && performance.now() >= this.validUntil)
        this.depose('lease not renewed in time');
    } finally {
      this.busy = false;
    }
    await this.register().catch(() => {});
  }

  private async acquire(): Promise<void> {
    const sent = performance.now();
    const epoch = Number(
      await this.o.redis.eval(
        ACQUIRE,
        2,
        this.leaderKey,
        this.epochKey,
        this.o.coordinatorId,
        this.o.leaseTimeoutMs,
      ),
    );
    if (epoch === 0 || this.stopped) return;
    this.epoch = epoch;
    this.lastEpochSeen = epoch;
    this.validUntil = sent + this.o.leaseTimeoutMs * SAFETY;
    this.o.logger.info({ epoch }, 'took the lease: leading');
    this.o.elected(epoch);
  }

  private async renew(): Promise<void> {
    const sent = performance.now();
    const ok = Number(
      await this.o.redis.eval(
        RENEW,
        2,
        this.leaderKey,
        this.epochKey,
        this.token(),
        this.o.leaseTimeoutMs,
        String(this.epoch),
      ),
    );
    if (ok !== 1) return this.depose('the lease is held under a newer epoch');
    this.validUntil = sent + this.o.leaseTimeoutMs * SAFETY;
  }

  /** Renews (or tries for the lease) now rather than at the next interval, unless a round is under way. */
  renewSoon(): void {
    if (this.stopped || this.busy) return;
    if (this.timer) clearTimeout(this.timer);
    this.running = this.round().finally(() => this.schedule());
  }

  /** Called by the leader itself when Redis or a worker refused it as stale. */
  depose(reason: string): void {
    if (this.epoch === undefined) return;
    this.o.logger.warn({ epoch: this.epoch, reason }, 'stepping down');
    this.epoch = undefined;
    this.validUntil = 0;
    this.o.deposed(reason);
  }

  private token(): string {
    return `${this.o.coordinatorId}|${this.epoch}`;
  }

  private async register(): Promise<void> {
    if (this.epoch === undefined) {
      const newest = await this.o.redis.get(this.epochKey);
      if (newest) this.lastEpochSeen = Number(newest);
    }
    const reg = {
      coordinatorId: this.o.coordinatorId,
      role: this.epoch !== undefined ? 'leader' : 'standby',
      epoch: this.epoch ?? this.lastEpochSeen,
      host: hostname(),
      pid: process.pid,
      since: this.since,
      seen: Date.now(),
    };
    await this.o.redis.hset(this.registryKey, this.o.coordinatorId, JSON.stringify(reg));
  }

  /** The cluster's coordinators as registered (gone ones dropped), leader first. */
  async coordinators(): Promise<CoordinatorRegistration[]> {
    const all = await this.o.redis.hgetall(this.registryKey);
    const [holder] = ((await this.o.redis.get(this.leaderKey)) ?? '').split('|');
    const now = Date.now();
    const out: CoordinatorRegistration[] = [];
    for (const [id, json] of Object.entries(all)) {
      const r = parseRegistration(json);
      if (!r || now - r.seen > REGISTRATION_STALE_MS) {
        await this.o.redis.hdel(this.registryKey, id);
        continue;
      }
      out.push({
        coordinatorId: r.coordinatorId,
        role: r.coordinatorId === holder ? 'leader' : 'standby',
        epoch: r.epoch,
        host: r.host,
        pid: r.pid,
        since: r.since,
        seenAgeMs: Math.max(0, now - r.seen),
      });
    }
    return out.sort((a, b) => Number(b.role === 'leader') - Number(a.role === 'leader') || a.since - b.since);
  }

  /** Stops trying; gives the lease up (when held) and removes the registration. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
    const token = this.epoch !== undefined ? this.token() : undefined;
    this.epoch = undefined;
    await Promise.all([
      token ? this.o.redis.eval(RELEASE, 1, this.leaderKey, token) : undefined,
      this.o.redis.hdel(this.registryKey, this.o.coordinatorId),
    ]).catch(() => {});
  }
}

function parseRegistration(
  json: string,
):
  | { coordinatorId: string; epoch: number; host: string; pid: number; since: number; seen: number }
  | undefined {
  try {
    const r = JSON.parse(json) as Record<string, unknown>;
    const ok =
      typeof r['coordinatorId'] === 'string' &&
      typeof r['epoch'] === 'number' &&
      typeof r['host'] === 'string' &&
      typeof r['pid'] === 'number' &&
      typeof r['since'] === 'number' &&
      typeof r['seen'] === 'number';
    return ok ? (r as ReturnType<typeof parseRegistration>) : undefined;
  } catch {
    return undefined;
  }
}
