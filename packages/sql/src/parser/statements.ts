/** Statements: queries, EXPLAIN, SHOW/DESCRIBE, session statements, and the DDL and DML quarry runs. */
import type { SourceLocation } from '@quarry/common';
import type {
  Call,
  CallArgument,
  ColumnDefinition,
  CreateSchema,
  CreateTable,
  CreateTableAsSelect,
  CreateView,
  Explain,
  Expression,
  Property,
  Statement,
} from './ast.js';
import type { Token } from './lexer.js';
import { DmlParser } from './dml.js';

/** Statement keywords that start Trino statements quarry does not implement. */
// prettier-ignore
const UNSUPPORTED_STATEMENTS = new Set([
  'ALTER', 'ANALYZE', 'COMMENT', 'COMMIT', 'DEALLOCATE', 'DENY', 'EXECUTE', 'GRANT',
  'PREPARE', 'REFRESH', 'REVOKE', 'ROLLBACK', 'START',
]);
/** Objects quarry cannot CREATE or DROP. */
const UNSUPPORTED_OBJECTS = ['MATERIALIZED', 'ROLE', 'FUNCTION', 'CATALOG'];
const UNSUPPORTED_SHOWS = ['FUNCTIONS', 'GRANTS', 'ROLES', 'ROLE', 'CURRENT'];
// prettier-ignore
const STATEMENT_WORDS = [
  'CALL', 'CREATE', 'DELETE', 'DESCRIBE', 'DROP', 'EXPLAIN', 'INSERT', 'MERGE', 'RESET', 'SELECT', 'SET', 'SHOW', 'TABLE', 'TRUNCATE', 'UPDATE',
  'USE', 'VALUES', 'WITH',
];

interface Filter {
  like?: string;
  escape?: string;
}

export class StatementParser extends DmlParser {
  /** One statement, an optional `;`, and the end of the input. */
  parseSingleStatement(): Statement {
    const token = this.token;
    if (token.kind === 'eof' || this.isSymbol(';')) throw this.errorAt(token, 'Empty statement');
    const statement = this.parseStatement();
    this.acceptSymbol(';');
    this.expectEnd();
    return statement;
  }

  /** One expression and the end of the input. */
  parseSingleExpression(): Expression {
    if (this.token.kind === 'eof') throw this.errorAt(this.token, 'Empty expression');
    const expression = this.parseExpression();
    this.expectEnd();
    return expression;
  }

  /** Where parsing stopped, for errors raised outside the grammar (a stack overflow). */
  location(): SourceLocation {
    return this.loc(this.token);
  }

  private expectEnd(): void {
    this.note('<EOF>');
    if (this.token.kind !== 'eof') this.fail();
  }

  parseStatement(): Statement {
    this.enter();
    const statement = this.statement();
    this.leave();
    return statement;
  }

  private statement(): Statement {
    const token = this.token;
    const loc = this.loc(token);
    switch (token.kind === 'word' ? token.value : '') {
      case 'EXPLAIN':
        return this.explain(token);
      case 'SHOW':
        return this.show(token);
      case 'DESCRIBE':
      case 'DESC':
        this.advance();
        return { kind: 'ShowColumns', loc, table: this.expectQualifiedName() };
      case 'SET':
        return this.setSession(token);
      case 'RESET':
        this.advance();
        this.expectWord('SESSION');
        if (this.isWord('AUTHORIZATION')) this.notSupported(token, 'RESET SESSION AUTHORIZATION');
        return { kind: 'ResetSession', loc, name: this.expectQualifiedName() };
      case 'USE': {
        this.advance();
        const first = this.expectIdentifier();
        if (!this.acceptSymbol('.')) return { kind: 'Use', loc, schema: first };
        return { kind: 'Use', loc, catalog: first, schema: this.expectIdentifier() };
      }
      case 'CREATE':
        return this.create(token);
      case 'DROP':
        return this.drop(token);
      case 'INSERT': {
        this.advance();
        this.expectWord('INTO');
        const table = this.expectQualifiedName();
        const columns = this.isSymbol('(') && this.isIdentifier(1) ? this.expectIdentifierList() : [];
        return { kind: 'Insert', loc, table, columns, query: this.parseQuery() };
      }
      case 'CALL':
        return this.call(token);
      case 'DELETE':
      case 'TRUNCATE':
        return this.delete(token);
      case 'UPDATE':
        return this.update(token);
      case 'MERGE':
        return this.merge(token);
    }
    if (token.kind === 'word' && UNSUPPORTED_STATEMENTS.has(token.value))
      this.notSupported(token, token.value);
    if (this.isSymbol('(') || this.startsQuery()) return this.parseQuery();
    for (const word of STATEMENT_WORDS) this.note(`'${word}'`);
    this.note("'('");
    return this.fail();
  }

