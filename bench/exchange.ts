/**
 * Exchange throughput on S3: write then read --mb of TPC-H lineitem pages through the exchange
 * (LZ4 with and without encryption, and uncompressed as a reference) against raw PutObject /
 * GetObject of the same page bytes, all against the same S3-compatible server (s3rver, in its own
 * process, two buckets), in the same run. Bar: the exchange's write+read throughput ≥ 0.7 of raw.
 *
 * Shape of the work, the same for every variant: --tasks writers at once (a stage's tasks), each
 * spreading its pages over --partitions outputs; then --partitions readers at once (the next
 * stage's tasks), each reading one partition from every writer. Raw uses the exchange's request
 * sizes: each (writer, partition) stream gathers part-size objects (--part-mb) and sends one while the
 * next gathers; readers stream each object once.
 *
 * Usage: npm run bench -- exchange [--mb 256] [--tasks 2] [--partitions 4] [--rounds 1] [--part-mb 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TpchConnector } from '@quarry/connectors';
import {
  createExchangeManager,
  exchangeConfigFromProperties,
  generateExchangeKey,
  type CompressionCodec,
  type ExchangeFile,
  type ExchangeManager,
} from '@quarry/exchange';
import { serializePage } from '@quarry/sql';
import { startS3, type TestS3 } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const MB = 1 << 20;
const BAR = 0.7;
const mb = Number(option('mb', '256'));
const tasks = Number(option('tasks', '2'));
const partitions = Number(option('partitions', '4'));
const rounds = Number(option('rounds', '1'));
const partMb = Number(option('part-mb', '5'));
const PART = partMb * MB;

interface Variant {
  readonly name: string;
  readonly codec?: CompressionCodec;
  readonly encrypted?: boolean;
}
interface Timing {
  readonly writeMs: number;
  readonly readMs: number;
  readonly storedBytes: number;
}

/** One measured run: `bytes` of pages from `pool`, under the run's own name. */
interface Load {
  readonly pool: readonly Buffer[];
  readonly bytes: number;
  readonly run: string;
}

const VARIANTS: readonly Variant[] = [
  { name: 'raw PutObject/GetObject' },
  { name: 'exchange, LZ4, encrypted', codec: 'LZ4', encrypted: true },
  { name: 'exchange, LZ4', codec: 'LZ4', encrypted: false },
  { name: 'exchange, no compression', codec: 'NONE', encrypted: false },
];

/**
 * Serialized lineitem pages (all 16 columns), about `bytes` of them; the work cycles through them.
 * Made in a child process: the TPC-H generator's text pool would otherwise be most of this
 * process's peak RSS, which is meant to show what the exchange holds.
 */
function pagePool(bytes: number): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), 'bench-exchange-'));
  const file = join(dir, 'pool.bin');
  const made = spawnSync(
    process.execPath,
    ['--import', 'tsx', process.argv[1]!, '--make-pool', file, '--pool-bytes', String(bytes)],
    {
      stdio: 'inherit',
    },
  );
  if (made.status !== 0) throw new Error(`making the page pool failed (exit ${made.status})`);
  const all = readFileSync(file);
  rmSync(dir, { recursive: true, force: true });
  const pages: Buffer[] = [];
  for (let pos = 0; pos < all.length;) {
    const n = all.readUInt32LE(pos);
    pages.push(Buffer.from(all.subarray(pos + 4, pos + 4 + n)));
    pos += 4 + n;
  }
  return pages;
}

async function makePool(file: string, bytes: number): Promise<void> {
  const tpch = new TpchConnector();
  const ref = { catalog: 'tpch', schema: 'sf1', table: 'lineitem' };
  const columns = (await tpch.getTable('sf1', 'lineitem'))!.columns.map((c) => c.name);
  const [split] = await tpch.splits(ref, { targetSplits: 8 });
  const pages: Buffer[] = [];
  let total = 0;
  for await (const page of tpch.pageSource(ref, split!, columns)) {
    const b = serializePage(page);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(b.length);
    pages.push(length, b);
    total += b.length;
    if (total >= bytes) break;
  }
  writeFileSync(file, Buffer.concat(pages));
}

/** Each writer's pages in order, with their output partition, until `perTask` bytes. */
function* work(pool: readonly Buffer[], task: number, perTask: number): Generator<[number, Buffer]> {
  let sent = 0;
  for (let i = task; sent < perTask; i++) {
    const page = pool[i % pool.length]!;
    yield [i % partitions, page];
    sent += page.length;
  }
}

async function viaExchange(ex: ExchangeManager, v: Variant, { pool, bytes, run }: Load): Promise<Timing> {
  const key = v.encrypted ? generateExchangeKey() : undefined;
  const t0 = performance.now();
  const files = (
    await Promise.all(
      Array.from({ length: tasks }, async (_, task) => {
        const sink = ex.createSink(
          {
            queryId: run,
            exchangeId: 's1',
            exchangeOrdinal: 1,
            taskPartition: task,
            attempt: 0,
            partitionCount: partitions,
          },
          { codec: v.codec, secretKey: key },
        );
        for (const [p, page] of work(pool, task, bytes / tasks)) await sink.add(p, page);
        return sink.finish();
      }),
    )
  ).flat();
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: partitions }, async (_, p) => {
      const mine: ExchangeFile[] = files.filter((f) => f.partition === p);
      for await (const page of ex.read(mine, { queryId: run, secretKey: key })) void page;
    }),
  );
  const t2 = performance.now();
  await ex.deleteQuery(run);
  return { writeMs: t1 - t0, readMs: t2 - t1, storedBytes: files.reduce((n, f) => n + f.bytes, 0) };
}

