import { QuarryError } from '@quarry/common';
import type {
  Expression,
  FetchFirst,
  Limit,
  NumericLiteral,
  Offset,
  Query,
  QueryBody,
  Relation,
  Select,
  SortItem,
} from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import { evaluateConstant } from '../expr/compile.js';
import type { Column, PlanNode, SortKey } from '../plan/nodes.js';
import { planAggregation } from './aggregation.js';
import { containsAggregate } from './ast-walk.js';
import { ExprTranslator, locate } from './expressions.js';
import type { PlannerMetadata } from './metadata.js';
import { Scope, type Field } from './scope.js';
import { literalOf } from './literals.js';

/** A planned relation: its plan and the scope its columns are visible in. */
export interface RelationPlan {
  readonly node: PlanNode;
  readonly scope: Scope;
}

/**
 * Turns a query AST into a logical plan with names resolved and types checked: FROM, WHERE,
 * GROUP BY/aggregates, HAVING, SELECT, DISTINCT, ORDER BY, OFFSET/LIMIT, in that order.
 */
export class QueryPlanner {
  /** WITH queries visible at this point of the walk; each query sees those of its enclosing queries. */
  private ctes = new Map<string, Query>();

  constructor(private readonly metadata: PlannerMetadata) {}

  private get now(): Date {
    return this.metadata.session.now;
  }

  planQuery(query: Query): RelationPlan {
    const outer = this.ctes;
    this.ctes = new Map(outer);
    try {
      const names = new Set<string>();
      for (const w of query.with) {
        const name = w.name.value.toLowerCase();
        if (names.has(name)) {
          throw new QuarryError('AMBIGUOUS_NAME', `WITH query name '${name}' specified more than once`, {
            location: w.loc,
          });
        }
        if (w.columns.length)
          throw new QuarryError('NOT_SUPPORTED', 'WITH column lists are not supported yet', {
            location: w.loc,
          });
        names.add(name);
        this.ctes.set(name, w.query);
      }
      if (query.body.kind === 'Select') return this.planSelect(query.body, query);
      const body = this.planBody(query.body);
      return this.orderAndLimit(
        body,
        body.node.outputs.map((_, i) => i),
        query,
        undefined,
      );
    } finally {
      this.ctes = outer;
    }
  }

  private planBody(body: QueryBody): RelationPlan {
    switch (body.kind) {
      case 'Select':
        return this.planSelect(body, undefined);
      case 'Query':
        return this.planQuery(body);
      case 'Table':
        return this.planRelation(body);
      case 'Values':
        return this.planValues(body.rows, body.loc);
      case 'SetOperation':
        throw new QuarryError('NOT_SUPPORTED', `${body.op} is not supported yet`, { location: body.loc });
    }
  }

