import { internalError, QuarryError } from '@quarry/common';
import type { WriteFragment, WriteHandle } from '@quarry/sql';
import { tableNotFound } from '../errors.js';
import { readVersion, type DataFileEntry, type TableVersion } from './metadata.js';
import type { LakeRewriteInfo } from './rewrite-sink.js';
import { lakeFragmentInfo } from './writer.js';
import { commitLoop, lakeWriteInfo, winnersFiles, type LakeContext, type LakeWriteInfo } from './writes.js';

/**
 * Commits a row-level write (DELETE, UPDATE): one new version in which the files the winning
 * attempts replaced are swapped for the files they wrote, under the table's lock and with the
 * version's exclusive create, as any commit. **Optimistic check**: every file of the version the
 * write read (`baseVersion`) must still be in the current one — a concurrent INSERT only adds files
 * and commits fine beside it, while another DELETE or UPDATE that replaced one of those files makes
 * this commit fail with `TRANSACTION_CONFLICT` (retryable: the statement run again reads the new
 * version), so no update is ever lost. **Idempotent**: a query already among the version's commits
 * writes nothing and returns the rows of that commit.
 */
export async function commitRowLevelWrite(
  ctx: LakeContext,
  handle: WriteHandle,
  fragments: readonly WriteFragment[],
): Promise<{ rows: number }> {
  const info = lakeWriteInfo(handle, ctx.layout);
  let files: DataFileEntry[] | undefined;
  return commitLoop(ctx, handle, async (latest) => {
    if (!latest || latest.dropped || latest.view) throw tableNotFound(handle.table);
    const done = latest.commits.find((c) => c.queryId === handle.queryId);
    if (done) return { done: done.rows };
    const base = await baseFiles(ctx, info, latest);
    checkNothingReplaced(handle, base, latest);
    const change = replacements(fragments, base);
    files ??= await winnersFiles(ctx, info, fragments);
    const version = latest.version + 1;
    const next: TableVersion = {
      ...latest,
      version,
      files: [...latest.files.filter((f) => !change.replaced.has(f.path)), ...files],
      commits: [...latest.commits, { queryId: handle.queryId, rows: change.rows, version }],
    };
    return { next, rows: change.rows };
  });
}

/** The paths of the files in the version the write read. */
async function baseFiles(ctx: LakeContext, info: LakeWriteInfo, latest: TableVersion): Promise<Set<string>> {
  const at = info.baseVersion;
  if (at === undefined) throw internalError('lake: a row-level write handle without its base version');
  const base = at === latest.version ? latest : await readVersion(ctx.storage, ctx.layout, info.tableDir, at);
  return new Set(base.files.map((f) => f.path));
}

function checkNothingReplaced(handle: WriteHandle, base: Set<string>, latest: TableVersion): void {
  const current = new Set(latest.files.map((f) => f.path));
  const gone = [...base].filter((p) => !current.has(p));
  if (gone.length === 0) return;
  const { catalog, schema, table } = handle.table;
  throw new QuarryError(
    'TRANSACTION_CONFLICT',
    `Table '${catalog}.${schema}.${table}' was changed by another write since this statement read it ` +
      `(${gone.length} of the files it read were replaced); nothing was committed, run the statement again`,
  );
}

/**
 * The files the fragments replaced (each a file of the base version, replaced by one attempt only)
 * and the rows they deleted or updated; a fragment given twice counts once.
 */
function replacements(
  fragments: readonly WriteFragment[],
  base: Set<string>,
): { replaced: Set<string>; rows: number } {
  const byAttempt = new Map<string, WriteFragment>();
  for (const f of fragments) byAttempt.set(lakeFragmentInfo(f.info).attemptDir, f);
  const replaced = new Set<string>();
  let rows = 0;
  for (const fragment of byAttempt.values()) {
    const info = fragment.info as Partial<LakeRewriteInfo>;
    if (!Array.isArray(info.replaced) || !Number.isSafeInteger(fragment.rows) || fragment.rows < 0)
      throw internalError('lake: a row-level write fragment without its replaced files');
    for (const path of info.replaced) {
      if (typeof path !== 'string' || !base.has(path) || replaced.has(path))
        throw internalError(`lake: fragment replaces ${String(path)}, not a file it alone read`);
      replaced.add(path);
    }
    rows += fragment.rows;
  }
  return { replaced, rows };
}
