import { QuarryError } from '@quarry/common';
import type { TableRef, ViewDefinition } from '@quarry/sql';
import { tableAlreadyExists, viewNotFound } from '../errors.js';
import { checkName } from './layout.js';
import { withLock } from './locks.js';
import { finishDrop, latestVersion, METADATA_FORMAT, writeVersion, type TableVersion } from './metadata.js';
import type { LakeContext } from './writes.js';

/**
 * Views of the lake: versions of the name's directory, like a table's (`metadata.ts`), durable in
 * the storage and seen by every coordinator. CREATE writes version N+1 exclusively under the name's
 * lock — a second writer of the same version loses and is told to try again — so each CREATE or
 * REPLACE takes effect once; a repeat by the same query (planned again after a failover) is
 * recognized by the query id kept in the version and changes nothing. DROP writes a tombstone
 * first, as DROP TABLE does.
 */
export function viewOf(version: TableVersion): ViewDefinition | undefined {
  const v = version.view;
  if (!v) return undefined;
  return {
    sql: v.sql,
    ...(v.catalog !== undefined ? { catalog: v.catalog } : {}),
    ...(v.schema !== undefined ? { schema: v.schema } : {}),
    columns: version.columns.map((c) => ({ name: c.name, type: c.type })),
    ...(v.comment !== undefined ? { comment: v.comment } : {}),
    ...(v.security !== undefined ? { security: v.security } : {}),
  };
}

export async function createLakeView(
  ctx: LakeContext,
  ref: TableRef,
  definition: ViewDefinition,
  options: { replace: boolean; queryId?: string },
): Promise<void> {
  checkName('schema', ref.schema);
  checkName('table', ref.table);
  const dir = ctx.layout.tableDir(ref.schema, ref.table);
  await withLock(dir, async () => {
    let latest = await latestVersion(ctx.storage, ctx.layout, dir);
    if (latest?.dropped) {
      await finishDrop(ctx.storage, ctx.layout, dir, latest.version);
      latest = undefined;
    }
    if (latest && !latest.view) throw tableAlreadyExists(ref);
    if (latest?.view && options.queryId !== undefined && latest.view.queryId === options.queryId) return;
    if (latest && !options.replace) throw tableAlreadyExists(ref);
    const version = (latest?.version ?? 0) + 1;
    const next: TableVersion = {
      format: METADATA_FORMAT,
      version,
      schema: ref.schema,
      table: ref.table,
      columns: definition.columns.map((c) => ({ name: c.name, type: c.type })),
      files: [],
      commits: [],
      view: {
        sql: definition.sql,
        ...(definition.catalog !== undefined ? { catalog: definition.catalog } : {}),
        ...(definition.schema !== undefined ? { schema: definition.schema } : {}),
        ...(definition.comment !== undefined ? { comment: definition.comment } : {}),
        ...(definition.security !== undefined ? { security: definition.security } : {}),
        ...(options.queryId !== undefined ? { queryId: options.queryId } : {}),
      },
    };
    if (!(await writeVersion(ctx.storage, ctx.layout, dir, next))) throw changedMeanwhile(ref, 'created');
  });
}

export async function dropLakeView(
  ctx: LakeContext,
  ref: TableRef,
  options: { ifExists: boolean; isName: (name: string) => boolean },
): Promise<void> {
  const dir = ctx.layout.tableDir(ref.schema, ref.table);
  await withLock(dir, async () => {
    const latest = options.isName(ref.table) ? await latestVersion(ctx.storage, ctx.layout, dir) : undefined;
    if (!latest || latest.dropped || !latest.view) {
      if (options.ifExists) return;
      throw viewNotFound(ref);
    }
    const tombstone: TableVersion = { ...latest, version: latest.version + 1, dropped: true };
    if (!(await writeVersion(ctx.storage, ctx.layout, dir, tombstone)))
      throw changedMeanwhile(ref, 'dropped');
    await finishDrop(ctx.storage, ctx.layout, dir, tombstone.version);
  });
}

function changedMeanwhile(ref: TableRef, what: string): QuarryError {
  return new QuarryError(
    'EXCHANGE_IO_ERROR',
    `lake: ${ref.catalog}.${ref.schema}.${ref.table} changed while being ${what}; try again`,
  );
}
