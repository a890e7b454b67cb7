import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';

/** A server process started for a local cluster or a test: where it listens, and how to stop it. */
export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL at once. */
  kill(): Promise<void>;
}

const INSTALL_HINTS: Record<string, string> = {
  'nats-server':
    'install it with `apt-get install nats-server` (Debian/Ubuntu), `brew install nats-server`, or from https://github.com/nats-io/nats-server/releases',
  'redis-server': 'install it with `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis`',
};

/** Fails with an install hint when a binary is not on PATH. */
export function requireBinary(name: string): void {
  const found = spawnSync(process.platform === 'win32' ? 'where' : 'which', [name], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${name} was not found on PATH: ${INSTALL_HINTS[name] ?? 'install it first'}`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number, proc?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.exitCode !== null)
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `process exited with code ${proc.exitCode} before listening on port ${port}`,
      );
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new QuarryError('INVALID_CONFIGURATION', `nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopper(proc: ChildProcess, graceMs: number): { stop(): Promise<void>; kill(): Promise<void> } {
  const gone = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  return {
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(t);
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await gone;
    },
  };
}

/**
 * Starts `nats-server` with JetStream on a free port, its data under `dir`; `config` is a
 * configuration file (users and permissions, say: see nats-config.ts), `env` its environment's
 * additions (the passwords that file names).
 */
export async function startNatsServer(
  dir: string,
  options: {
    port?: number;
    args?: readonly string[];
    config?: string;
    env?: Readonly<Record<string, string>>;
  } = {},
): Promise<ServerProcess> {
  requireBinary('nats-server');
  const port = options.port ?? (await freePort());
  mkdirSync(join(dir, 'jetstream'), { recursive: true });
  const log = openSync(join(dir, 'nats-server.log'), 'a');
  const proc = spawn(
    'nats-server',
    [
      ...(options.config ? ['-c', options.config] : []),
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-js',
      '-sd',
      join(dir, 'jetstream'),
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', log, log], env: { ...process.env, ...options.env } },
  );
  closeSync(log); // the server has its own copy
  await waitForPort(port, 10_000, proc);
  const scheme = options.args?.includes('--tls') ? 'tls' : 'nats';
  return {
    name: 'nats-server',
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    process: proc,
    ...stopper(proc, 3000),
  };
}

/** Starts `redis-server` on a free port, without persistence, its files under `dir`. */
export async function startRedisServer(
  dir: string,
  options: { port?: number; args?: readonly string[] } = {},
): Promise<ServerProcess> {
  requireBinary('redis-server');
  const port = options.port ?? (await freePort());
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'redis-server.log'), 'a');
  const proc = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.args ?? []),
    ],
    {
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log); // the server has its own copy
  await waitForPort(port, 10_000, proc);
  return {
    name: 'redis-server',
    port,
    url: `redis://127.0.0.1:${port}`,
    process: proc,
    ...stopper(proc, 3000),
  };
}

export { stopper };
