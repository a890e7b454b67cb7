import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createLogger } from '@quarry/common';
import { startRedis, uniquePrefix } from '@quarry/testkit';
import { Leadership } from '../src/leadership.js';
import { redisPersistence } from '../src/connect.js';

const logger = createLogger({ name: 'leadership-test', level: 'silent' });

/** A coordinator's leadership on its own Redis connection, with what it was told. */
function candidate(url: string, prefix: string, id: string, leaseTimeoutMs = 600) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const told: string[] = [];
  const leadership = new Leadership({
    redis,
    prefix,
    coordinatorId: id,
    leaseTimeoutMs,
    logger,
    elected: (epoch) => told.push(`elected ${epoch}`),
    deposed: (reason) => told.push(`deposed: ${reason}`),
  });
  return { redis, told, leadership };
}

const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('Leadership: one leader through a Redis lease with a growing epoch', function () {
  this.timeout(20_000);
  let redis: Awaited<ReturnType<typeof startRedis>>;
  before(async () => (redis = await startRedis()));
  after(async () => redis?.stop());

  it('elects one leader; a standby takes over with a newer epoch when the leader stops', async () => {
    const prefix = uniquePrefix();
    const a = candidate(redis.url, prefix, 'a');
    const b = candidate(redis.url, prefix, 'b');
    try {
      await a.leadership.start();
      await b.leadership.start();
      expect(a.told).to.deep.equal(['elected 1']);
      expect(b.told).to.deep.equal([]);
      expect(a.leadership.isLeader()).to.equal(true);
      expect(b.leadership.isLeader()).to.equal(false);
      // renewals keep the lease well past its timeout
      await new Promise((r) => setTimeout(r, 1500));
      expect(b.told).to.deep.equal([]);
      const listed = await b.leadership.coordinators();
      expect(listed.map((c) => [c.coordinatorId, c.role, c.epoch])).to.deep.equal([
        ['a', 'leader', 1],
        ['b', 'standby', 1],
      ]);
      await a.leadership.stop();
      await until(() => b.told.length > 0, 2000);
      expect(b.told).to.deep.equal(['elected 2']);
      expect((await b.leadership.coordinators()).map((c) => c.coordinatorId)).to.deep.equal(['b']);
    } finally {
      await a.leadership.stop();
      await b.leadership.stop();
      a.redis.disconnect();
      b.redis.disconnect();
    }
  });

  it('a leader cut off from Redis stops acting on its own clock before a standby takes over', async () => {
    const prefix = uniquePrefix();
    const a = candidate(redis.url, prefix, 'a');
    const b = candidate(redis.url, prefix, 'b');
    try {
      await a.leadership.start();
      await b.leadership.start();
      a.redis.disconnect(); // its renewals fail from now on
      const cut = Date.now();
      await until(() => !a.leadership.isLeader(), 2000);
      const stoppedActing = Date.now();
      await until(() => b.told.length > 0, 3000);
      const tookOver = Date.now();
      expect(b.told).to.deep.equal(['elected 2']);
      expect(stoppedActing).to.be.at.most(tookOver, 'the old leader stopped before the new one began');
      expect(tookOver - cut).to.be.below(2000, 'a lease of 600 ms is taken over within 2 s');
      await until(() => a.told.length > 1, 2000);
      expect(a.told[1]).to.match(/^deposed: /);
    } finally {
      await b.leadership.stop();
      await a.leadership.stop();
      b.redis.disconnect();
    }
  });

  it('a leader whose lease was taken while it was paused steps down at its next renewal', async () => {
    const prefix = uniquePrefix();
    const a = candidate(redis.url, prefix, 'a', 6_000);
    try {
      await a.leadership.start();
      // another coordinator took the lease (as if this one had been paused past it)
      await a.redis.set(`${prefix}:leader`, 'z|2');
      await a.redis.set(`${prefix}:leader:epoch`, '2');
      await until(() => a.told.length > 1, 5_000);
      expect(a.told).to.deep.equal(['elected 1', 'deposed: the lease is held under a newer epoch']);
      expect(a.leadership.isLeader()).to.equal(false);
    } finally {
      await a.leadership.stop();
      a.redis.disconnect();
    }
  });
});

describe('redisPersistence: whether Redis keeps claims and records across a restart', function () {
  this.timeout(20_000);

  it('says no for a Redis without AOF or snapshots, yes with an append-only file', async () => {
    const plain = await startRedis();
    const aof = await startRedis();
    const a = new Redis(plain.url);
    const b = new Redis(aof.url);
    try {
      await b.config('SET', 'appendonly', 'yes');
      expect(await redisPersistence(a)).to.deep.equal({
        persistent: false,
        detail: "appendonly=no, save=''",
      });
      expect((await redisPersistence(b))?.persistent).to.equal(true);
    } finally {
      a.disconnect();
      b.disconnect();
      await plain.stop();
      await aof.stop();
    }
  });
});
