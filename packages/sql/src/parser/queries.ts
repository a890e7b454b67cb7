/**
 * Queries: WITH, set operations (INTERSECT binds tighter than UNION and EXCEPT), SELECT with its
 * clauses, VALUES, `TABLE t`, and the ORDER BY / OFFSET / LIMIT / FETCH that apply to the whole.
 */
import type {
  FetchFirst,
  GroupBy,
  GroupingElement,
  Expression,
  Identifier,
  Limit,
  Query,
  QueryBody,
  Select,
  SelectItem,
  SetOperator,
  Values,
  WindowDefinition,
  WithQuery,
} from './ast.js';
import type { Token } from './lexer.js';
import { RelationParser } from './relations.js';

const SET_OPERATOR_POWER: Readonly<Record<SetOperator, number>> = { UNION: 1, EXCEPT: 1, INTERSECT: 2 };
const SET_OPERATORS = ['UNION', 'EXCEPT', 'INTERSECT'] as const;

/** Words that end a GROUP BY element. */
const AFTER_GROUPING = new Set([
  'HAVING',
  'WINDOW',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'UNION',
  'EXCEPT',
  'INTERSECT',
]);

export abstract class QueryParser extends RelationParser {
  parseQuery(): Query {
    this.enter();
    const start = this.token;
    const hasWith = this.acceptWord('WITH');
    const recursive = hasWith && this.acceptWord('RECURSIVE');
    const withQueries = hasWith ? this.withQueries() : [];
    const body = this.queryTerm(1);
    const orderBy = this.acceptWord('ORDER') ? this.orderByList() : [];
    let query: Query = {
      kind: 'Query',
      loc: this.loc(start),
      with: withQueries,
      ...(recursive ? { recursive } : {}),
      body,
      orderBy,
    };
    const offsetToken = this.token;
    if (this.acceptWord('OFFSET')) {
      const rowCount = this.expectInteger();
      this.acceptWords(['ROW', 'ROWS']);
      query = { ...query, offset: { kind: 'Offset', loc: this.loc(offsetToken), rowCount } };
    }
    const limit = this.limit();
    this.leave();
    return limit ? { ...query, limit } : query;
  }

  private withQueries(): WithQuery[] {
    const queries: WithQuery[] = [];
    do {
      const name = this.expectIdentifier();
      const columns = this.isSymbol('(') ? this.expectIdentifierList() : [];
      this.expectWord('AS');
      queries.push({ kind: 'WithQuery', loc: name.loc, name, columns, query: this.parenthesizedQuery() });
    } while (this.acceptSymbol(','));
    return queries;
  }

  private limit(): Limit | FetchFirst | undefined {
    const token = this.token;
    const loc = this.loc(token);
    if (this.acceptWord('LIMIT')) {
      return { kind: 'Limit', loc, rowCount: this.acceptWord('ALL') ? 'ALL' : this.expectInteger() };
    }
    if (!this.acceptWord('FETCH')) return undefined;
    this.expectWords(['FIRST', 'NEXT']);
    const rowCount = this.token.kind === 'number' ? this.expectInteger() : undefined;
    if (!rowCount) this.note('<integer>');
    this.expectWords(['ROW', 'ROWS']);
    let withTies = false;
    if (!this.acceptWord('ONLY')) {
      this.expectWord('WITH');
      this.expectWord('TIES');
      withTies = true;
    }
    return rowCount ? { kind: 'FetchFirst', loc, rowCount, withTies } : { kind: 'FetchFirst', loc, withTies };
  }

  private queryTerm(minPower: number): QueryBody {
    let left = this.queryPrimary();
    let links = 0;
    for (;;) {
      const op = SET_OPERATORS.find((word) => {
        this.note(`'${word}'`);
        return this.isWord(word);
      });
      if (!op || SET_OPERATOR_POWER[op] < minPower) break;
      this.advance();
      this.grow();
      links++;
      const distinct = this.acceptWords(['DISTINCT', 'ALL']) !== 'ALL';
      const right = this.queryTerm(SET_OPERATOR_POWER[op] + 1);
      left = { kind: 'SetOperation', loc: left.loc, op, distinct, left, right };
    }
    this.shrink(links);
    return left;
  }

  private queryPrimary(): QueryBody {
    const token = this.token;
    if (this.isWord('SELECT')) return this.select();
    if (this.isWord('VALUES')) return this.values();
    if (this.acceptWord('TABLE'))
      return { kind: 'Table', loc: this.loc(token), name: this.expectQualifiedName() };
    if (this.isSymbol('(')) {
      const query = this.parenthesizedQuery();
      const bare = query.with.length === 0 && query.orderBy.length === 0 && !query.offset && !query.limit;
      return bare ? query.body : query;
    }
    for (const expected of ["'SELECT'", "'VALUES'", "'('"]) this.note(expected);
    return this.fail();
  }