  /** `CALL name([arg [, arg]…])`, each arg `expr` or `name => expr`. */
  private call(start: Token): Call {
    this.advance();
    const name = this.expectQualifiedName();
    this.expectSymbol('(');
    const args: CallArgument[] = [];
    if (!this.acceptSymbol(')')) {
      do {
        const at = this.loc(this.token);
        const named = this.isIdentifier() && this.isSymbol('=>', 1);
        const argName = named ? this.expectIdentifier() : undefined;
        if (argName) this.expectSymbol('=>');
        const value = this.parseExpression();
        args.push(argName ? { loc: at, name: argName, value } : { loc: at, value });
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'Call', loc: this.loc(start), name, args };
  }

  private explain(start: Token): Explain {
    this.advance();
    const loc = this.loc(start);
    if (this.acceptWord('ANALYZE')) {
      const verbose = this.acceptWord('VERBOSE');
      return { kind: 'Explain', loc, analyze: true, verbose, statement: this.parseStatement() };
    }
    let explain: Omit<Explain, 'statement'> = { kind: 'Explain', loc, analyze: false, verbose: false };
    if (this.isSymbol('(') && (this.isWord('TYPE', 1) || this.isWord('FORMAT', 1))) {
      this.advance();
      do {
        const optionToken = this.token;
        const option = this.expectWords(['TYPE', 'FORMAT']);
        if ((option === 'TYPE' ? explain.type : explain.format) !== undefined) {
          throw this.errorAt(optionToken, `Duplicate EXPLAIN option ${option}`);
        }
        explain =
          option === 'TYPE'
            ? { ...explain, type: this.expectWords(['LOGICAL', 'DISTRIBUTED', 'VALIDATE', 'IO']) }
            : { ...explain, format: this.expectWords(['TEXT', 'JSON', 'GRAPHVIZ']) };
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { ...explain, statement: this.parseStatement() };
  }

  private show(start: Token): Statement {
    this.advance();
    const loc = this.loc(start);
    if (this.acceptWord('CATALOGS')) return { kind: 'ShowCatalogs', loc, ...this.likeFilter() };
    if (this.acceptWord('SESSION')) return { kind: 'ShowSession', loc, ...this.likeFilter() };
    if (this.acceptWord('SCHEMAS')) {
      const catalog = this.acceptWords(['FROM', 'IN']) ? this.expectIdentifier() : undefined;
      return { kind: 'ShowSchemas', loc, ...(catalog ? { catalog } : {}), ...this.likeFilter() };
    }
    if (this.acceptWord('TABLES')) {
      const schema = this.acceptWords(['FROM', 'IN']) ? this.expectQualifiedName() : undefined;
      return { kind: 'ShowTables', loc, ...(schema ? { schema } : {}), ...this.likeFilter() };
    }
    if (this.acceptWord('COLUMNS')) {
      this.expectWords(['FROM', 'IN']);
      return { kind: 'ShowColumns', loc, table: this.expectQualifiedName(), ...this.likeFilter() };
    }
    if (this.isWord('CREATE')) {
      const create = this.token;
      this.advance();
      if (this.acceptWord('TABLE'))
        return { kind: 'ShowCreateTable', loc, table: this.expectQualifiedName() };
      if (this.acceptWord('VIEW')) return { kind: 'ShowCreateView', loc, view: this.expectQualifiedName() };
      const what = ['SCHEMA', 'MATERIALIZED', 'FUNCTION'].find((w) => this.isWord(w));
      if (what)
        this.notSupported(create, `SHOW CREATE ${what === 'MATERIALIZED' ? 'MATERIALIZED VIEW' : what}`);
      this.expectWords(['TABLE', 'VIEW']);
    }
    if (this.acceptWord('STATS')) {
      this.expectWords(['FOR']);
      if (this.isSymbol('(')) this.notSupported(this.token, 'SHOW STATS FOR a query');
      return { kind: 'ShowStats', loc, table: this.expectQualifiedName() };
    }
    const token = this.token;
    const unsupported = UNSUPPORTED_SHOWS.find((word) => this.isWord(word));
    if (unsupported) this.notSupported(token, `SHOW ${unsupported}`);
    return this.fail();
  }

  /** `[LIKE 'pattern' [ESCAPE 'e']]`. */
  private likeFilter(): Filter {
    if (!this.acceptWord('LIKE')) return {};
    const like = this.expectString();
    return this.acceptWord('ESCAPE') ? { like, escape: this.expectString() } : { like };
  }

  private setSession(start: Token): Statement {
    this.advance();
    const token = this.token;
    const other = ['ROLE', 'PATH', 'TIME'].find((word) => this.isWord(word));
    if (other) this.notSupported(token, `SET ${other}`);
    this.expectWord('SESSION');
    if (this.isWord('AUTHORIZATION')) this.notSupported(token, 'SET SESSION AUTHORIZATION');
    const name = this.expectQualifiedName();
    this.expectSymbol('=');
    return { kind: 'SetSession', loc: this.loc(start), name, value: this.parseExpression() };
  }

  private create(start: Token): Statement {
    this.advance();
    const token = this.token;
    if (this.isWord('OR') && this.isWord('REPLACE', 1)) {
      this.advance();
      this.advance();
      const what = this.token;
      if (this.acceptWord('VIEW')) return this.createView(start, true);
      if (this.isWord('TABLE') || this.isWord('MATERIALIZED') || this.isWord('FUNCTION'))
        this.notSupported(what, `CREATE OR REPLACE ${what.value}`);
      this.expectWords(['VIEW']);
    }
    if (this.acceptWord('SCHEMA')) return this.createSchema(start);
    if (this.acceptWord('TABLE')) return this.createTable(start);
    if (this.acceptWord('VIEW')) return this.createView(start, false);
    const unsupported = UNSUPPORTED_OBJECTS.find((word) => this.isWord(word));
    if (unsupported) this.notSupported(token, `CREATE ${unsupported}`);
    return this.fail();
  }

  private createSchema(start: Token): CreateSchema {
    const ifNotExists = this.acceptIfNotExists();
    const name = this.expectQualifiedName();
    const token = this.token;
    if (this.isWord('AUTHORIZATION')) this.notSupported(token, 'CREATE SCHEMA … AUTHORIZATION');
    return {
      kind: 'CreateSchema',
      loc: this.loc(start),
      name,
      ifNotExists,
      properties: this.withProperties(),
    };
  }

  /** `CREATE TABLE t (col type, …)` or `CREATE TABLE t [(a, b)] … AS query`. */
  private createTable(start: Token): CreateTable | CreateTableAsSelect {
    const loc = this.loc(start);
    const ifNotExists = this.acceptIfNotExists();
    const name = this.expectQualifiedName();
    const aliasesOnly = this.isIdentifier(1) && (this.isSymbol(',', 2) || this.isSymbol(')', 2));
    if (this.isSymbol('(') && !aliasesOnly) {
      this.advance();
      const columns = [this.columnDefinition()];
      while (this.acceptSymbol(',')) columns.push(this.columnDefinition());
      this.expectSymbol(')');
      const comment = this.acceptWord('COMMENT') ? this.expectString() : undefined;
      const table: CreateTable = {
        kind: 'CreateTable',
        loc,
        name,
        ifNotExists,
        columns,
        properties: this.withProperties(),
      };
      return comment === undefined ? table : { ...table, comment };
    }
    const columns = this.isSymbol('(') ? this.expectIdentifierList() : [];
    const comment = this.acceptWord('COMMENT') ? this.expectString() : undefined;
    const properties = this.withProperties();
    this.expectWord('AS');
    const query = this.parseQuery();
    let withData = true;
    if (this.acceptWord('WITH')) {
      withData = !this.acceptWord('NO');
      this.expectWord('DATA');
    }
    const ctas: CreateTableAsSelect = {
      kind: 'CreateTableAsSelect',
      loc,
      name,
      ifNotExists,
      columns,
      properties,
      query,
      withData,
    };
    return comment === undefined ? ctas : { ...ctas, comment };
  }

  /** After `CREATE [OR REPLACE] VIEW`. */
  private createView(start: Token, replace: boolean): CreateView {
    const name = this.expectQualifiedName();
    const columns = this.isSymbol('(') ? this.expectIdentifierList() : [];
    const comment = this.acceptWord('COMMENT') ? this.expectString() : undefined;
    let security: CreateView['security'];
    if (this.acceptWord('SECURITY')) security = this.expectWords(['DEFINER', 'INVOKER']);
    const token = this.token;
    if (this.isWord('WITH')) this.notSupported(token, 'View properties');
    this.expectWord('AS');
    const view: CreateView = {
      kind: 'CreateView',
      loc: this.loc(start),
      name,
      replace,
      columns,
      query: this.parseQuery(),
    };
    return {
      ...view,
      ...(comment === undefined ? {} : { comment }),
      ...(security === undefined ? {} : { security }),
    };
  }

  private columnDefinition(): ColumnDefinition {
    const token = this.token;
    if (this.isWord('LIKE')) this.notSupported(token, 'CREATE TABLE … (LIKE …)');
    const name = this.expectIdentifier();
    const type = this.parseType();
    let nullable = true;
    if (this.acceptWord('NOT')) {
      this.expectWord('NULL');
      nullable = false;
    }
    const column: ColumnDefinition = { kind: 'ColumnDefinition', loc: name.loc, name, type, nullable };
    const withComment = this.acceptWord('COMMENT') ? { ...column, comment: this.expectString() } : column;
    const next = this.token;
    if (this.isWord('WITH')) this.notSupported(next, 'Column properties');
    return withComment;
  }

  /** `[WITH (name = value, …)]`. */
  private withProperties(): Property[] {
    if (!this.acceptWord('WITH')) return [];
    this.expectSymbol('(');
    const properties = [this.property()];
    while (this.acceptSymbol(',')) properties.push(this.property());
    this.expectSymbol(')');
    return properties;
  }

  private property(): Property {
    const name = this.expectIdentifier();
    this.expectSymbol('=');
    const isDefault = this.isWord('DEFAULT') && (this.isSymbol(',', 1) || this.isSymbol(')', 1));
    if (isDefault) this.advance();
    return { kind: 'Property', loc: name.loc, name, value: isDefault ? 'DEFAULT' : this.parseExpression() };
  }

  private drop(start: Token): Statement {
    this.advance();
    const loc = this.loc(start);
    if (this.acceptWord('SCHEMA')) {
      const ifExists = this.acceptIfExists();
      const name = this.expectQualifiedName();
      const cascade = this.acceptWords(['CASCADE', 'RESTRICT']) === 'CASCADE';
      return { kind: 'DropSchema', loc, name, ifExists, cascade };
    }
    if (this.acceptWord('TABLE')) {
      const ifExists = this.acceptIfExists();
      return { kind: 'DropTable', loc, name: this.expectQualifiedName(), ifExists };
    }
    if (this.acceptWord('VIEW')) {
      const ifExists = this.acceptIfExists();
      return { kind: 'DropView', loc, name: this.expectQualifiedName(), ifExists };
    }
    const token = this.token;
    const unsupported = UNSUPPORTED_OBJECTS.find((word) => this.isWord(word));
    if (unsupported) this.notSupported(token, `DROP ${unsupported}`);
    return this.fail();
  }

  /** `IF NOT EXISTS`; IF is non-reserved, so `CREATE TABLE if (…)` names a table "if". */
  private acceptIfNotExists(): boolean {
    this.note("'IF'");
    if (!this.isWord('IF') || !this.isWord('NOT', 1)) return false;
    this.advance();
    this.advance();
    this.expectWord('EXISTS');
    return true;
  }

  private acceptIfExists(): boolean {
    this.note("'IF'");
    if (!this.isWord('IF') || !this.isWord('EXISTS', 1)) return false;
    this.advance();
    this.advance();
    return true;
  }
}
