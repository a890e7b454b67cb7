/** Row-level writes: DELETE, TRUNCATE, UPDATE and MERGE. */
import type { Delete, Identifier, Merge, MergeCase, Update, UpdateAssignment } from './ast.js';
import type { Token } from './lexer.js';
import { QueryParser } from './queries.js';

export abstract class DmlParser extends QueryParser {
  /** `DELETE FROM name [WHERE expr]` or `TRUNCATE TABLE name`. */
  protected delete(start: Token): Delete {
    const loc = this.loc(start);
    if (this.acceptWord('TRUNCATE')) {
      this.expectWord('TABLE');
      return { kind: 'Delete', loc, table: this.expectQualifiedName(), truncate: true };
    }
    this.advance();
    this.expectWord('FROM');
    const table = this.expectQualifiedName();
    if (!this.acceptWord('WHERE')) return { kind: 'Delete', loc, table };
    return { kind: 'Delete', loc, table, where: this.parseExpression() };
  }

  /** `UPDATE name SET column = expr [, …] [WHERE expr]`. */
  protected update(start: Token): Update {
    this.advance();
    const table = this.expectQualifiedName();
    this.expectWord('SET');
    const assignments = this.assignments();
    const where = this.acceptWord('WHERE') ? this.parseExpression() : undefined;
    return { kind: 'Update', loc: this.loc(start), table, assignments, ...(where ? { where } : {}) };
  }

  /** `column = expr [, …]` of UPDATE SET and MERGE's UPDATE SET. */
  private assignments(): UpdateAssignment[] {
    const assignments: UpdateAssignment[] = [];
    do {
      const at = this.loc(this.token);
      const column = this.expectIdentifier();
      this.expectSymbol('=');
      assignments.push({ loc: at, column, value: this.parseExpression() });
    } while (this.acceptSymbol(','));
    return assignments;
  }

  /** `MERGE INTO t [[AS] a] USING source ON condition WHEN … [WHEN …]…`. */
  protected merge(start: Token): Merge {
    this.advance();
    this.expectWord('INTO');
    const target = this.expectQualifiedName();
    let targetAlias: Identifier | undefined;
    if (this.acceptWord('AS') || this.startsBareAlias()) targetAlias = this.expectIdentifier();
    this.expectWord('USING');
    const source = this.aliasedRelation();
    this.expectWord('ON');
    const on = this.parseExpression();
    const cases: MergeCase[] = [];
    do cases.push(this.mergeCase());
    while (this.isWord('WHEN'));
    const alias = targetAlias ? { targetAlias } : {};
    return { kind: 'Merge', loc: this.loc(start), target, ...alias, source, on, cases };
  }

  private mergeCase(): MergeCase {
    const loc = this.loc(this.token);
    this.expectWord('WHEN');
    const matched = !this.acceptWord('NOT');
    this.expectWord('MATCHED');
    const condition = this.acceptWord('AND') ? { condition: this.parseExpression() } : {};
    this.expectWord('THEN');
    if (!matched) {
      this.expectWord('INSERT');
      const columns = this.isSymbol('(') ? this.expectIdentifierList() : [];
      this.expectWord('VALUES');
      this.expectSymbol('(');
      const values = [this.parseExpression()];
      while (this.acceptSymbol(',')) values.push(this.parseExpression());
      this.expectSymbol(')');
      return { kind: 'MergeInsert', loc, ...condition, columns, values };
    }
    if (this.acceptWord('DELETE')) return { kind: 'MergeDelete', loc, ...condition };
    this.expectWord('UPDATE');
    this.expectWord('SET');
    return { kind: 'MergeUpdate', loc, ...condition, assignments: this.assignments() };
  }
}
