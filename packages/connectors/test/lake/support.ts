import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStorage } from '@quarry/storage';
import {
  pageRows,
  type ColumnMetadata,
  type Connector,
  type Page,
  type SplitOptions,
  type TableRef,
  type WritableConnector,
  type WriteFragment,
  type WriteHandle,
} from '@quarry/sql';
import { startS3, type TestS3 } from '@quarry/testkit';
import { LakeConnector, lakeConfigFromProperties } from '../../src/index.js';

/** Where a lake suite keeps its tables: a temporary directory, or a bucket of a test S3 server. */
export interface LakeBackend {
  readonly name: string;
  /** Catalog properties for a root of its own (a fresh prefix each call). */
  properties(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export function localLakeBackend(): LakeBackend {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-lake-'));
  let n = 0;
  return {
    name: 'local directory',
    properties: (overrides = {}) => ({ 'lake.root': join(dir, `root${n++}`), ...overrides }),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function s3LakeBackend(): Promise<LakeBackend> {
  const s3: TestS3 = await startS3({ buckets: ['warehouse'] });
  let n = 0;
  return {
    name: 'S3 (s3rver)',
    properties: (overrides = {}) => ({
      'lake.root': `s3://warehouse/lake${n++}`,
      'lake.s3.endpoint': s3.endpoint,
      'lake.s3.region': s3.region,
      'lake.s3.path-style-access': 'true',
      'lake.s3.aws-access-key': s3.accessKey,
      'lake.s3.aws-secret-key': s3.secretKey,
      'lake.s3.max-error-retries': '2',
      ...overrides,
    }),
    close: () => s3.stop(),
  };
}

export function lakeConnector(backend: LakeBackend, overrides: Record<string, string> = {}): LakeConnector {
  return new LakeConnector(
    'lake',
    lakeConfigFromProperties(backend.properties(overrides), 'lake.properties'),
  );
}

/** The connector's storage, for looking at files directly. */
export function storageOf(lake: LakeConnector): ObjectStorage {
  return (lake as unknown as { ctx: { storage: ObjectStorage } }).ctx.storage;
}

export async function collect(it: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const p of it) out.push(p);
  return out;
}

/** Every row of a table (all splits), as arrays of native values. */
export async function scan(
  connector: Connector,
  ref: TableRef,
  columns?: readonly string[],
  options: SplitOptions = { targetSplits: 4 },
): Promise<unknown[][]> {
  const names = columns ?? (await connector.getTable(ref.schema, ref.table))!.columns.map((c) => c.name);
  const rows: unknown[][] = [];
  for (const split of await connector.splits(ref, options)) {
    for (const page of await collect(connector.pageSource(ref, split, names))) rows.push(...pageRows(page));
  }
  return rows;
}

/** Runs one task attempt's sink over pages and returns its fragment. */
export async function writeAttempt(
  connector: WritableConnector,
  handle: WriteHandle,
  attempt: { taskPartition: number; attempt: number; queryAttempt?: number },
  pages: readonly Page[],
): Promise<WriteFragment> {
  const sink = connector.writeSink(handle, { queryAttempt: 0, ...attempt });
  for (const p of pages) await sink.appendPage(p);
  return sink.finish();
}

export interface CreateTableAs {
  readonly ref: TableRef;
  readonly columns: readonly ColumnMetadata[];
  /** The pages of each task partition, each written by one attempt. */
  readonly partitions: readonly (readonly Page[])[];
  /** `ctas_<table>` by default. */
  readonly queryId?: string;
}

/** CREATE TABLE AS: begin, one attempt per page list, commit. */
export async function createTableAs(
  connector: WritableConnector,
  { ref, columns, partitions, queryId = `ctas_${ref.table}` }: CreateTableAs,
): Promise<{ rows: number }> {
  const handle = await connector.beginWrite(ref, { kind: 'create', columns, queryId });
  const fragments = await Promise.all(
    partitions.map((pages, taskPartition) =>
      writeAttempt(connector, handle, { taskPartition, attempt: 0 }, pages),
    ),
  );
  return connector.commitWrite(handle, fragments);
}

/** Sorts rows by their JSON form (bigints as strings), for order-free comparison. */
export function sorted(rows: readonly unknown[][]): unknown[][] {
  const key = (r: unknown[]) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
