import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** An S3-compatible server (s3rver), in a process of its own: for `quarry demo`, tests and benchmarks. */
export interface TestS3 {
  /** `http://127.0.0.1:<port>`; use path-style access. */
  readonly endpoint: string;
  readonly port: number;
  readonly buckets: readonly string[];
  /** Credentials s3rver accepts. */
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly dir: string;
  readonly process: ChildProcess;
  /** The `exchange-manager.properties` for these buckets (`s3://<bucket>` each), as a property map. */
  exchangeProperties(overrides?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

// Runs in the child: s3rver on a free port, its objects in a temporary directory; prints the port.
const SERVER = `
const S3rver = require(process.argv[1]);
const [dir, buckets] = [process.argv[2], JSON.parse(process.argv[3])];
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir,
  configureBuckets: buckets.map((name) => ({ name })) })
  .run()
  .then((addr) => console.log(JSON.stringify({ port: addr.port })))
  .catch((e) => { console.error(e); process.exit(1); });
`;

/**
 * Starts s3rver on a free port with the given buckets (default two). s3rver runs in its own process so that its CPU and
 * memory are not counted as the caller's (benchmarks measure the caller's peak RSS).
 */
export async function startS3(options: { buckets?: readonly string[] } = {}): Promise<TestS3> {
  const buckets = options.buckets ?? ['quarry-exchange-1', 'quarry-exchange-2'];
  const dir = mkdtempSync(join(tmpdir(), 'quarry-s3-'));
  const entry = createRequire(import.meta.url).resolve('s3rver');
  // s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
  const args = ['--openssl-legacy-provider', '-e', SERVER, entry, dir, JSON.stringify(buckets)];
  const proc = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 10 s: ${stderr}`)), 10_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening: ${stderr}`));
    });
  });
  const kill = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await gone;
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const server: TestS3 = {
    endpoint,
    port,
    buckets,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    region: 'us-east-1',
    dir,
    process: proc,
    exchangeProperties: (overrides = {}) => ({
      'exchange.base-directories': buckets.map((b) => `s3://${b}`).join(','),
      'exchange.s3.endpoint': endpoint,
      'exchange.s3.region': 'us-east-1',
      'exchange.s3.path-style-access': 'true',
      'exchange.s3.aws-access-key': 'S3RVER',
      'exchange.s3.aws-secret-key': 'S3RVER',
      ...overrides,
    }),
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await kill('SIGKILL');
    },
  };
  return server;
}
