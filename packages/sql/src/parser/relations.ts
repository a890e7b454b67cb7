/**
 * Relations in FROM: tables, subqueries and joins. Commas bind loosest (`a, b JOIN c ON …` is
 * `a, (b JOIN c ON …)`); joins are left-associative, and as in Trino's grammar the right side of a
 * join with criteria may itself be a join (`a JOIN b JOIN c ON x ON y`).
 */
import type { Identifier, JoinOn, JoinType, JoinUsing, Relation } from './ast.js';
import { ExpressionParser } from './expressions.js';
import { CLAUSE_WORDS } from './keywords.js';
import type { Token } from './lexer.js';

const OUTER_JOIN_TYPES = ['LEFT', 'RIGHT', 'FULL'] as const;

export abstract class RelationParser extends ExpressionParser {
  /** `relation, relation, …` after FROM. */
  protected parseFromList(): Relation {
    let relation = this.parseRelation();
    let links = 0;
    while (this.acceptSymbol(',')) {
      this.grow();
      links++;
      const right = this.parseRelation();
      relation = { kind: 'Join', loc: relation.loc, type: 'IMPLICIT', left: relation, right };
    }
    this.shrink(links);
    return relation;
  }

  private parseRelation(): Relation {
    let left = this.aliasedRelation();
    let links = 0;
    for (;;) {
      const token = this.token;
      if (this.isWord('NATURAL')) this.notSupported(token, 'NATURAL JOIN');
      if (this.acceptWord('CROSS')) {
        this.expectWord('JOIN');
        this.grow();
        links++;
        left = { kind: 'Join', loc: left.loc, type: 'CROSS', left, right: this.aliasedRelation() };
        continue;
      }
      const type = this.joinType();
      if (!type) break;
      this.grow();
      links++;
      this.enter();
      const right = this.parseRelation();
      this.leave();
      left = { kind: 'Join', loc: left.loc, type, left, right, criteria: this.joinCriteria() };
    }
    this.shrink(links);
    return left;
  }

  private joinType(): JoinType | undefined {
    if (this.acceptWord('JOIN')) return 'INNER';
    if (this.acceptWord('INNER')) {
      this.expectWord('JOIN');
      return 'INNER';
    }
    const type = this.acceptWords(OUTER_JOIN_TYPES);
    if (!type) return undefined;
    this.acceptWord('OUTER');
    this.expectWord('JOIN');
    return type;
  }

  private joinCriteria(): JoinOn | JoinUsing {
    const token = this.token;
    const loc = this.loc(token);
    if (this.acceptWord('ON')) return { kind: 'JoinOn', loc, condition: this.parseExpression() };
    if (this.acceptWord('USING')) return { kind: 'JoinUsing', loc, columns: this.expectIdentifierList() };
    return this.fail();
  }

  /** A primary relation with an optional `[AS] alias [(columns)]`. */
  protected aliasedRelation(): Relation {
    const start = this.token;
    const relation = this.relationPrimary();
    let alias: Identifier | undefined;
    if (this.acceptWord('AS')) alias = this.expectIdentifier();
    else if (this.startsBareAlias()) alias = this.expectIdentifier();
    const token = this.token;
    if (this.isWord('TABLESAMPLE')) this.notSupported(token, 'TABLESAMPLE');
    if (this.isWord('MATCH_RECOGNIZE')) this.notSupported(token, 'MATCH_RECOGNIZE');
    if (this.isWord('FOR') && ['TIMESTAMP', 'VERSION'].some((word) => this.isWord(word, 1))) {
      this.notSupported(token, 'Time travel (FOR TIMESTAMP|VERSION AS OF)');
    }
    if (!alias) return relation;
    const columns = this.isSymbol('(') ? this.expectIdentifierList() : [];
    return { kind: 'AliasedRelation', loc: this.loc(start), relation, alias, columns };
  }

  /** Whether an alias written without AS starts here (clause words such as LIMIT do not). */
  protected startsBareAlias(): boolean {
    this.note('<identifier>');
    const token = this.token;
    return this.isIdentifier() && !(token.kind === 'word' && CLAUSE_WORDS.has(token.value));
  }

  private relationPrimary(): Relation {
    const token = this.token;
    if (this.isSymbol('(')) return this.parenthesizedRelation(token);
    if (this.isWord('UNNEST') && this.isSymbol('(', 1)) return this.unnest(token);
    if (this.isWord('LATERAL') && this.isSymbol('(', 1)) {
      this.expectWord('LATERAL');
      this.enter();
      const query = this.parenthesizedQuery();
      this.leave();
      return { kind: 'Lateral', loc: this.loc(token), query };
    }
    if (this.isWord('TABLE') && this.isSymbol('(', 1)) this.notSupported(token, 'Table functions');
    if (this.isWord('JSON_TABLE')) this.notSupported(token, 'JSON_TABLE');
    this.note("'('");
    return { kind: 'Table', loc: this.loc(token), name: this.expectQualifiedName() };
  }

  /** `UNNEST(expression, …) [WITH ORDINALITY]`. */
  private unnest(start: Token): Relation {
    this.expectWord('UNNEST');
    this.expectSymbol('(');
    this.enter();
    const args = [this.parseExpression()];
    while (this.acceptSymbol(',')) args.push(this.parseExpression());
    this.leave();
    this.expectSymbol(')');
    let ordinality = false;
    if (this.isWord('WITH') && this.isWord('ORDINALITY', 1)) {
      this.expectWord('WITH');
      this.expectWord('ORDINALITY');
      ordinality = true;
    }
    return { kind: 'Unnest', loc: this.loc(start), args, ordinality };
  }

  /** `(query)` or `(relation)`. */
  private parenthesizedRelation(start: Token): Relation {
    this.enter();
    let relation: Relation;
    if (this.opensQuery()) {
      relation = { kind: 'SubqueryRelation', loc: this.loc(start), query: this.parenthesizedQuery() };
    } else {
      this.expectSymbol('(');
      relation = this.parseRelation();
      this.expectSymbol(')');
    }
    this.leave();
    return relation;
  }
}
