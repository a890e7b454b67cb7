import { QuarryError } from '@quarry/common';
import type { Query, QueryBody, WithQuery } from '../parser/ast.js';
import type { SortKey } from '../plan/nodes.js';
import { ExprTranslator } from './expressions.js';
import type { PlannerMetadata, ResolvedView } from './metadata.js';
import { limitCount, orderChannel, rowCount, sortKey } from './ordering.js';
import type { RelationPlan } from './relation-plan.js';
import { planRelation, renameColumns } from './relations.js';
import { Scope } from './scope.js';
import type { SelectHost } from './select-host.js';
import { planSelect } from './select.js';
import { planSetOperation } from './set-operations.js';
import { planValues } from './values.js';
import type { PlannedQuery, SubqueryContext } from './planned-query.js';
import { planRecursive, recursiveShape, type RecursionHost, type RecursiveShape } from './recursive.js';

export type { RelationPlan } from './relation-plan.js';

type CteEntry =
  | {
      readonly definition: WithQuery;
      /** The WITH queries visible inside this one: those defined before it. */
      readonly visible: ReadonlyMap<string, CteEntry>;
      /** A query of WITH RECURSIVE that recurses: how it unrolls. */
      readonly recursive?: RecursiveShape;
    }
  /** The recursive WITH query inside its own step: the previous level, a fresh copy per reference. */
  | { readonly bound: RelationPlan };

/**
 * Turns a query AST into a logical plan with names resolved and types checked. A query is its WITH
 * clause, a body (SELECT, set operation, VALUES, TABLE) and ORDER BY/OFFSET/LIMIT over it; each WITH
 * query is planned afresh where it is referenced.
 */
export class QueryPlanner implements SelectHost, RecursionHost {
  /** WITH queries visible at this point of the walk; each query sees those of its enclosing queries. */
  private ctes = new Map<string, CteEntry>();

  constructor(readonly metadata: PlannerMetadata) {}

  get now(): Date {
    return this.metadata.session.now;
  }

  planQuery(query: Query, ctx?: SubqueryContext): PlannedQuery {
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
        names.add(name);
        checkColumnList(w);
        const recursive = query.recursive ? recursiveShape(w) : undefined;
        this.ctes.set(name, {
          definition: w,
          visible: new Map(this.ctes),
          ...(recursive ? { recursive } : {}),
        });
      }
      if (query.body.kind === 'Select') return planSelect(this, query.body, query, ctx);
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

  planView(view: ResolvedView): RelationPlan {
    return new QueryPlanner(view.metadata).planQuery(view.query);
  }

  planSubquery(query: Query, ctx: SubqueryContext): PlannedQuery {
    return this.planQuery(query, ctx);
  }

  cte(name: string): RelationPlan | undefined {
    const entry = this.ctes.get(name);
    if (!entry) return undefined;
    if ('bound' in entry) return { node: structuredClone(entry.bound.node), scope: entry.bound.scope };
    return this.within(entry.visible, () => {
      if (entry.recursive) return planRecursive(this, entry.definition, entry.recursive);
      const planned = this.planQuery(entry.definition.query);
      const columns = entry.definition.columns;
      return columns.length
        ? renameColumns(
            planned,
            columns.map((c) => c.value),
            entry.definition.loc,
          )
        : planned;
    });
  }

  planStep(body: QueryBody, name: string, previous: RelationPlan): RelationPlan {
    return this.within(new Map(this.ctes).set(name, { bound: previous }), () => this.planBody(body));
  }

  /** Runs `plan` with exactly the WITH queries `ctes` visible. */
  private within<T>(ctes: ReadonlyMap<string, CteEntry>, plan: () => T): T {
    const outer = this.ctes;
    this.ctes = new Map(ctes);
    try {
      return plan();
    } finally {
      this.ctes = outer;
    }
  }

  planBody(body: QueryBody): RelationPlan {
    switch (body.kind) {
      case 'Select':
        return planSelect(this, body, undefined, undefined);
      case 'Query':
        return this.planQuery(body);
      case 'Table':
        return planRelation(this, body);
      case 'Values':
        return planValues(this, body.rows, body.loc);
      case 'SetOperation':
        return planSetOperation(this, body);
    }
  }

  orderAndLimit(
    plan: RelationPlan,
    visible: number[],
    query: Query | undefined,
    keys: SortKey[] | undefined,
  ): RelationPlan {
    let node = plan.node;
    const sortKeys =
      keys ??
      (query?.orderBy ?? []).map((item) => {
        const channel = orderChannel(item, plan.scope.fields);
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
    const withTies = query?.limit?.kind === 'FetchFirst' && query.limit.withTies;
    if (withTies && sortKeys.length === 0)
      throw new QuarryError('INVALID_ARGUMENTS', 'FETCH FIRST WITH TIES clause requires ORDER BY', {
        location: query!.limit!.loc,
      });
    if (offset > 0 || limit !== undefined) {
      node = {
        kind: 'Limit',
        input: node,
        count: limit ?? Number.MAX_SAFE_INTEGER,
        offset,
        ...(withTies ? { ties: sortKeys } : {}),
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

/** A WITH query's column list names each column once (Trino: DUPLICATE_COLUMN_NAME). */
function checkColumnList(w: WithQuery): void {
  const seen = new Set<string>();
  for (const c of w.columns) {
    const name = c.value.toLowerCase();
    if (seen.has(name))
      throw new QuarryError('ALREADY_EXISTS', `Column name '${c.value}' specified more than once`, {
        location: c.loc,
      });
    seen.add(name);
  }
}
