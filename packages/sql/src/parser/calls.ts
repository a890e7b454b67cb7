/** Function-call arguments, FILTER, OVER and window specifications, and ORDER BY items. */
import type {
  Expression,
  FrameBound,
  FunctionCall,
  QualifiedName,
  SortItem,
  WindowFrame,
  WindowSpec,
} from './ast.js';
import type { Token } from './lexer.js';
import { TypeParser } from './type-names.js';

interface CallArguments {
  readonly args: Expression[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly orderBy: SortItem[];
}

/** Words that may follow the name of an existing window at the start of a window specification. */
const AFTER_WINDOW_NAME = ['PARTITION', 'ORDER', 'ROWS', 'RANGE', 'GROUPS'];

/** Words that can follow an item of a select list or a function's arguments. */
// prettier-ignore
const AFTER_SELECT_ITEM = new Set([
  'AS', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'WINDOW', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'EXCEPT', 'INTERSECT',
]);

export abstract class CallParser extends TypeParser {
  /** An operand of arithmetic or of a predicate: no comparison, IS, IN, AND, … unless parenthesized. */
  protected abstract parseValueExpression(): Expression;

  /**
   * The rest of a call once `name(` is consumed. `first` is an argument the caller already parsed
   * (to tell a special form such as `substring(x FROM …)` from a plain call).
   */
  protected finishFunctionCall(start: Token, name: QualifiedName, first?: Expression): FunctionCall {
    const { args, distinct, star, orderBy } = this.callArguments(first);
    const withinGroup = this.withinGroup(orderBy);
    let filter: Expression | undefined;
    if (this.isWord('FILTER') && this.isSymbol('(', 1)) {
      this.advance();
      this.advance();
      this.expectWord('WHERE');
      filter = this.parseExpression();
      this.expectSymbol(')');
    }
    const call: FunctionCall = {
      kind: 'FunctionCall',
      loc: this.loc(start),
      name,
      args,
      distinct,
      star,
      orderBy: withinGroup ?? orderBy,
      ...(withinGroup ? { withinGroup: true } : {}),
    };
    const withFilter = filter ? { ...call, filter } : call;
    const nullTreatment =
      (this.isWord('IGNORE') || this.isWord('RESPECT')) && this.isWord('NULLS', 1)
        ? this.acceptWords(['IGNORE', 'RESPECT'])
        : undefined;
    if (nullTreatment) {
      this.expectWord('NULLS');
      this.expectWord('OVER');
      const window = this.isSymbol('(')
        ? this.parseWindowSpec()
        : { kind: 'WindowRef' as const, loc: this.loc(this.token), name: this.expectIdentifier() };
      return { ...withFilter, nullTreatment, window };
    }
    if (this.isWord('OVER') && (this.isSymbol('(', 1) || this.isIdentifier(1))) {
      this.advance();
      const window = this.isSymbol('(')
        ? this.parseWindowSpec()
        : { kind: 'WindowRef' as const, loc: this.loc(this.token), name: this.expectIdentifier() };
      return { ...withFilter, window };
    }
    return withFilter;
  }

  /** `WITHIN GROUP (ORDER BY …)` after an ordered aggregate's arguments (listagg), if written. */
  private withinGroup(orderBy: readonly SortItem[]): SortItem[] | undefined {
    if (!this.isWord('WITHIN') || !this.isWord('GROUP', 1) || !this.isSymbol('(', 2)) return undefined;
    if (orderBy.length) this.notSupported(this.token, 'ORDER BY both inside the call and WITHIN GROUP');
    this.advance();
    this.advance();
    this.advance();
    this.expectWord('ORDER');
    const items = this.orderByList();
    this.expectSymbol(')');
    return items;
  }

  /** `ON OVERFLOW ERROR` (the default) at the end of listagg's arguments; TRUNCATE is refused. */
  private overflowBehavior(): void {
    if (!this.isWord('ON') || !this.isWord('OVERFLOW', 1)) return;
    const start = this.token;
    this.advance();
    this.advance();
    if (this.acceptWord('ERROR')) return;
    this.expectWord('TRUNCATE');
    this.notSupported(start, 'ON OVERFLOW TRUNCATE');
  }

