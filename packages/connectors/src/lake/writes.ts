import { internalError, QuarryError } from '@quarry/common';
import { isPathSegment, type ObjectStorage } from '@quarry/storage';
import type { ColumnMetadata, TableRef, WriteFragment, WriteHandle, WriteKind } from '@quarry/sql';
import { tableAlreadyExists, tableNotFound } from '../errors.js';
import { LakeLayout } from './layout.js';
import { withLock } from './locks.js';
import {
  latestVersion,
  METADATA_FORMAT,
  writeVersion,
  type DataFileEntry,
  type LakeColumn,
  type TableVersion,
} from './metadata.js';
import type { EncodedStats } from './stats.js';
import { lakeFragmentInfo } from './writer.js';

/** What a lake connector's write path works with. */
export interface LakeContext {
  readonly catalog: string;
  readonly storage: ObjectStorage;
  readonly layout: LakeLayout;
}

/** The plain-data content of a lake {@link WriteHandle}. */
export interface LakeWriteInfo {
  readonly kind: WriteKind;
  /** A row-level write: the version it reads, whose files must all still be current at commit. */
  readonly baseVersion?: number;
  readonly tableDir: string;
  /** Every attempt of this query writes under here: `<tableDir>/data/<query>`. */
  readonly queryDir: string;
  readonly columns: readonly LakeColumn[];
}

/** Commits racing another process's commit re-read and try again this many times. */
export const COMMIT_TRIES = 10;

/**
 * The handle's info, its directories checked against the ones the layout gives for the handle's
 * table and query: a handle travels in task specs, and a forged directory must not make a worker
 * write or delete anywhere else (`ACCESS_DENIED`).
 */
export function lakeWriteInfo(handle: WriteHandle, layout: LakeLayout): LakeWriteInfo {
  const info = handle.info as Partial<LakeWriteInfo> | undefined;
  if (!info || typeof info.tableDir !== 'string' || typeof info.queryDir !== 'string' || !info.columns) {
    throw internalError(`lake: the write handle of ${handle.queryId} is not a lake handle`);
  }
  const tableDir = layout.tableDir(handle.table.schema, handle.table.table);
  if (info.tableDir !== tableDir || info.queryDir !== layout.queryDataDir(tableDir, handle.queryId)) {
    throw new QuarryError(
      'ACCESS_DENIED',
      `lake: the write handle of ${handle.queryId} names directories other than its table's and query's: refused`,
    );
  }
  return info as LakeWriteInfo;
}

/**
 * One try of a commit, given the table's latest version (undefined: none yet): either the query is
 * already among its commits (`done`: the rows of that commit), or the version to write next and the
 * rows it commits. A step may throw to end the commit (the table is gone, a conflict).
 */
export type CommitStep = (
  latest: TableVersion | undefined,
) => Promise<{ done: number } | { next: TableVersion; rows: number }>;

/**
 * The loop every lake commit runs: under the table's lock, re-read the latest version, let `step`
 * decide, and create the next version exclusively — a commit by another process in between makes
 * the create fail, and the loop re-reads and tries again, up to {@link COMMIT_TRIES} times
 * (`TRANSACTION_CONFLICT` after that). Whether it committed now or before, the query's losing
 * attempts' files are removed.
 */
export async function commitLoop(
  ctx: LakeContext,
  handle: WriteHandle,
  step: CommitStep,
): Promise<{ rows: number }> {
  const info = lakeWriteInfo(handle, ctx.layout);
  const ref = handle.table;
  return withLock(info.tableDir, async () => {
    for (let attempt = 0; attempt < COMMIT_TRIES; attempt++) {
      const latest = await latestVersion(ctx.storage, ctx.layout, info.tableDir);
      const decided = await step(latest);
      if ('done' in decided) {
        await removeLosers(ctx, info, latest!);
        return { rows: decided.done };
      }
      if (await writeVersion(ctx.storage, ctx.layout, info.tableDir, decided.next)) {
        await removeLosers(ctx, info, decided.next);
        return { rows: decided.rows };
      }
    }
    throw new QuarryError(
      'TRANSACTION_CONFLICT',
      `lake: could not commit into ${ref.catalog}.${ref.schema}.${ref.table}: other writers committed first ${COMMIT_TRIES} times`,
    );
  });
}

/**
 * Makes the winners' files part of the table in one new version (see `metadata.ts`), through
 * {@link commitLoop}. Idempotent: when the current version already lists the query among its
 * commits, nothing is written and the rows of that commit are returned.
 */
export async function commitLakeWrite(
  ctx: LakeContext,
  handle: WriteHandle,
  fragments: readonly WriteFragment[],
): Promise<{ rows: number }> {
  const info = lakeWriteInfo(handle, ctx.layout);
  const ref = handle.table;
  let files: DataFileEntry[] | undefined;
  return commitLoop(ctx, handle, async (latest) => {
    // a view took the name since the write began: no table to commit into, nor to create
    if (latest?.view && !latest.dropped) {
      throw info.kind === 'create' ? tableAlreadyExists(ref) : tableNotFound(ref);
    }
    const live = latest && !latest.dropped ? latest : undefined;
    const done = live?.commits.find((c) => c.queryId === handle.queryId);
    if (done) return { done: done.rows };
    if (info.kind === 'create' && live) throw tableAlreadyExists(ref);
    if (info.kind === 'insert' && !live) throw tableNotFound(ref);
    files ??= await winnersFiles(ctx, info, fragments);
    const rows = files.reduce((n, f) => n + f.rows, 0);
    const version = (latest?.version ?? 0) + 1;
    const next: TableVersion = {
      format: METADATA_FORMAT,
      version,
      schema: ref.schema,
      table: ref.table,
      columns: live ? live.columns : info.columns,
      files: [...(live?.files ?? []), ...files],
      commits: [...(live?.commits ?? []), { queryId: handle.queryId, rows, version }],
    };
    return { next, rows };
  });
}

