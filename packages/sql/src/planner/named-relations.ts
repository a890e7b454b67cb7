import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Expr } from '../expr/ir.js';
import { literalOf } from '../expr/literal-values.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import type { TableMetadata } from '../spi/connector.js';
import { canCoerce, typesEqual, typeToString } from '../types/index.js';
import { coerce } from './expressions.js';
import type { ResolvedRelation, ResolvedView, SystemRows } from './metadata.js';
import type { RelationPlan } from './relation-plan.js';
import { Scope } from './scope.js';

/** What planning a name in FROM needs besides the name's resolution: planning a view's query. */
export interface ViewPlanner {
  /** The view's stored query planned with its own metadata (and none of the caller's WITH queries). */
  planView(view: ResolvedView): RelationPlan;
}

/** A table, a view or an information_schema table named in FROM, planned. */
export function planNamedRelation(
  host: ViewPlanner,
  resolved: ResolvedRelation,
  loc: SourceLocation,
): RelationPlan {
  switch (resolved.kind) {
    case 'table':
      return planTable(resolved.table);
    case 'rows':
      return planRows(resolved.rows);
    case 'view':
      return planView(host, resolved.view, loc);
  }
}

function planTable(meta: TableMetadata): RelationPlan {
  const outputs: Column[] = meta.columns.map((c) => ({ name: c.name, type: c.type }));
  const node: PlanNode = {
    kind: 'TableScan',
    table: { catalog: meta.catalog, schema: meta.schema, table: meta.table },
    columns: meta.columns.map((c) => c.name),
    outputs,
    ...(meta.rowCount !== undefined ? { rowCount: meta.rowCount } : {}),
  };
  const relation = [meta.catalog, meta.schema, meta.table];
  return { node, scope: new Scope(outputs.map((c) => ({ name: c.name, relation, type: c.type }))) };
}

/** Rows listed while planning, as VALUES; hidden columns are selectable by name but not by `*`. */
function planRows(rows: SystemRows): RelationPlan {
  const outputs: Column[] = rows.columns.map((c) => ({ name: c.name, type: c.type }));
  const node: PlanNode = {
    kind: 'Values',
    rows: rows.rows.map((r) => r.map((v, i) => literalOf(v, outputs[i]!.type))),
    outputs,
  };
  const relation = [rows.ref.catalog, rows.ref.schema, rows.ref.table];
  const fields = rows.columns.map((c) => ({
    name: c.name,
    relation,
    type: c.type,
    ...(c.hidden ? { hidden: true } : {}),
  }));
  return { node, scope: new Scope(fields) };
}

/**
 * A view: its query planned again, checked against the columns stored with it — as many, each
 * coercible to its stored type (and cast to it), else VIEW_IS_STALE — and named as stored. Any
 * failure inside names the view (INVALID_VIEW, at the reference), as a table it reads that was
 * dropped since.
 */
function planView(host: ViewPlanner, view: ResolvedView, loc: SourceLocation): RelationPlan {
  const name = `${view.ref.catalog}.${view.ref.schema}.${view.ref.table}`;
  let planned: RelationPlan;
  try {
    planned = host.planView(view);
  } catch (e) {
    if (!(e instanceof QuarryError) || e.type !== 'USER_ERROR') throw e;
    if (e.code === 'VIEW_IS_RECURSIVE' || e.code === 'INVALID_VIEW' || e.code === 'QUERY_TOO_COMPLEX')
      throw new QuarryError(e.code, withoutLocation(e), { location: loc, cause: e });
    throw new QuarryError('INVALID_VIEW', `Failed analyzing stored view '${name}': ${e.message}`, {
      location: loc,
      cause: e,
    });
  }
  const stored = view.definition.columns;
  const visible = planned.scope.fields.flatMap((f, channel) => (f.hidden ? [] : [{ f, channel }]));
  if (visible.length !== stored.length)
    throw new QuarryError(
      'VIEW_IS_STALE',
      `View '${name}' is stale or in invalid state: its query has ${visible.length} columns, the view ${stored.length}`,
      { location: loc },
    );
  const exprs: Expr[] = visible.map(({ f, channel }, i) => {
    const column = stored[i]!;
    if (!typesEqual(f.type, column.type) && !canCoerce(f.type, column.type))
      throw new QuarryError(
        'VIEW_IS_STALE',
        `View '${name}' is stale or in invalid state: column [${f.name ?? `_col${i}`}] of type ${typeToString(f.type)} projected from query view at position ${i} cannot be coerced to column [${column.name}] of type ${typeToString(column.type)} stored in view definition`,
        { location: loc },
      );
    return coerce({ kind: 'input', channel, type: f.type }, column.type);
  });
  const outputs: Column[] = stored.map((c) => ({ name: c.name, type: c.type }));
  const node: PlanNode = { kind: 'Project', input: planned.node, exprs, outputs };
  const relation = [view.ref.catalog, view.ref.schema, view.ref.table];
  return { node, scope: new Scope(outputs.map((c) => ({ name: c.name, relation, type: c.type }))) };
}

/** An error's message without the `line l:c: ` its location put in front. */
function withoutLocation(e: QuarryError): string {
  const prefix = e.location ? `line ${e.location.line}:${e.location.column}: ` : '';
  return prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}