  private values(): Values {
    const token = this.advance();
    const rows: Expression[][] = [];
    do {
      const row = this.parseExpression();
      rows.push(row.kind === 'Row' ? [...row.items] : [row]);
    } while (this.acceptSymbol(','));
    return { kind: 'Values', loc: this.loc(token), rows };
  }

  private select(): Select {
    const token = this.advance();
    const distinct = this.acceptSetQuantifier() === 'DISTINCT';
    const items = [this.selectItem()];
    while (this.acceptSymbol(',')) items.push(this.selectItem());
    let select: Select = { kind: 'Select', loc: this.loc(token), distinct, items, windows: [] };
    if (this.acceptWord('FROM')) select = { ...select, from: this.parseFromList() };
    if (this.acceptWord('WHERE')) select = { ...select, where: this.parseExpression() };
    const groupToken = this.token;
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY');
      select = { ...select, groupBy: this.groupBy(groupToken) };
    }
    if (this.acceptWord('HAVING')) select = { ...select, having: this.parseExpression() };
    if (this.acceptWord('WINDOW')) {
      const windows = [this.windowDefinition()];
      while (this.acceptSymbol(',')) windows.push(this.windowDefinition());
      select = { ...select, windows };
    }
    return select;
  }

  private selectItem(): SelectItem {
    const token = this.token;
    const loc = this.loc(token);
    if (this.acceptSymbol('*')) return { kind: 'AllColumns', loc };
    if (this.startsQualifiedStar()) {
      const qualifier: Identifier[] = [];
      while (!this.isSymbol('*')) {
        qualifier.push(this.expectIdentifier());
        this.expectSymbol('.');
      }
      this.advance();
      return { kind: 'AllColumns', loc, qualifier };
    }
    const expression = this.parseExpression();
    const item: SelectItem = { kind: 'SingleColumn', loc, expression };
    if (this.acceptWord('AS') || this.startsBareAlias()) return { ...item, alias: this.expectIdentifier() };
    return item;
  }

  /** `t.*`, `s.t.*`. */
  private startsQualifiedStar(): boolean {
    for (let k = 0; this.isIdentifier(k) && this.isSymbol('.', k + 1); k += 2) {
      if (this.isSymbol('*', k + 2)) return true;
    }
    return false;
  }

  private groupBy(start: Token): GroupBy {
    const distinct = this.acceptSetQuantifier() === 'DISTINCT';
    const elements = [this.groupingElement()];
    while (this.acceptSymbol(',')) elements.push(this.groupingElement());
    return { kind: 'GroupBy', loc: this.loc(start), distinct, elements };
  }

  private groupingElement(): GroupingElement {
    const token = this.token;
    const loc = this.loc(token);
    const type = this.isWord('ROLLUP') ? 'ROLLUP' : this.isWord('CUBE') ? 'CUBE' : undefined;
    if (type) {
      this.advance();
      this.expectSymbol('(');
      const sets: Expression[][] = [];
      if (!this.isSymbol(')')) {
        do sets.push(this.groupingSet(true));
        while (this.acceptSymbol(','));
      }
      this.expectSymbol(')');
      return { kind: 'GroupingSets', loc, type, sets };
    }
    if (this.isWord('GROUPING') && this.isWord('SETS', 1)) {
      this.advance();
      this.advance();
      this.expectSymbol('(');
      const sets = [this.groupingSet(true)];
      while (this.acceptSymbol(',')) sets.push(this.groupingSet(true));
      this.expectSymbol(')');
      return { kind: 'GroupingSets', loc, type: 'EXPLICIT', sets };
    }
    return { kind: 'SimpleGrouping', loc, expressions: this.groupingSet(false) };
  }

  /**
   * `(a, b)`, `()` or a single expression. A parenthesized list counts as a set only when the
   * element ends after it: `(a + b) * 2` is an expression.
   */
  private groupingSet(inList: boolean): Expression[] {
    if (!this.isSymbol('(') || !this.endsGroupingElement(this.afterGroup(0), inList))
      return [this.parseExpression()];
    this.advance();
    const expressions: Expression[] = [];
    if (!this.isSymbol(')')) {
      do expressions.push(this.parseExpression());
      while (this.acceptSymbol(','));
    }
    this.expectSymbol(')');
    return expressions;
  }

  private endsGroupingElement(token: Token, inList: boolean): boolean {
    if (token.kind === 'symbol') return [',', ')'].includes(token.value) || (!inList && token.value === ';');
    if (inList) return false;
    return token.kind === 'eof' || (token.kind === 'word' && AFTER_GROUPING.has(token.value));
  }

  private windowDefinition(): WindowDefinition {
    const name = this.expectIdentifier();
    this.expectWord('AS');
    return { kind: 'WindowDefinition', loc: name.loc, name, spec: this.parseWindowSpec() };
  }
}
