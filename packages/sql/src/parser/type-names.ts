/** Type names, as in `CAST(x AS decimal(15, 2))` and column definitions. */
import type { IntervalField, TypeField, TypeName } from './ast.js';
import { TokenCursor } from './cursor.js';

export const INTERVAL_FIELDS: readonly IntervalField[] = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** Type names that are another spelling of a canonical one. */
const TYPE_ALIASES: Readonly<Record<string, string>> = { int: 'integer' };

const COMPOSITE_TYPES = new Set(['ROW', 'ARRAY', 'MAP']);

export abstract class TypeParser extends TokenCursor {
  parseType(): TypeName {
    this.note('<type>');
    const start = this.token;
    if (!this.isIdentifier()) this.fail();
    if (start.kind === 'word' && COMPOSITE_TYPES.has(start.value) && this.isSymbol('(', 1))
      return this.compositeType(start.value.toLowerCase());
    const name = this.identifierFrom(this.advance()).value.toLowerCase();
    const loc = this.loc(start);
    switch (start.kind === 'word' ? start.value : '') {
      case 'DOUBLE':
        this.acceptWord('PRECISION');
        return { kind: 'TypeName', loc, name: 'double', params: [] };
      case 'TIME':
      case 'TIMESTAMP':
        return this.dateTimeType(start.value.toLowerCase(), loc);
      case 'INTERVAL': {
        const from = this.expectWords(INTERVAL_FIELDS).toLowerCase();
        const to = this.acceptWord('TO') ? ` to ${this.expectWords(INTERVAL_FIELDS).toLowerCase()}` : '';
        return { kind: 'TypeName', loc, name: `interval ${from}${to}`, params: [] };
      }
      default:
        return { kind: 'TypeName', loc, name: TYPE_ALIASES[name] ?? name, params: this.typeParameters() };
    }
  }

  /** `array(T)`, `map(K, V)`, `row(name T, …)` (row fields may be anonymous: `row(T, …)`). */
  private compositeType(name: string): TypeName {
    const start = this.advance();
    const loc = this.loc(start);
    this.expectSymbol('(');
    this.enter();
    const fields: TypeField[] = [];
    do {
      const named =
        name === 'row' &&
        this.isIdentifier() &&
        !this.isSymbol(',', 1) &&
        !this.isSymbol(')', 1) &&
        !this.isSymbol('(', 1);
      const fieldName =
        named && !this.startsTypeName() ? this.identifierFrom(this.advance()).value : undefined;
      const type = this.parseType();
      fields.push(fieldName === undefined ? { type } : { name: fieldName, type });
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    this.leave();
    const counts: Record<string, number> = { array: 1, map: 2 };
    const want = counts[name];
    if (want !== undefined && fields.length !== want)
      throw this.errorAt(start, `${name.toUpperCase()} type takes ${want === 1 ? 'one type' : 'two types'}`);
    return { kind: 'TypeName', loc, name, params: [], fields };
  }

  /** Whether a word followed by a type starts a two-word type (`double precision`, `interval day`). */
  private startsTypeName(): boolean {
    const t = this.token;
    if (t.kind !== 'word') return false;
    if (t.value === 'DOUBLE' && this.isWord('PRECISION', 1)) return true;
    if (t.value === 'INTERVAL') return true;
    if (
      (t.value === 'TIMESTAMP' || t.value === 'TIME') &&
      (this.isWord('WITH', 1) || this.isWord('WITHOUT', 1))
    )
      return true;
    return false;
  }

  /** `timestamp(3) with time zone`, `time without time zone`. */
  private dateTimeType(base: string, loc: TypeName['loc']): TypeName {
    const params = this.typeParameters();
    let name = base;
    if (this.isWord('WITH') && this.isWord('TIME', 1)) {
      this.advance();
      this.advance();
      this.expectWord('ZONE');
      name = `${base} with time zone`;
    } else if (this.acceptWord('WITHOUT')) {
      this.expectWord('TIME');
      this.expectWord('ZONE');
    }
    return { kind: 'TypeName', loc, name, params };
  }

  private typeParameters(): number[] {
    const params: number[] = [];
    if (!this.acceptSymbol('(')) return params;
    do params.push(this.expectSmallInteger());
    while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return params;
  }
}
