import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QuarryError } from '@quarry/common';
import { Addresses, decodeClusterInfo, type ClusterInfo } from '@quarry/protocol';
import { ActorSystem, connectionFromEnv } from '@quarry/runtime';
import { NATS_USERS, natsAuthorization, type NatsRole } from './nats-config.js';
import { startNatsServer, startRedisServer, stopper, type ServerProcess } from './servers.js';

/** The `quarry` CLI entry, used to start coordinator and worker processes. */
export const CLI_MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

export interface ProcessHandle {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string | undefined;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface LocalClusterOptions {
  readonly workers: number;
  /** Coordinator processes: one leads, the others stand by to take over (default 1). */
  readonly coordinators?: number;
  /** Working directory (data, logs, exchange); a fresh temporary one by default, removed at stop. */
  readonly dir?: string;
  readonly prefix?: string;
  /** Task slots per worker. */
  readonly slots?: number;
  /** Extra environment for coordinator and workers (e.g. QUARRY_* property overrides). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment for the coordinator alone (QUARRY_METRICS_PORT, say). */
  readonly coordinatorEnv?: Readonly<Record<string, string>>;
  /** Send process output to the terminal instead of log files. */
  readonly inheritOutput?: boolean;
  /**
   * Write these as `etc/exchange-manager.properties` and `etc/config.properties` in the cluster's
   * directory and start every process with `--config-dir` (instead of a local exchange directory).
   */
  readonly exchangeProperties?: Readonly<Record<string, string>>;
  readonly configProperties?: Readonly<Record<string, string>>;
  /**
   * The cluster's shared secret (internal messages are signed with it); a random one by default,
   * handed to the processes in `QUARRY_SHARED_SECRET`. `env` may set `QUARRY_INTERNAL_COMMUNICATION_INSECURE`.
   */
  readonly sharedSecret?: string;
  /**
   * Start the private nats-server with users and permissions (nats-config.ts), the default:
   * coordinator and workers connect as members, connections without credentials are clients.
   */
  readonly natsPermissions?: boolean;
  /** Use these servers instead of starting private ones. */
  readonly natsUrl?: string;
  readonly redisUrl?: string;
  /** Aborts a start under way: what was started is stopped, and `start` rejects. */
  readonly signal?: AbortSignal;
}

/** Where a started cluster lives: its directory, its servers' URLs and the servers it runs itself. */
interface ClusterPlace {
  readonly dir: string;
  readonly ownsDir: boolean;
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly servers: ServerProcess[];
}

/**
 * An embedded cluster of real processes: private `nats-server` (JetStream) and `redis-server` on
 * free ports, a coordinator and N workers as child processes of the `quarry` CLI, and a local
 * directory as the exchange. Everything it started is stopped by `stop()`.
 */
export class LocalCluster {
  readonly workers: ProcessHandle[] = [];
  /** Every coordinator process started, in order (dead ones included). */
  readonly coordinators: ProcessHandle[] = [];
  private workerSeq = 0;
  private system: ActorSystem | undefined;
  /** The shared secret its processes sign internal messages with (tests forge with it, or without). */
  readonly sharedSecret: string;
  /** The private nats-server's users by role, when it runs with permissions. */
  natsUsers: Readonly<Record<NatsRole, { user: string; password: string }>> | undefined;

  readonly dir: string;
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly prefix: string;
  /** Whether `dir` was made for this cluster (and is removed at stop). */
  private readonly ownsDir: boolean;
  /** The servers it started itself (none for those given by URL). */
  private readonly servers: ServerProcess[];

  private constructor(
    where: ClusterPlace,
    private readonly options: LocalClusterOptions,
  ) {
    this.dir = where.dir;
    this.ownsDir = where.ownsDir;
    this.natsUrl = where.natsUrl;
    this.redisUrl = where.redisUrl;
    this.prefix = where.prefix;
    this.servers = where.servers;
    this.sharedSecret = options.sharedSecret ?? randomBytes(32).toString('base64url');
  }

  /** The first coordinator started. */
  get coordinator(): ProcessHandle | undefined {
    return this.coordinators[0];
  }

  /** The coordinator process that leads now, as the cluster says (undefined while none answers). */
  async leader(): Promise<ProcessHandle | undefined> {
    const pid = (await this.info())?.coordinators?.find((c) => c.role === 'leader')?.pid;
    return this.coordinators.find((c) => c.process.pid === pid && c.process.exitCode === null);
  }

