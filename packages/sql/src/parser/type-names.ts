/** Type names, as in `CAST(x AS decimal(15, 2))` and column definitions. */
import type { IntervalField, TypeName } from './ast.js';
import { TokenCursor } from './cursor.js';

export const INTERVAL_FIELDS: readonly IntervalField[] = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** Type names that are another spelling of a canonical one. */
const TYPE_ALIASES: Readonly<Record<string, string>> = { int: 'integer' };

const UNSUPPORTED_TYPES = new Set(['ROW', 'ARRAY', 'MAP']);

export abstract class TypeParser extends TokenCursor {
  parseType(): TypeName {
    this.note('<type>');
    const start = this.token;
    if (!this.isIdentifier()) this.fail();
    if (start.kind === 'word' && UNSUPPORTED_TYPES.has(start.value))
      this.notSupported(start, `The ${start.value} type`);
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
