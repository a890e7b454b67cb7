import type { ObjectStorage, StoredFile } from '@quarry/storage';
import type { LakeLayout } from './layout.js';
import { withLock } from './locks.js';
import { latestVersion, type TableVersion } from './metadata.js';

/** What {@link collectLakeGarbage} did. */
export interface LakeGcReport {
  /** Staging directories deleted: task attempts' files that no table version lists. */
  readonly removed: readonly {
    readonly table: string;
    readonly dir: string;
    readonly files: number;
    readonly bytes: number;
    readonly newest: Date;
  }[];
  /** Unlisted directories left alone because a file in them is newer than the cut-off. */
  readonly kept: number;
  /** Tables whose DROP had written its tombstone but not finished deleting: now finished. */
  readonly dropsFinished: readonly string[];
}

export interface LakeGcContext {
  readonly storage: ObjectStorage;
  readonly layout: LakeLayout;
  /** The catalog's schemas. */
  readonly schemas: readonly string[];
  /** Whether a directory name under a schema may be a table's (not the catalog's own files). */
  isTableName(name: string): boolean;
  finishDrop(tableDir: string, tombstone: number): Promise<void>;
}

/**
 * Removes what writers that never finished left in a lake catalog: the attempt directories under
 * `<table>/data/<query>/` that the table's current version does not list, once their newest file is
 * older than `olderThanMs` — a coordinator that died mid-write (its query never committed or
 * aborted), or between writing a version and deleting the losing attempts. Committed files are
 * never touched; a CREATE TABLE AS that died before its first version leaves a directory with no
 * version, which goes whole. A DROP that died midway is finished. Each table is handled under the
 * same lock as commits in this process; a writer in another process is protected by the age alone,
 * so `olderThanMs` must exceed the longest a query may take from writing a file to committing it
 * (a commit whose staged files are gone fails cleanly and changes nothing).
 */
export async function collectLakeGarbage(
  ctx: LakeGcContext,
  olderThanMs: number,
  now = Date.now(),
): Promise<LakeGcReport> {
  const cutoff = now - olderThanMs;
  const removed: LakeGcReport['removed'][number][] = [];
  const dropsFinished: string[] = [];
  let kept = 0;
  for (const schema of ctx.schemas) {
    for (const [table, files] of await filesByTable(ctx, schema)) {
      const tableDir = ctx.layout.tableDir(schema, table);
      await withLock(tableDir, async () => {
        const latest = await latestVersion(ctx.storage, ctx.layout, tableDir);
        if (latest?.dropped) {
          await ctx.finishDrop(tableDir, latest.version);
          dropsFinished.push(`${schema}.${table}`);
          return;
        }
        const outcome = await collectTable(ctx.storage, { tableDir, files, version: latest }, cutoff);
        removed.push(...outcome.removed.map((r) => ({ table: `${schema}.${table}`, ...r })));
        kept += outcome.kept;
        if (!latest && outcome.kept === 0) await ctx.storage.deleteRecursively([tableDir]);
      });
    }
  }
  return { removed, kept, dropsFinished };
}

/**
 * Every file under a schema, by table directory, from one recursive listing: some S3 servers list
 * no directory for a table that holds only the staged files of an unfinished CREATE TABLE AS.
 */
async function filesByTable(ctx: LakeGcContext, schema: string): Promise<Map<string, StoredFile[]>> {
  const dir = ctx.layout.schemaDir(schema);
  const byTable = new Map<string, StoredFile[]>();
  for await (const f of ctx.storage.list(dir)) {
    const rest = f.uri.slice(dir.length + 1);
    const slash = rest.indexOf('/');
    if (slash < 0 || !ctx.isTableName(rest.slice(0, slash))) continue;
    const table = rest.slice(0, slash);
    let files = byTable.get(table);
    if (!files) byTable.set(table, (files = []));
    files.push(f);
  }
  return new Map([...byTable].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** One table as the collector sees it: its directory, every file under it, and its current version. */
interface TableFiles {
  readonly tableDir: string;
  readonly files: readonly StoredFile[];
  /** Undefined when no version was ever written (a CREATE TABLE AS that died before its first). */
  readonly version: TableVersion | undefined;
}

/** The unlisted attempt directories of one table, removed when their newest file is older than `cutoff`. */
async function collectTable(
  storage: ObjectStorage,
  { tableDir, files, version }: TableFiles,
  cutoff: number,
): Promise<{ removed: { dir: string; files: number; bytes: number; newest: Date }[]; kept: number }> {
  const listed = new Set(version?.files.map((f) => `${tableDir}/${f.path}`));
  const dataDir = `${tableDir}/data`;
  const groups = new Map<string, { files: number; bytes: number; newest: number; live: boolean }>();
  for (const file of files) {
    if (!file.uri.startsWith(`${dataDir}/`)) continue;
    // data/<query>/<attempt>/<file>: the group is the attempt directory (or what is there instead)
    const parts = file.uri.slice(dataDir.length + 1).split('/');
    const dir = `${dataDir}/${parts.slice(0, Math.max(1, Math.min(2, parts.length - 1))).join('/')}`;
    let g = groups.get(dir);
    if (!g) groups.set(dir, (g = { files: 0, bytes: 0, newest: 0, live: false }));
    g.files++;
    g.bytes += file.bytes;
    g.newest = Math.max(g.newest, file.modified.getTime());
    g.live ||= listed.has(file.uri);
  }
  const unlisted = [...groups].filter(([, g]) => !g.live);
  const old = unlisted.filter(([, g]) => g.newest < cutoff);
  await storage.deleteRecursively(old.map(([dir]) => dir));
  // query directories whose attempts are all gone go too
  const gone = new Set(old.map(([dir]) => dir));
  const parentOf = (dir: string) => dir.slice(0, dir.lastIndexOf('/'));
  const queryDirs = new Set([...groups.keys()].map(parentOf).filter((q) => q !== dataDir));
  const emptied = [...queryDirs].filter(
    (q) => ![...groups.keys()].some((dir) => !gone.has(dir) && parentOf(dir) === q),
  );
  if (emptied.length) await storage.deleteRecursively(emptied);
  return {
    removed: old.map(([dir, g]) => ({ dir, files: g.files, bytes: g.bytes, newest: new Date(g.newest) })),
    kept: unlisted.length - old.length,
  };
}