  /** Restarts the private redis-server on the same port and directory (its AOF brings the data back). */
  async restartRedis(): Promise<void> {
    const i = this.servers.findIndex((s) => s.name === 'redis-server');
    if (i < 0)
      throw new QuarryError('INVALID_CONFIGURATION', 'this cluster does not run its own redis-server');
    const old = this.servers[i]!;
    await old.stop();
    this.servers[i] = await startRedisServer(join(this.dir, 'redis'), {
      port: old.port,
      args: REDIS_PERSISTENCE,
    });
  }

  /**
   * Stops the private nats-server, waits `downMs`, and starts it again on the same port, directory
   * (its JetStream data comes back) and users: a broker outage, as a network partition or a broker
   * restart gives one.
   */
  async restartNats(downMs = 0): Promise<void> {
    const i = this.servers.findIndex((s) => s.name === 'nats-server');
    if (i < 0)
      throw new QuarryError('INVALID_CONFIGURATION', 'this cluster does not run its own nats-server');
    const old = this.servers[i]!;
    await old.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.servers[i] = await startNatsServer(join(this.dir, 'nats'), {
      port: old.port,
      ...natsServerSecurity(this.dir, this.prefix, this.natsUsers),
    });
  }

  get exchangeDir(): string {
    return join(this.dir, 'exchange');
  }

  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'quarry-local-'));
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const servers: ServerProcess[] = [];
    let cluster: LocalCluster | undefined;
    try {
      const natsUsers = options.natsUrl || options.natsPermissions === false ? undefined : newNatsUsers();
      const nats = options.natsUrl
        ? undefined
        : await startNatsServer(
            join(dir, 'nats'),
            natsServerSecurity(dir, options.prefix ?? 'quarry', natsUsers),
          );
      if (nats) servers.push(nats);
      options.signal?.throwIfAborted();
      const redis = options.redisUrl
        ? undefined
        : await startRedisServer(join(dir, 'redis'), { args: REDIS_PERSISTENCE });
      if (redis) servers.push(redis);
      writeProperties(join(dir, 'etc', 'exchange-manager.properties'), options.exchangeProperties);
      writeProperties(join(dir, 'etc', 'config.properties'), options.configProperties);
      cluster = new LocalCluster(
        {
          dir,
          ownsDir,
          natsUrl: options.natsUrl ?? nats!.url,
          redisUrl: options.redisUrl ?? redis!.url,
          prefix: options.prefix ?? 'quarry',
          servers,
        },
        options,
      );
      cluster.natsUsers = natsUsers;
      const started = cluster;
      const step = async (what: () => Promise<unknown>) => (options.signal?.throwIfAborted(), await what());
      for (let i = 0; i < (options.coordinators ?? 1); i++) await step(() => started.startCoordinator());
      for (let i = 0; i < options.workers; i++) await step(() => started.addWorker());
      await step(() => started.waitForWorkers(options.workers));
      return cluster;
    } catch (e) {
      // what did start (processes, then servers) is stopped: a failed start leaves nothing running
      if (cluster) await cluster.stop().catch(() => {});
      else await Promise.allSettled(servers.map((s) => s.stop()));
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private baseArgs(): string[] {
    const o = this.options;
    const config = o.exchangeProperties || o.configProperties ? ['--config-dir', join(this.dir, 'etc')] : [];
    const exchange = o.exchangeProperties ? [] : ['--exchange-dir', this.exchangeDir];
    return ['--server', this.natsUrl, '--prefix', this.prefix, ...config, ...exchange];
  }

  private launch(name: string, args: string[], env: Readonly<Record<string, string>> = {}): ProcessHandle {
    const logFile = this.options.inheritOutput ? undefined : join(this.dir, 'logs', `${name}.log`);
    const out = logFile ? openSync(logFile, 'a') : 'inherit';
    const proc = spawn(process.execPath, [CLI_MAIN, ...args], {
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        QUARRY_LOG_FORMAT: 'json',
        QUARRY_SHARED_SECRET: this.sharedSecret,
        ...this.memberCredentials(name.startsWith('coordinator') ? 'coordinator' : 'worker'),
        ...this.options.env,
        ...env,
      },
    });
    // the child has its own copy of the log's descriptor: this process keeps none open
    if (typeof out === 'number') closeSync(out);
    return { name, process: proc, logFile, ...stopper(proc, 10_000) };
  }

  private memberCredentials(role: NatsRole): Record<string, string> {
    const u = this.natsUsers?.[role];
    return u ? { NATS_USER: u.user, NATS_PASSWORD: u.password } : {};
  }

  /**
   * Starts one more coordinator process (`coordinator`, then `coordinator-2`, …) and waits until it
   * has registered — as the leader, when none leads, or as a standby.
   */
  async startCoordinator(): Promise<ProcessHandle> {
    const n = this.coordinators.length + 1;
    const handle = this.launch(
      n === 1 ? 'coordinator' : `coordinator-${n}`,
      ['coordinator', ...this.baseArgs(), '--redis', this.redisUrl],
      this.options.coordinatorEnv,
    );
    this.coordinators.push(handle);
    await this.waitFor(
      async () => (await this.info())?.coordinators?.some((c) => c.pid === handle.process.pid) ?? false,
      // loading the engine takes a few seconds, many more on a machine whose cores are all busy
      60_000,
      `coordinator ${handle.name} to register`,
    );
    return handle;
  }

  async addWorker(
    options: { slots?: number; env?: Record<string, string>; args?: string[] } = {},
  ): Promise<ProcessHandle> {
    const name = `worker-${++this.workerSeq}`;
    const slots = options.slots ?? this.options.slots;
    const args = [
      'worker',
      ...this.baseArgs(),
      '--id',
      name,
      ...(slots ? ['--slots', String(slots)] : []),
      ...(options.args ?? []),
    ];
    const handle = this.launch(name, args, options.env);
    this.workers.push(handle);
    return handle;
  }

  /** Drains (SIGTERM) and stops the most recently added running workers; returns their names. */
  async removeWorkers(count: number): Promise<string[]> {
    const running = this.workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
    const victims = running.slice(-count);
    await Promise.all(victims.map((w) => w.stop()));
    return victims.map((w) => w.name);
  }

  async info(): Promise<ClusterInfo | undefined> {
    // the cluster's processes read NATS_* credentials from their environment; so does this connection
    const env = connectionFromEnv({ ...process.env, ...this.options.env });
    this.system ??= await ActorSystem.connect({
      servers: this.natsUrl,
      prefix: this.prefix,
      name: 'quarry-local',
      ...(env.auth ? { auth: env.auth } : {}),
      ...(env.tls ? { tls: env.tls } : {}),
    });
    try {
      return await this.system.ask(Addresses.clusterInfo, {}, 1000, decodeClusterInfo);
    } catch {
      return undefined;
    }
  }

  async waitForWorkers(count: number, timeoutMs = 60_000): Promise<void> {
    await this.waitFor(
      async () => ((await this.info())?.workers.length ?? -1) >= count,
      timeoutMs,
      `${count} workers to join`,
    );
  }

  private async waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      this.options.signal?.throwIfAborted();
      if (Date.now() > deadline)
        throw new QuarryError(
          'INVALID_CONFIGURATION',
          `Timed out after ${timeoutMs} ms waiting for ${what} (logs in ${join(this.dir, 'logs')})`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.system?.close().catch(() => {});
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    await Promise.allSettled(this.coordinators.map((c) => c.stop()));
    await Promise.allSettled(this.servers.map((s) => s.stop()));
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `quarry local`'s Redis keeps its data across restarts (append-only file), so claimed query ids stay claimed. */
const REDIS_PERSISTENCE = ['--appendonly', 'yes', '--appendfsync', 'everysec'];

function newNatsUsers(): Record<NatsRole, { user: string; password: string }> {
  // nats-server parses the value of an environment variable: a letter first keeps it a string
  const user = (role: NatsRole) => ({ user: role, password: `p${randomBytes(24).toString('hex')}` });
  return { coordinator: user('coordinator'), worker: user('worker'), client: user('client') };
}

/** The private nats-server's configuration file and the passwords it reads from its environment. */
function natsServerSecurity(
  dir: string,
  prefix: string,
  users: Record<NatsRole, { password: string }> | undefined,
): { config?: string; env?: Record<string, string> } {
  if (!users) return {};
  const config = join(dir, 'nats-server.conf');
  writeFileSync(config, natsAuthorization({ prefix, anonymousClients: true }), { mode: 0o600 });
  const env: Record<string, string> = {};
  for (const role of Object.keys(NATS_USERS) as NatsRole[]) env[NATS_USERS[role]] = users[role].password;
  return { config, env };
}

function writeProperties(path: string, props: Readonly<Record<string, string>> | undefined): void {
  if (!props) return;
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(
    path,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
}
