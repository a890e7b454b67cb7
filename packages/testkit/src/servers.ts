import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, startRedisServer, type ServerProcess } from '@quarry/cli';
import { randomSuffix } from '@quarry/common';

const started = new Set<{ kill(): Promise<void>; process?: { kill(signal: string): boolean } }>();

// Whatever a test started dies with the test process, even when the test forgot to stop it.
process.on('exit', () => {
  for (const s of started) s.process?.kill('SIGKILL');
});

export function track<T extends { kill(): Promise<void> }>(s: T): T {
  started.add(s);
  return s;
}

export function untrack(s: object): void {
  started.delete(s as never);
}

export interface TestServers {
  readonly dir: string;
  readonly nats: ServerProcess;
  readonly redis: ServerProcess;
  stop(): Promise<void>;
}

/** Private nats-server (JetStream) and redis-server on free ports, in a fresh temporary directory. */
export async function startServers(): Promise<TestServers> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-test-'));
  const nats = track(await startNatsServer(join(dir, 'nats')));
  const redis = track(await startRedisServer(join(dir, 'redis')));
  return {
    dir,
    nats,
    redis,
    async stop() {
      await Promise.allSettled([nats.stop(), redis.stop()]);
      untrack(nats);
      untrack(redis);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private nats-server; `config` and `env` as {@link startNatsServer} takes them (users, permissions). */
export async function startNats(
  options: { config?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<ServerProcess & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-nats-'));
  const nats = track(await startNatsServer(dir, options));
  return { ...nats, dir };
}

export async function startRedis(): Promise<ServerProcess & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-redis-'));
  const redis = track(await startRedisServer(dir));
  return { ...redis, dir };
}

/** A subject prefix of its own for each test file, so tests never hear each other. */
export function uniquePrefix(name = 't'): string {
  return `${name}${randomSuffix(6)}`;
}
