import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier } from '../parser/ast.js';
import type { DataType } from '../types/types.js';

/** A column visible to expressions: its name, the relation it came from, and its channel. */
export interface Field {
  readonly name: string | undefined;
  /** The relation's name parts as it can be qualified: [alias] or [catalog, schema, table]. */
  readonly relation: readonly string[] | undefined;
  readonly type: DataType;
  /** Hidden fields (ORDER BY helpers) are not expanded by `*`. */
  readonly hidden?: boolean;
  /** Resolved only when qualified (a side's copy of a USING column). */
  readonly qualifiedOnly?: boolean;
}

/**
 * The enclosing query's columns, seen from a subquery. Its channels follow the subquery's own:
 * outer channel c is `offset + c`. Where correlation is not supported, a reference is an error.
 */
export interface OuterScope {
  readonly scope: Scope;
  readonly offset: number;
  readonly allowed: boolean;
}

/**
 * The columns of a relation, in channel order. Names resolve case-insensitively (identifiers are
 * folded by the parser; quoted ones are compared in lower case too, as Trino does). A name that is
 * not a column of the relation may name a column of the enclosing query (a correlated reference).
 */
export class Scope {
  constructor(
    readonly fields: readonly Field[],
    readonly outer?: OuterScope,
  ) {}

  /** This scope seeing `outer`'s columns after its own `offset` channels. */
  withOuter(outer: Scope | undefined, offset: number, allowed = true): Scope {
    return outer ? new Scope(this.fields, { scope: outer, offset, allowed }) : this;
  }

  /** The type of a channel, an outer one included. */
  typeOf(channel: number): DataType {
    const f = this.fields[channel];
    if (f) return f.type;
    if (this.outer && channel >= this.outer.offset)
      return this.outer.scope.typeOf(channel - this.outer.offset);
    throw new QuarryError(
      'GENERIC_INTERNAL_ERROR',
      `no channel ${channel} in scope (this is a bug in quarry)`,
    );
  }

  /** The channel of `parts` (`col`, `t.col`, `schema.t.col`, …); throws naming the column if absent or ambiguous. */
  resolve(parts: readonly Identifier[], loc: SourceLocation): number {
    const found = this.tryResolve(parts, loc);
    if (found !== undefined) return found;
    const outer = this.outer;
    const there = outer?.scope.tryResolve(parts, loc);
    if (outer && there !== undefined) {
      if (!outer.allowed) {
        throw new QuarryError(
          'NOT_SUPPORTED',
          `Correlated reference to '${parts.map((p) => p.value).join('.')}' is only supported in the WHERE clause of a subquery`,
          { location: loc },
        );
      }
      return outer.offset + there;
    }
    for (let up = outer?.scope.outer; up; up = up.scope.outer) {
      if (up.scope.tryResolve(parts, loc) !== undefined) {
        throw new QuarryError(
          'NOT_SUPPORTED',
          `Correlated reference to '${parts.map((p) => p.value).join('.')}' from a subquery nested more than one level deep is not supported`,
          { location: loc },
        );
      }
    }
    throw new QuarryError(
      'COLUMN_NOT_FOUND',
      `Column '${parts.map((p) => p.value).join('.')}' cannot be resolved`,
      {
        location: loc,
      },
    );
  }

  tryResolve(parts: readonly Identifier[], loc: SourceLocation): number | undefined {
    const names = parts.map((p) => p.value.toLowerCase());
    const column = names[names.length - 1]!;
    const qualifier = names.slice(0, -1);
    const matches: number[] = [];
    this.fields.forEach((f, i) => {
      if (f.name?.toLowerCase() !== column) return;
      if (qualifier.length === 0) {
        if (!f.qualifiedOnly) matches.push(i);
        return;
      }
      const rel = f.relation?.map((r) => r.toLowerCase());
      if (
        rel &&
        rel.length >= qualifier.length &&
        qualifier.every((q, k) => rel[rel.length - qualifier.length + k] === q)
      ) {
        matches.push(i);
      }
    });
    if (matches.length > 1) {
      throw new QuarryError('AMBIGUOUS_NAME', `Column '${names.join('.')}' is ambiguous`, { location: loc });
    }
    return matches[0];
  }

  /** The fields of `*` or `qualifier.*`, as channels. */
  expandStar(qualifier: readonly string[] | undefined, loc: SourceLocation): number[] {
    const q = qualifier?.map((s) => s.toLowerCase());
    const out: number[] = [];
    this.fields.forEach((f, i) => {
      if (f.hidden) return;
      if (!q) return void out.push(i);
      const rel = f.relation?.map((r) => r.toLowerCase());
      if (rel && rel.length >= q.length && q.every((x, k) => rel[rel.length - q.length + k] === x))
        out.push(i);
    });
    if (q && out.length === 0) {
      throw new QuarryError('TABLE_NOT_FOUND', `Table '${q.join('.')}' not found in FROM clause`, {
        location: loc,
      });
    }
    return out;
  }
}
