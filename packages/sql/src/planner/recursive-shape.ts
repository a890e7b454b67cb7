import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier, Query, QueryBody, Relation, Table, WithQuery } from '../parser/ast.js';

/** A WITH RECURSIVE query that recurses: `anchor UNION [ALL] step`, the step naming it once in its FROM. */
export interface RecursiveShape {
  readonly anchor: QueryBody;
  readonly step: QueryBody;
  /** UNION (DISTINCT): the unrolled levels are made distinct together at the end. */
  readonly distinct: boolean;
}

/**
 * Checks a query of a `WITH RECURSIVE` list as Trino's analyzer does, on the syntax alone: every one
 * needs a column list and may not hold another WITH RECURSIVE; it recurses when it is `anchor UNION
 * [ALL] step` with exactly one reference to itself, in the FROM of the step's SELECT (not under the
 * outer side of an outer join, in INTERSECT ALL or the right of EXCEPT), with no WITH, ORDER BY,
 * OFFSET or LIMIT of its own around the union and no LIMIT in the step. One that does not recurse is
 * an ordinary WITH query, and may not name itself. Returns the shape of one that recurses.
 */
export function recursiveShape(w: WithQuery): RecursiveShape | undefined {
  if (w.columns.length === 0)
    throw new QuarryError('MISSING_COLUMN_ALIASES', 'missing column aliases in recursive WITH query', {
      location: w.loc,
    });
  const nested = nodesUnder(w.query).find((n): n is Query => n.kind === 'Query' && !!n.recursive);
  if (nested)
    throw new QuarryError('NESTED_RECURSIVE', 'nested recursive WITH query', { location: nested.loc });
  const shape = expandable(w);
  if (!shape) {
    const [reference] = findReferences(w.query, w.name);
    if (reference) throw invalidReference(reference, 'recursive reference not allowed in this context');
  }
  return shape;
}

function expandable(w: WithQuery): RecursiveShape | undefined {
  const body = w.query.body;
  if (body.kind !== 'SetOperation' || body.op !== 'UNION') return undefined;
  const [inAnchor] = findReferences(body.left, w.name);
  if (inAnchor)
    throw invalidReference(inAnchor, 'WITH table name is referenced in the base relation of recursion');
  const inStep = findReferences(body.right, w.name);
  if (inStep.length > 1)
    throw invalidReference(inStep[1]!, 'multiple recursive references in the step relation of recursion');
  if (inStep.length === 0) return undefined;
  const from = stepFrom(body.right);
  if (!from || findReferences(from, w.name).length === 0)
    throw invalidReference(
      inStep[0]!,
      'recursive reference outside of FROM clause of the step relation of recursion',
    );
  checkTopLevel(w.query);
  checkStepFrom(from, w.name);
  return { anchor: body.left, step: body.right, distinct: body.distinct };
}

/** The FROM of the step's SELECT, looking through parentheses (a LIMIT there is refused). */
function stepFrom(step: QueryBody): Relation | undefined {
  let body = step;
  while (body.kind === 'Query') {
    if (body.limit)
      throw new QuarryError(
        'INVALID_LIMIT_CLAUSE',
        'FETCH FIRST / LIMIT clause in the step relation of recursion',
        {
          location: body.limit.loc,
        },
      );
    body = body.body;
  }
  return body.kind === 'Select' ? body.from : undefined;
}

function checkTopLevel(query: Query): void {
  if (query.with.length > 0)
    throw new QuarryError('NOT_SUPPORTED', 'immediate WITH clause in recursive query', {
      location: query.loc,
    });
  if (query.orderBy.length > 0)
    throw new QuarryError('NOT_SUPPORTED', 'immediate ORDER BY clause in recursive query', {
      location: query.orderBy[0]!.loc,
    });
  if (query.offset)
    throw new QuarryError('NOT_SUPPORTED', 'immediate OFFSET clause in recursive query', {
      location: query.offset.loc,
    });
  if (query.limit)
    throw new QuarryError('INVALID_LIMIT_CLAUSE', 'immediate FETCH FIRST / LIMIT clause in recursive query', {
      location: query.limit.loc,
    });
}

/** Where the step's rows would not follow from the previous level's alone, the reference is refused. */
function checkStepFrom(from: Relation, name: Identifier): void {
  for (const n of nodesUnder(from)) {
    if (n.kind === 'Join') {
      const [left] = n.type === 'RIGHT' || n.type === 'FULL' ? findReferences(n.left, name) : [];
      if (left) throw invalidReference(left, `recursive reference in left source of ${n.type} join`);
      const [right] = n.type === 'LEFT' || n.type === 'FULL' ? findReferences(n.right, name) : [];
      if (right) throw invalidReference(right, `recursive reference in right source of ${n.type} join`);
    } else if (n.kind === 'SetOperation' && n.op === 'INTERSECT' && !n.distinct) {
      const [any] = findReferences(n, name);
      if (any) throw invalidReference(any, 'recursive reference in INTERSECT ALL');
    } else if (n.kind === 'SetOperation' && n.op === 'EXCEPT') {
      const [right] = findReferences(n.right, name);
      const quantifier = n.distinct ? 'DISTINCT' : 'ALL';
      if (right)
        throw invalidReference(right, `recursive reference in right relation of EXCEPT ${quantifier}`);
      const [left] = n.distinct ? [] : findReferences(n.left, name);
      if (left) throw invalidReference(left, 'recursive reference in left relation of EXCEPT ALL');
    }
  }
}

function invalidReference(reference: Table, message: string): QuarryError {
  return new QuarryError('INVALID_RECURSIVE_REFERENCE', message, { location: reference.loc });
}

/**
 * References to `name` under `root`: one-part table names equal to it, except inside a query whose
 * own WITH defines the name again (it means that query there).
 */
export function findReferences(root: object, name: Identifier): Table[] {
  const wanted = name.value.toLowerCase();
  const shadowed = new Set<object>();
  for (const n of nodesUnder(root)) {
    if (n.kind === 'Query' && n.with.some((w) => w.name.value.toLowerCase() === wanted))
      for (const inner of nodesUnder(n)) shadowed.add(inner);
  }
  return nodesUnder(root).filter(
    (n): n is Table =>
      n.kind === 'Table' &&
      n.name.length === 1 &&
      n.name[0]!.value.toLowerCase() === wanted &&
      !shadowed.has(n),
  );
}

type AstNode = (Query | QueryBody | Relation | Table) & { readonly loc: SourceLocation };

/** The syntax nodes under `root` (itself included), in the order they are written. */
function nodesUnder(root: object): AstNode[] {
  const out: AstNode[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== 'object' || v === null) return;
    if ('kind' in v) out.push(v as AstNode);
    for (const [k, child] of Object.entries(v)) if (k !== 'loc') visit(child);
  };
  visit(root);
  return out;
}