  private callArguments(first: Expression | undefined): CallArguments {
    let distinct = false;
    const args: Expression[] = [];
    if (first) {
      args.push(first);
    } else {
      if (this.acceptSymbol('*')) {
        this.expectSymbol(')');
        return { args, distinct, star: true, orderBy: [] };
      }
      if (this.acceptSymbol(')')) return { args, distinct, star: false, orderBy: [] };
      distinct = this.acceptSetQuantifier() === 'DISTINCT';
      args.push(this.parseExpression());
    }
    while (this.acceptSymbol(',')) args.push(this.parseExpression());
    this.overflowBehavior();
    const orderBy = this.acceptWord('ORDER') ? this.orderByList() : [];
    this.expectSymbol(')');
    return { args, distinct, star: false, orderBy };
  }

  /**
   * DISTINCT or ALL before a list of expressions. ALL is non-reserved, so it is a quantifier only
   * when an expression follows it: `SELECT all FROM t` selects a column named "all".
   */
  protected acceptSetQuantifier(): 'DISTINCT' | 'ALL' | undefined {
    if (this.acceptWord('DISTINCT')) return 'DISTINCT';
    this.note("'ALL'");
    if (!this.isWord('ALL')) return undefined;
    const next = this.peek(1);
    const ends =
      next.kind === 'eof' ||
      (next.kind === 'symbol' && [',', ')', ';'].includes(next.value)) ||
      (next.kind === 'word' && AFTER_SELECT_ITEM.has(next.value));
    if (ends) return undefined;
    this.advance();
    return 'ALL';
  }

  /** After ORDER: `BY item, …`. */
  protected orderByList(): SortItem[] {
    this.expectWord('BY');
    const items = [this.parseSortItem()];
    while (this.acceptSymbol(',')) items.push(this.parseSortItem());
    return items;
  }

  private parseSortItem(): SortItem {
    const start = this.token;
    const expression = this.parseExpression();
    const ordering = this.acceptWords(['ASC', 'DESC']) ?? 'ASC';
    const item: SortItem = { kind: 'SortItem', loc: this.loc(start), expression, ordering };
    if (!this.acceptWord('NULLS')) return item;
    return { ...item, nulls: this.expectWords(['FIRST', 'LAST']) };
  }

  /** `( [existing] [PARTITION BY …] [ORDER BY …] [frame] )`. */
  protected parseWindowSpec(): WindowSpec {
    const start = this.expectSymbol('(');
    let spec: WindowSpec = { kind: 'WindowSpec', loc: this.loc(start), partitionBy: [], orderBy: [] };
    const namesWindow =
      this.isIdentifier() &&
      (this.isSymbol(')', 1) || AFTER_WINDOW_NAME.some((word) => this.isWord(word, 1))) &&
      !(this.isWord('PARTITION') && this.isWord('BY', 1));
    if (namesWindow) spec = { ...spec, existingName: this.expectIdentifier() };
    if (this.acceptWord('PARTITION')) {
      this.expectWord('BY');
      const partitionBy = [this.parseExpression()];
      while (this.acceptSymbol(',')) partitionBy.push(this.parseExpression());
      spec = { ...spec, partitionBy };
    }
    if (this.acceptWord('ORDER')) spec = { ...spec, orderBy: this.orderByList() };
    const unitToken = this.token;
    const unit = this.acceptWords(['ROWS', 'RANGE', 'GROUPS']);
    if (unit) spec = { ...spec, frame: this.windowFrame(unitToken, unit) };
    this.expectSymbol(')');
    return spec;
  }

  private windowFrame(start: Token, unit: WindowFrame['unit']): WindowFrame {
    const loc = this.loc(start);
    if (!this.acceptWord('BETWEEN')) return { kind: 'WindowFrame', loc, unit, start: this.frameBound() };
    const from = this.frameBound();
    this.expectWord('AND');
    return { kind: 'WindowFrame', loc, unit, start: from, end: this.frameBound() };
  }

  private frameBound(): FrameBound {
    const start = this.token;
    const loc = this.loc(start);
    if (this.isWord('UNBOUNDED') && (this.isWord('PRECEDING', 1) || this.isWord('FOLLOWING', 1))) {
      this.advance();
      const side = this.expectWords(['PRECEDING', 'FOLLOWING']);
      return {
        kind: 'FrameBound',
        loc,
        type: side === 'PRECEDING' ? 'UNBOUNDED_PRECEDING' : 'UNBOUNDED_FOLLOWING',
      };
    }
    if (this.isWord('CURRENT') && this.isWord('ROW', 1)) {
      this.advance();
      this.advance();
      return { kind: 'FrameBound', loc, type: 'CURRENT_ROW' };
    }
    const offset = this.parseValueExpression();
    return { kind: 'FrameBound', loc, type: this.expectWords(['PRECEDING', 'FOLLOWING']), offset };
  }
}