  private planRelation(rel: Relation): RelationPlan {
    switch (rel.kind) {
      case 'Table': {
        const cteName = rel.name.length === 1 ? rel.name[0]!.value.toLowerCase() : undefined;
        const cte = cteName !== undefined ? this.ctes.get(cteName) : undefined;
        if (cte) {
          const planned = this.planQuery(cte);
          return withRelation(planned, [cteName!]);
        }
        const meta = this.metadata.table(rel.name, rel.loc);
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
      case 'AliasedRelation': {
        const inner = this.planRelation(rel.relation);
        const renamed = rel.columns.length
          ? renameColumns(
              inner,
              rel.columns.map((c) => c.value),
              rel.loc,
            )
          : inner;
        return withRelation(renamed, [rel.alias.value]);
      }
      case 'SubqueryRelation':
        return this.planQuery(rel.query);
      case 'Join':
        throw new QuarryError('NOT_SUPPORTED', 'Joins are not supported yet', { location: rel.loc });
    }
  }

  private planValues(rows: readonly (readonly Expression[])[], loc: Select['loc']): RelationPlan {
    const empty = new ExprTranslator(new Scope([]), { now: this.now });
    const width = rows[0]?.length ?? 0;
    const translated = rows.map((row) => {
      if (row.length !== width)
        throw new QuarryError('TYPE_MISMATCH', 'VALUES rows have different numbers of columns', {
          location: loc,
        });
      return row.map((e) => empty.translate(e));
    });
    const columns = Array.from({ length: width }, (_, c) =>
      empty.coerceAll(
        translated.map((r) => r[c]!),
        'VALUES',
      ),
    );
    const literalRows = translated.map((_, r) =>
      columns.map((col) => {
        const e = col[r]!;
        try {
          return literalOf(evaluateConstant(e), e.type);
        } catch (err) {
          throw locate(err, loc);
        }
      }),
    );
    const outputs: Column[] = columns.map((col, c) => ({ name: `_col${c}`, type: col[0]!.type }));
    const node: PlanNode = { kind: 'Values', rows: literalRows, outputs };
    return {
      node,
      scope: new Scope(outputs.map((c) => ({ name: c.name, relation: undefined, type: c.type }))),
    };
  }

  private planSelect(select: Select, query: Query | undefined): RelationPlan {
    let source: RelationPlan = select.from
      ? this.planRelation(select.from)
      : { node: { kind: 'Values', rows: [[]], outputs: [] }, scope: new Scope([]) };
    const sourceTranslator = new ExprTranslator(source.scope, { now: this.now });
    if (select.where) {
      if (containsAggregate(select.where)) {
        throw new QuarryError(
          'EXPRESSION_NOT_AGGREGATE',
          'WHERE clause cannot contain aggregations, window functions or grouping operations',
          {
            location: select.where.loc,
          },
        );
      }
      const predicate = sourceTranslator.boolean(
        sourceTranslator.translate(select.where),
        'WHERE',
        select.where.loc,
      );
      source = {
        node: { kind: 'Filter', input: source.node, predicate, outputs: source.node.outputs },
        scope: source.scope,
      };
    }

    const orderBy = query?.orderBy ?? [];
    const holders = [
      ...select.items.flatMap((i) => (i.kind === 'SingleColumn' ? [i.expression] : [])),
      ...(select.having ? [select.having] : []),
      ...orderBy.map((o) => o.expression),
    ];
    const aggregated =
      select.groupBy !== undefined || select.having !== undefined || holders.some(containsAggregate);
    let node = source.node;
    let translator = sourceTranslator;
    if (aggregated) {
      const agg = planAggregation({
        source: source.node,
        sourceTranslator,
        groupBy: select.groupBy,
        selectItems: select.items,
        aggregateHolders: holders,
        now: this.now,
      });
      node = agg.node;
      translator = agg.translator;
      if (select.having) {
        const predicate = translator.boolean(
          translator.translate(select.having),
          'HAVING',
          select.having.loc,
        );
        node = { kind: 'Filter', input: node, predicate, outputs: node.outputs };
      }
    }

    // select list
    const exprs: Expr[] = [];
    const fields: Field[] = [];
    select.items.forEach((item) => {
      if (item.kind === 'AllColumns') {
        const qualifier = item.qualifier?.map((q) => q.value);
        for (const channel of source.scope.expandStar(qualifier, item.loc)) {
          const f = source.scope.fields[channel]!;
          const ref: Expression = {
            kind: 'ColumnRef',
            parts: [{ kind: 'Identifier', value: f.name ?? '', quoted: true, loc: item.loc }],
            loc: item.loc,
          };
          exprs.push(aggregated ? translator.translate(ref) : { kind: 'input', channel, type: f.type });
          fields.push({ name: f.name, relation: f.relation, type: f.type });
        }
        return;
      }
      const e = translator.translate(item.expression);
      exprs.push(e);
      const name =
        item.alias?.value ??
        (item.expression.kind === 'ColumnRef' ? item.expression.parts.at(-1)!.value : `_col${fields.length}`);
      const relation =
        !item.alias && item.expression.kind === 'ColumnRef' && e.kind === 'input' && !aggregated
          ? source.scope.fields[e.channel]?.relation
          : undefined;
      fields.push({ name, relation, type: e.type });
    });
    const visible = exprs.length;

    // ORDER BY keys: output columns by ordinal or name, else expressions (hidden columns)
    const keys: SortKey[] = [];
    for (const item of orderBy) {
      let channel = outputChannel(item, fields.slice(0, visible));
      if (channel === undefined) {
        const e = translator.translate(item.expression);
        const k = JSON.stringify(e);
        channel = exprs.findIndex((x) => JSON.stringify(x) === k);
        if (channel < 0) {
          if (select.distinct) {
            throw new QuarryError(
              'EXPRESSION_NOT_AGGREGATE',
              'For SELECT DISTINCT, ORDER BY expressions must appear in select list',
              {
                location: item.loc,
              },
            );
          }
          channel = exprs.length;
          exprs.push(e);
          fields.push({ name: undefined, relation: undefined, type: e.type, hidden: true });
        }
      }
      keys.push(sortKey(item, channel));
    }

    const outputs: Column[] = fields.map((f, i) => ({ name: f.name ?? `_col${i}`, type: f.type }));
    node = { kind: 'Project', input: node, exprs, outputs };
    if (select.distinct) {
      node = {
        kind: 'Aggregate',
        input: node,
        step: 'single',
        groupBy: outputs.map((_, i) => i),
        aggregates: [],
        outputs,
      };
    }
    const planned = { node, scope: new Scope(fields) };
    return this.orderAndLimit(
      planned,
      Array.from({ length: visible }, (_, i) => i),
      query,
      keys,
    );
  }

  /** ORDER BY, OFFSET and LIMIT over a planned body; drops hidden sort columns at the end. */
  private orderAndLimit(
    plan: RelationPlan,
    visible: number[],
    query: Query | undefined,
    keys: SortKey[] | undefined,
  ): RelationPlan {
    let node = plan.node;
    const sortKeys =
      keys ??
      (query?.orderBy ?? []).map((item) => {
        const channel = outputChannel(item, plan.scope.fields);
        if (channel === undefined) {
          const e = new ExprTranslator(plan.scope, { now: this.now }).translate(item.expression);
          if (e.kind !== 'input')
            throw new QuarryError(
              'NOT_SUPPORTED',
              'ORDER BY expressions over this query must name an output column',
              { location: item.loc },
            );
          return sortKey(item, e.channel);
        }
        return sortKey(item, channel);
      });
    if (sortKeys.length) node = { kind: 'Sort', input: node, keys: sortKeys, outputs: node.outputs };
    const offset = query?.offset ? rowCount(query.offset.rowCount, 'OFFSET') : 0;
    const limit = limitCount(query?.limit);
    if (offset > 0 || limit !== undefined) {
      node = {
        kind: 'Limit',
        input: node,
        count: limit ?? Number.MAX_SAFE_INTEGER,
        offset,
        outputs: node.outputs,
      };
    }
    if (visible.length !== node.outputs.length) {
      const outputs = visible.map((c) => node.outputs[c]!);
      node = {
        kind: 'Project',
        input: node,
        exprs: visible.map((c) => ({ kind: 'input', channel: c, type: node.outputs[c]!.type })),
        outputs,
      };
    }
    return { node, scope: new Scope(visible.map((c) => plan.scope.fields[c]!)) };
  }
}

function outputChannel(item: SortItem, fields: readonly Field[]): number | undefined {
  const e = item.expression;
  if (e.kind === 'NumericLiteral' && e.numericType === 'integer') {
    const n = Number(e.text);
    if (n < 1 || n > fields.length) {
      throw new QuarryError('INVALID_COLUMN_REFERENCE', `ORDER BY position ${n} is not in select list`, {
        location: e.loc,
      });
    }
    return n - 1;
  }
  if (e.kind === 'ColumnRef' && e.parts.length === 1) {
    const name = e.parts[0]!.value.toLowerCase();
    const matches = fields.flatMap((f, i) => (!f.hidden && f.name?.toLowerCase() === name ? [i] : []));
    if (matches.length > 1)
      throw new QuarryError('AMBIGUOUS_NAME', `'${name}' in ORDER BY is ambiguous`, { location: e.loc });
    return matches[0];
  }
  return undefined;
}

function sortKey(item: SortItem, channel: number): SortKey {
  const ascending = item.ordering === 'ASC';
  // Trino's default: NULLS LAST for both directions
  return { channel, ascending, nullsFirst: item.nulls === 'FIRST' };
}

function rowCount(lit: NumericLiteral, clause: string): number {
  const n = Number(lit.text);
  if (lit.numericType !== 'integer' || !Number.isSafeInteger(n) || n < 0) {
    throw new QuarryError(
      'INVALID_ARGUMENTS',
      `${clause} row count must be a non-negative integer: ${lit.text}`,
      { location: lit.loc },
    );
  }
  return n;
}

function limitCount(limit: Limit | FetchFirst | Offset | undefined): number | undefined {
  if (!limit) return undefined;
  if (limit.kind === 'Limit') return limit.rowCount === 'ALL' ? undefined : rowCount(limit.rowCount, 'LIMIT');
  if (limit.kind === 'FetchFirst') {
    if (limit.withTies)
      throw new QuarryError('NOT_SUPPORTED', 'FETCH FIRST … WITH TIES is not supported yet', {
        location: limit.loc,
      });
    return limit.rowCount ? rowCount(limit.rowCount, 'FETCH FIRST') : 1;
  }
  return undefined;
}

function withRelation(plan: RelationPlan, relation: readonly string[]): RelationPlan {
  return { node: plan.node, scope: new Scope(plan.scope.fields.map((f) => ({ ...f, relation }))) };
}

function renameColumns(plan: RelationPlan, names: readonly string[], loc: Select['loc']): RelationPlan {
  const visible = plan.scope.fields.filter((f) => !f.hidden);
  if (names.length !== visible.length) {
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Column alias list has ${names.length} entries but relation has ${visible.length} columns`,
      {
        location: loc,
      },
    );
  }
  return {
    node: plan.node,
    scope: new Scope(plan.scope.fields.map((f, i) => ({ ...f, name: names[i] ?? f.name }))),
  };
}
