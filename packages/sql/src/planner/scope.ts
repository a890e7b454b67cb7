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
}

/**
 * The columns of a relation, in channel order. Names resolve case-insensitively (identifiers are
 * folded by the parser; quoted ones are compared in lower case too, as Trino does).
 */
export class Scope {
  constructor(readonly fields: readonly Field[]) {}

  /** The channel of `parts` (`col`, `t.col`, `schema.t.col`, …); throws naming the column if absent or ambiguous. */
  resolve(parts: readonly Identifier[], loc: SourceLocation): number {
    const found = this.tryResolve(parts, loc);
    if (found === undefined) {
      throw new QuarryError(
        'COLUMN_NOT_FOUND',
        `Column '${parts.map((p) => p.value).join('.')}' cannot be resolved`,
        {
          location: loc,
        },
      );
    }
    return found;
  }

  tryResolve(parts: readonly Identifier[], loc: SourceLocation): number | undefined {
    const names = parts.map((p) => p.value.toLowerCase());
    const column = names[names.length - 1]!;
    const qualifier = names.slice(0, -1);
    const matches: number[] = [];
    this.fields.forEach((f, i) => {
      if (f.name?.toLowerCase() !== column) return;
      if (qualifier.length === 0) return void matches.push(i);
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