async function raw(client: S3Client, s3: TestS3, { pool, bytes, run }: Load): Promise<Timing> {
  const objects: { bucket: string; key: string; partition: number }[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: tasks }, async (_, task) => {
      const bucket = s3.buckets[(1 + task) % s3.buckets.length]!;
      const streams = Array.from({ length: partitions }, () => ({
        chunks: [] as Buffer[],
        size: 0,
        n: 0,
        inFlight: Promise.resolve(),
      }));
      const send = async (p: number) => {
        const s = streams[p]!;
        await s.inFlight;
        const key = `raw/${run}/${task}/${p}/${s.n++}`;
        const body = Buffer.concat(s.chunks, s.size);
        s.chunks = [];
        s.size = 0;
        objects.push({ bucket, key, partition: p });
        s.inFlight = client
          .send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))
          .then(() => {});
      };
      for (const [p, page] of work(pool, task, bytes / tasks)) {
        const s = streams[p]!;
        s.chunks.push(page);
        s.size += page.length;
        if (s.size >= PART) await send(p);
      }
      for (let p = 0; p < partitions; p++) if (streams[p]!.size > 0) await send(p);
      await Promise.all(streams.map((s) => s.inFlight));
    }),
  );
  const t1 = performance.now();
  let storedBytes = 0;
  await Promise.all(
    Array.from({ length: partitions }, async (_, p) => {
      for (const o of objects.filter((x) => x.partition === p)) {
        const r = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key: o.key }));
        for await (const chunk of r.Body as Readable) storedBytes += (chunk as Buffer).length;
      }
    }),
  );
  const t2 = performance.now();
  return { writeMs: t1 - t0, readMs: t2 - t1, storedBytes };
}

const poolFile = option('make-pool', '');
if (poolFile) {
  await makePool(poolFile, Number(option('pool-bytes', String(32 * MB))));
  process.exit(0);
}

const s3 = await startS3({ buckets: ['bench-exchange-1', 'bench-exchange-2'] });
const client = new S3Client({
  endpoint: s3.endpoint,
  region: s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const ex = createExchangeManager(
  exchangeConfigFromProperties(s3.exchangeProperties({ 'exchange.s3.upload.part-size': `${partMb}MB` })),
);
const results = new Map<string, Timing[]>(VARIANTS.map((v) => [v.name, []]));
let seq = 0;
let poolMb = 0;
try {
  const pool = pagePool(32 * MB);
  poolMb = pool.reduce((n, p) => n + p.length, 0) / MB;
  const runOne = (v: Variant, bytes: number) =>
    v.codec === undefined
      ? raw(client, s3, { pool, bytes, run: `r${seq++}` })
      : viaExchange(ex, v, { pool, bytes, run: `bench_${seq++}` });
  for (const v of VARIANTS) await runOne(v, 16 * MB); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const v of VARIANTS) results.get(v.name)!.push(await runOne(v, mb * MB));
  }
} finally {
  await ex.close();
  client.destroy();
  await s3.stop();
}

const summary = VARIANTS.map((v) => {
  const ts = results.get(v.name)!;
  const writeMs = median(ts.map((t) => t.writeMs));
  const readMs = median(ts.map((t) => t.readMs));
  return { v, writeMs, readMs, totalMs: writeMs + readMs, storedMb: ts[0]!.storedBytes / MB };
});
const rawTotal = summary[0]!.totalMs;
const ratioOf = (name: string) => round(rawTotal / summary.find((s) => s.v.name === name)!.totalMs, 2);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

console.log(
  `\n${mb} MB of TPC-H lineitem pages (${round(poolMb, 1)} MB pool, cycled); ${tasks} writers × ${partitions} partitions, then ${partitions} readers; ` +
    `s3rver (own process) with two buckets; part size ${partMb} MB; ${rounds} round(s), median\n`,
);
console.log(
  table(
    ['variant', 'stored MB', 'write MB/s', 'read MB/s', 'write+read MB/s', 'vs raw'],
    summary.map((s) => [
      s.v.name,
      round(s.storedMb, 1),
      round(mb / (s.writeMs / 1000), 1),
      round(mb / (s.readMs / 1000), 1),
      round(mb / (s.totalMs / 1000), 1),
      round(rawTotal / s.totalMs, 2),
    ]),
  ),
);
const ratio = ratioOf('exchange, LZ4');
const ratioEncrypted = ratioOf('exchange, LZ4, encrypted');
console.log(
  `\npeak RSS of this process: ${peakRssMb} MB (the page pool is ${Math.round(poolMb)} MB of it)\n` +
    `bar: exchange ≥ ${BAR} × raw — LZ4 ${ratio}, LZ4 encrypted ${ratioEncrypted}: ${Math.min(ratio, ratioEncrypted) >= BAR ? 'met' : 'NOT met'}\n`,
);
console.log(JSON.stringify({ bench: 'exchange', mb, ratio, ratioEncrypted, peakRssMb }));
