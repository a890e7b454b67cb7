import type { Expression, Identifier, Relation, Select } from '../parser/ast.js';
import type { ListingHints } from '../spi/listed-rows.js';

export type { ListingHints } from '../spi/listed-rows.js';

/*
 * Which schemas and tables a query of `information_schema` needs, read from its WHERE clauses, so
 * that listing them asks the connector for only those (a lake with thousands of tables is not
 * listed whole for `WHERE table_schema = 's' AND table_name = 't'`).
 *
 * A hint comes from a top-level conjunct of the WHERE of the SELECT whose FROM names the table
 * directly (not inside a subquery): `col = 'text'`, `'text' = col`, `col IN ('a', …)` or `col LIKE
 * 'text'` without wildcards (the JDBC driver's form), where `col` is one of the columns below, bare
 * or qualified by the table's name or alias. Such a conjunct rejects every row whose value is another one, and NULLs, so rows
 * left out could never pass the filter — also on the inner side of an outer join, where a WHERE
 * conjunct rejects the NULL-extended rows too. The filter itself still runs over the rows listed.
 * Several references to one table get the union of what each needs; one without hints needs all.
 */

/** Which hint each column gives. */
const HINT_OF: Readonly<Record<string, keyof ListingHints>> = {
  table_cat: 'catalogs',
  table_catalog: 'catalogs',
  table_schema: 'schemas',
  schema_name: 'schemas',
  table_schem: 'schemas',
  table_name: 'tables',
  query_id: 'queries',
};

/**
 * Hints per table name key (as `nameKey` spells it), for every listed table named; `columnsOf`
 * gives the columns of such a table (undefined for any other name).
 */
export function listingHints(
  root: unknown,
  columnsOf: (name: readonly Identifier[]) => readonly string[] | undefined,
  nameKey: (name: readonly Identifier[]) => string,
): Map<string, ListingHints> {
  const out = new Map<string, ListingHints>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== 'object' || v === null) return;
    const node = v as { kind?: string };
    if (node.kind === 'Select') {
      const select = node as Select;
      for (const target of directTables(select.from)) {
        const columns = columnsOf(target.name);
        if (!columns) continue;
        const key = nameKey(target.name);
        const hints = target.renamed ? {} : hintsFor(select.where, target.qualifier, new Set(columns));
        out.set(key, out.has(key) ? union(out.get(key)!, hints) : hints);
      }
    }
    for (const [k, child] of Object.entries(v)) if (k !== 'loc') visit(child);
  };
  visit(root);
  return out;
}

interface DirectTable {
  readonly name: readonly Identifier[];
  /** What qualifies its columns: the alias, else the table's own name. */
  readonly qualifier: string;
  /** An alias with a column list renames the columns: no hints then. */
  readonly renamed: boolean;
}

function directTables(rel: Relation | undefined): DirectTable[] {
  if (!rel) return [];
  switch (rel.kind) {
    case 'Table':
      return [{ name: rel.name, qualifier: rel.name.at(-1)!.value.toLowerCase(), renamed: false }];
    case 'AliasedRelation':
      if (rel.relation.kind !== 'Table') return [];
      return [
        {
          name: rel.relation.name,
          qualifier: rel.alias.value.toLowerCase(),
          renamed: rel.columns.length > 0,
        },
      ];
    case 'Join':
      return [...directTables(rel.left), ...directTables(rel.right)];
    case 'SubqueryRelation':
    case 'Unnest':
    case 'Lateral':
      return [];
  }
}

function hintsFor(
  where: Expression | undefined,
  qualifier: string,
  columns: ReadonlySet<string>,
): ListingHints {
  const hints: Partial<Record<keyof ListingHints, Set<string>>> = {};
  for (const conjunct of conjuncts(where)) {
    const found = valuesOf(conjunct, qualifier);
    if (!found || !columns.has(found.column) || !Object.hasOwn(HINT_OF, found.column)) continue;
    const hint = HINT_OF[found.column]!;
    const current = hints[hint];
    hints[hint] = new Set(current ? found.values.filter((x) => current.has(x)) : found.values);
  }
  return hints;
}

function conjuncts(e: Expression | undefined): Expression[] {
  if (!e) return [];
  if (e.kind === 'BinaryOp' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

/** `col = 'x'`, `'x' = col`, `col IN ('x', …)` or `col LIKE 'x'`: the column (lower case) and the values. */
function valuesOf(e: Expression, qualifier: string): { column: string; values: string[] } | undefined {
  if (e.kind === 'BinaryOp' && e.op === '=') {
    const [col, lit] = e.left.kind === 'StringLiteral' ? [e.right, e.left] : [e.left, e.right];
    const column = columnOf(col, qualifier);
    return column && lit.kind === 'StringLiteral' ? { column, values: [lit.value] } : undefined;
  }
  if (e.kind === 'Like' && !e.negated && e.pattern.kind === 'StringLiteral') {
    const column = columnOf(e.operand, qualifier);
    const escape =
      e.escape === undefined ? '' : e.escape.kind === 'StringLiteral' ? e.escape.value : undefined;
    const exact = escape === undefined ? undefined : withoutWildcards(e.pattern.value, escape);
    return column && exact !== undefined ? { column, values: [exact] } : undefined;
  }
  if (e.kind === 'InList' && !e.negated) {
    const column = columnOf(e.operand, qualifier);
    if (!column || !e.values.every((v) => v.kind === 'StringLiteral')) return undefined;
    return { column, values: e.values.map((v) => (v as { value: string }).value) };
  }
  return undefined;
}

function columnOf(e: Expression, qualifier: string): string | undefined {
  if (e.kind !== 'ColumnRef') return undefined;
  const parts = e.parts.map((p) => p.value.toLowerCase());
  if (parts.length === 1) return parts[0];
  return parts.length === 2 && parts[0] === qualifier ? parts[1] : undefined;
}

/** A LIKE pattern's one match when it has no wildcard (escapes resolved), else undefined. */
function withoutWildcards(pattern: string, escape: string): string | undefined {
  if (escape.length > 1) return undefined;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== '' && c === escape) {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      out += next;
      i++;
    } else if (c === '%' || c === '_') return undefined;
    else out += c;
  }
  return out;
}

/** What two references to one table need together: a restriction only where both have one. */
function union(a: ListingHints, b: ListingHints): ListingHints {
  const out: Partial<Record<keyof ListingHints, Set<string>>> = {};
  for (const k of ['catalogs', 'schemas', 'tables', 'queries'] as const) {
    const x = a[k];
    const y = b[k];
    if (x && y) out[k] = new Set([...x, ...y]);
  }
  return out;
}
