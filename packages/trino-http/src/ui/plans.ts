import { QuarryError, randomSuffix } from '@quarry/common';
import type { QuarryClient } from '@quarry/client';
import { UI_PLAN_PREFIX } from './board.js';

/** A query's plan for the UI: EXPLAIN's text, or why there is none. */
export type PlanView =
  { readonly text: string } | { readonly unavailable: string } | { readonly pending: true };

/** Statements EXPLAIN plans without running anything: a query, or a write (which EXPLAIN does not do). */
const EXPLAINABLE = /^(?:select|with|values|table|insert|delete|update|merge|create\s+table\s+\S+\s+as)\b/i;

export interface PlansOptions {
  readonly client: QuarryClient;
  /** Most plans kept. */
  readonly maxPlans?: number;
}

/**
 * The plans the query page shows: `EXPLAIN <sql>` with the query's catalog and schema, run once per
 * query and kept. Stage numbers are those the query's events name (planning is deterministic for a
 * text and a catalog's state); the page says the plan is EXPLAIN's.
 */
export class Plans {
  private readonly plans = new Map<string, PlanView>();

  constructor(private readonly o: PlansOptions) {}

  /** The plan, or `pending` while its EXPLAIN runs (started by the first call): the page asks again. */
  of(queryId: string, sql: string, session: Readonly<Record<string, string>>): PlanView {
    const known = this.plans.get(queryId);
    if (known) return known;
    this.plans.set(queryId, { pending: true });
    if (this.plans.size > (this.o.maxPlans ?? 200)) this.plans.delete(this.plans.keys().next().value!);
    void this.explain(sql, session).then((plan) => {
      if (this.plans.has(queryId)) this.plans.set(queryId, plan);
    });
    return { pending: true };
  }

  private async explain(sql: string, session: Readonly<Record<string, string>>): Promise<PlanView> {
    const statement = withoutLeadingComments(sql);
    if (!EXPLAINABLE.test(statement))
      return {
        unavailable: 'Only queries and writes have a plan to show (this statement ran on the coordinator)',
      };
    // the query list leaves these out (UI_PLAN_PREFIX)
    const queryId = `${UI_PLAN_PREFIX}${Date.now()}_${randomSuffix(8)}`;
    try {
      const result = await this.o.client.query(`EXPLAIN ${statement}`, { queryId, session });
      return { text: result.rows.map((r) => String(r[0])).join('\n') };
    } catch (e) {
      return { unavailable: `EXPLAIN failed: ${QuarryError.wrap(e).message}` };
    }
  }
}

/** The text from its first token on: `--` and `/* … *\/` comments and blanks before it dropped. */
function withoutLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.trimStart();
    if (t.startsWith('--')) s = t.includes('\n') ? t.slice(t.indexOf('\n') + 1) : '';
    else if (t.startsWith('/*') && t.includes('*/')) s = t.slice(t.indexOf('*/') + 2);
    else return t;
  }
}