/**
 * Removes what the query staged that is not part of the table: every attempt directory when the
 * query never committed, the losing attempts' directories when it did. Safe to call again.
 */
export async function abortLakeWrite(ctx: LakeContext, handle: WriteHandle): Promise<void> {
  const info = lakeWriteInfo(handle, ctx.layout);
  await withLock(info.tableDir, async () => {
    const latest = await latestVersion(ctx.storage, ctx.layout, info.tableDir);
    const committed = latest && !latest.dropped && latest.commits.some((c) => c.queryId === handle.queryId);
    if (committed) await removeLosers(ctx, info, latest);
    else await ctx.storage.deleteRecursively([info.queryDir]);
  });
}

/**
 * The winning attempts' files, checked: each under this query's directory (every path segment a
 * plain `pathSegment`: fragments arrive in task reports), in the table's column
 * count, and present in storage with the size the attempt reported (so a commit never lists a file
 * that is not there). A fragment given twice counts once.
 */
export async function winnersFiles(
  ctx: LakeContext,
  info: LakeWriteInfo,
  fragments: readonly WriteFragment[],
): Promise<DataFileEntry[]> {
  const queryPrefix = `${relativeTo(info.tableDir, info.queryDir)}/`;
  const byPath = new Map<string, DataFileEntry>();
  for (const fragment of fragments) {
    const f = lakeFragmentInfo(fragment.info);
    if (!f.attemptDir.startsWith(queryPrefix) || !f.attemptDir.split('/').every(isPathSegment)) {
      throw internalError(`lake: fragment ${f.attemptDir} is not one of this query's (${queryPrefix})`);
    }
    for (const file of f.files) {
      const plain = file.path.split('/').every(isPathSegment);
      if (!plain || !file.path.startsWith(`${f.attemptDir}/`) || file.stats.length !== info.columns.length) {
        throw internalError(`lake: fragment file ${file.path} does not belong to ${f.attemptDir}`);
      }
      byPath.set(file.path, withoutRowGroupSketches(file));
    }
  }
  if (byPath.size === 0) return [];
  const stored = new Map<string, number>();
  for await (const s of ctx.storage.list(info.queryDir)) stored.set(s.uri, s.bytes);
  for (const file of byPath.values()) {
    const uri = `${info.tableDir}/${file.path}`;
    if (stored.get(uri) !== file.bytes) {
      throw new QuarryError(
        'EXCHANGE_IO_ERROR',
        `lake: data file ${uri} is missing or not the ${file.bytes} bytes its writer reported; nothing was committed`,
      );
    }
  }
  return [...byPath.values()];
}

/**
 * A file entry with distinct-count sketches for the whole file only: planning merges files'
 * sketches, and row groups' would make every version's metadata many times larger.
 */
function withoutRowGroupSketches(file: DataFileEntry): DataFileEntry {
  const bare = (s: EncodedStats): EncodedStats => {
    if (s.sketch === undefined) return s;
    const { sketch: _, ...rest } = s;
    return rest;
  };
  return { ...file, rowGroups: file.rowGroups.map((g) => ({ ...g, stats: g.stats.map(bare) })) };
}

/** Deletes the query's attempt directories that the version does not reference. */
export async function removeLosers(
  ctx: LakeContext,
  info: LakeWriteInfo,
  version: TableVersion,
): Promise<void> {
  const queryRel = relativeTo(info.tableDir, info.queryDir);
  const kept = new Set<string>();
  for (const f of version.files) {
    if (!f.path.startsWith(`${queryRel}/`)) continue;
    kept.add(f.path.slice(queryRel.length + 1).split('/')[0]!);
  }
  const listing = await ctx.storage.listDirectory(info.queryDir);
  const losers = listing.directories.filter((d) => !kept.has(d)).map((d) => `${info.queryDir}/${d}`);
  if (losers.length > 0) await ctx.storage.deleteRecursively(losers);
}

function relativeTo(dir: string, uri: string): string {
  if (!uri.startsWith(`${dir}/`)) throw internalError(`lake: ${uri} is not under ${dir}`);
  return uri.slice(dir.length + 1);
}

/** The handle of a new write into a table; checks are the caller's. */
export function lakeWriteHandle(
  ctx: LakeContext,
  table: TableRef,
  options: { kind: WriteKind; queryId: string; columns: readonly ColumnMetadata[]; baseVersion?: number },
): WriteHandle {
  const tableDir = ctx.layout.tableDir(table.schema, table.table);
  const info: LakeWriteInfo = {
    kind: options.kind,
    ...(options.baseVersion !== undefined ? { baseVersion: options.baseVersion } : {}),
    tableDir,
    queryDir: ctx.layout.queryDataDir(tableDir, options.queryId),
    columns: options.columns.map((c) => ({ name: c.name, type: c.type })),
  };
  return { catalog: ctx.catalog, table: { ...table }, queryId: options.queryId, info };
}

/** An attempt's directory for a handle. */
export function attemptDir(
  info: LakeWriteInfo,
  attempt: { taskPartition: number; attempt: number; queryAttempt: number },
): string {
  return `${info.queryDir}/${LakeLayout.attemptName(attempt)}`;
}
