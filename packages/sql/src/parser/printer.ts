/**
 * Prints any syntax tree node as SQL text on one line, with upper-case keywords. Parsing the
 * output gives the same tree again (locations aside), which the parser tests check.
 */
import type { Call, ColumnDefinition, Delete, Merge, Node, Property, Statement, Update } from './ast.js';
import type {
  Expression,
  GroupingElement,
  Query,
  QueryBody,
  Relation,
  SelectItem,
  WithQuery,
} from './ast.js';
import { ExpressionPrinter, identifier, qualifiedName, quoteString, typeName } from './print-expressions.js';

/** SQL text for a node: a statement, an expression, a relation, a type, a clause. */
export function formatSql(node: Node): string {
  return new SqlPrinter().node(node);
}

const SET_OPERATOR_POWER = { UNION: 1, EXCEPT: 1, INTERSECT: 2 } as const;

class SqlPrinter extends ExpressionPrinter {
  node(node: Node): string {
    switch (node.kind) {
      case 'Identifier':
        return identifier(node);
      case 'TypeName':
        return typeName(node);
      case 'WhenClause':
        return `WHEN ${this.expression(node.condition)} THEN ${this.expression(node.result)}`;
      case 'SortItem':
        return this.sortItem(node);
      case 'WindowSpec':
      case 'WindowRef':
        return this.window(node);
      case 'WindowFrame':
        return this.frame(node);
      case 'FrameBound':
        return this.frameBound(node);
      case 'WindowDefinition':
        return `${identifier(node.name)} AS ${this.window(node.spec)}`;
      case 'WithQuery':
        return this.withQuery(node);
      case 'SingleColumn':
      case 'AllColumns':
        return this.selectItem(node);
      case 'GroupBy':
        return `GROUP BY ${node.distinct ? 'DISTINCT ' : ''}${node.elements.map((e) => this.groupingElement(e)).join(', ')}`;
      case 'SimpleGrouping':
      case 'GroupingSets':
        return this.groupingElement(node);
      case 'Offset':
        return `OFFSET ${node.rowCount.text} ROWS`;
      case 'Limit':
        return `LIMIT ${node.rowCount === 'ALL' ? 'ALL' : node.rowCount.text}`;
      case 'FetchFirst':
        return `FETCH FIRST ${node.rowCount ? `${node.rowCount.text} ` : ''}ROWS ${node.withTies ? 'WITH TIES' : 'ONLY'}`;
      case 'Select':
      case 'SetOperation':
      case 'Values':
        return this.body(node, 0);
      case 'Table':
      case 'AliasedRelation':
      case 'SubqueryRelation':
      case 'Join':
      case 'Unnest':
      case 'Lateral':
        return this.relation(node);
      case 'JoinOn':
        return `ON ${this.expression(node.condition)}`;
      case 'JoinUsing':
        return `USING (${node.columns.map(identifier).join(', ')})`;
      case 'Property':
        return this.property(node);
      case 'ColumnDefinition':
        return this.columnDefinition(node);
      default:
        return isStatementKind(node) ? this.statement(node) : this.expression(node);
    }
  }

  protected query(query: Query): string {
    const parts: string[] = [];
    const withWord = query.recursive ? 'WITH RECURSIVE' : 'WITH';
    if (query.with.length > 0)
      parts.push(`${withWord} ${query.with.map((w) => this.withQuery(w)).join(', ')}`);
    parts.push(this.body(query.body, 0));
    if (query.orderBy.length > 0) parts.push(`ORDER BY ${this.sortItems(query.orderBy)}`);
    if (query.offset) parts.push(this.node(query.offset));
    if (query.limit) parts.push(this.node(query.limit));
    return parts.join(' ');
  }

  private withQuery(w: WithQuery): string {
    const columns = w.columns.length > 0 ? ` (${w.columns.map(identifier).join(', ')})` : '';
    return `${identifier(w.name)}${columns} AS (${this.query(w.query)})`;
  }

  /** A query term, parenthesized if it binds looser than `min`. */
  private body(body: QueryBody, min: number): string {
    switch (body.kind) {
      case 'Query':
        return `(${this.query(body)})`;
      case 'Table':
        return `TABLE ${qualifiedName(body.name)}`;
      case 'Values':
        return `VALUES ${body.rows.map((row) => `(${this.list(row)})`).join(', ')}`;
      case 'SetOperation': {
        const power = SET_OPERATOR_POWER[body.op];
        const op = `${body.op}${body.distinct ? '' : ' ALL'}`;
        const text = `${this.body(body.left, power)} ${op} ${this.body(body.right, power + 1)}`;
        return power < min ? `(${text})` : text;
      }
      case 'Select': {
        const parts = [
          `SELECT ${body.distinct ? 'DISTINCT ' : ''}${body.items.map((i) => this.selectItem(i)).join(', ')}`,
        ];
        if (body.from) parts.push(`FROM ${this.relation(body.from)}`);
        if (body.where) parts.push(`WHERE ${this.expression(body.where)}`);
        if (body.groupBy) parts.push(this.node(body.groupBy));
        if (body.having) parts.push(`HAVING ${this.expression(body.having)}`);
        if (body.windows.length > 0) parts.push(`WINDOW ${body.windows.map((w) => this.node(w)).join(', ')}`);
        return parts.join(' ');
      }
    }
  }

  private selectItem(item: SelectItem): string {
    if (item.kind === 'AllColumns') return item.qualifier ? `${qualifiedName(item.qualifier)}.*` : '*';
    const alias = item.alias ? ` AS ${identifier(item.alias)}` : '';
    return `${this.expression(item.expression)}${alias}`;
  }

  private groupingElement(element: GroupingElement): string {
    const set = (expressions: readonly Expression[]): string => {
      const [only] = expressions;
      return expressions.length === 1 && only ? this.expression(only) : `(${this.list(expressions)})`;
    };
    if (element.kind === 'SimpleGrouping') return set(element.expressions);
    const name = element.type === 'EXPLICIT' ? 'GROUPING SETS' : element.type;
    return `${name} (${element.sets.map(set).join(', ')})`;
  }

  private relation(relation: Relation): string {
    switch (relation.kind) {
      case 'Table':
        return qualifiedName(relation.name);
      case 'SubqueryRelation':
        return `(${this.query(relation.query)})`;
      case 'Unnest': {
        const args = relation.args.map((a) => this.expression(a)).join(', ');
        return `UNNEST(${args})${relation.ordinality ? ' WITH ORDINALITY' : ''}`;
      }
      case 'Lateral':
        return `LATERAL (${this.query(relation.query)})`;
      case 'AliasedRelation': {
        const inner = relation.relation;
        const base =
          inner.kind === 'Join' || inner.kind === 'AliasedRelation'
            ? `(${this.relation(inner)})`
            : this.relation(inner);
        const columns =
          relation.columns.length > 0 ? ` (${relation.columns.map(identifier).join(', ')})` : '';
        return `${base} AS ${identifier(relation.alias)}${columns}`;
      }
      case 'Join': {
        const { left, right } = relation;
        if (relation.type === 'IMPLICIT') {
          const rightText =
            right.kind === 'Join' && right.type === 'IMPLICIT'
              ? `(${this.relation(right)})`
              : this.relation(right);
          return `${this.relation(left)}, ${rightText}`;
        }
        const leftText =
          left.kind === 'Join' && left.type === 'IMPLICIT' ? `(${this.relation(left)})` : this.relation(left);
        const rightText = right.kind === 'Join' ? `(${this.relation(right)})` : this.relation(right);
        const join = relation.type === 'INNER' ? 'JOIN' : `${relation.type} JOIN`;
        const criteria = relation.criteria ? ` ${this.node(relation.criteria)}` : '';
        return `${leftText} ${join} ${rightText}${criteria}`;
      }
    }
  }

  private property(property: Property): string {
    const value = property.value === 'DEFAULT' ? 'DEFAULT' : this.expression(property.value);
    return `${identifier(property.name)} = ${value}`;
  }

  private properties(properties: readonly Property[]): string {
    return properties.length > 0 ? ` WITH (${properties.map((p) => this.property(p)).join(', ')})` : '';
  }

  private dml(statement: Delete | Update | Merge): string {
    switch (statement.kind) {
      case 'Delete':
        if (statement.truncate) return `TRUNCATE TABLE ${qualifiedName(statement.table)}`;
        return `DELETE FROM ${qualifiedName(statement.table)}${statement.where ? ` WHERE ${this.expression(statement.where)}` : ''}`;
      case 'Update': {
        const set = statement.assignments.map((a) => `${identifier(a.column)} = ${this.expression(a.value)}`);
        const where = statement.where ? ` WHERE ${this.expression(statement.where)}` : '';
        return `UPDATE ${qualifiedName(statement.table)} SET ${set.join(', ')}${where}`;
      }
      case 'Merge':
        return this.merge(statement);
    }
  }

  private merge(merge: Merge): string {
    const alias = merge.targetAlias ? ` ${identifier(merge.targetAlias)}` : '';
    const head = `MERGE INTO ${qualifiedName(merge.target)}${alias} USING ${this.relation(merge.source)} ON ${this.expression(merge.on)}`;
    const cases = merge.cases.map((c) => {
      const condition = c.condition ? ` AND ${this.expression(c.condition)}` : '';
      switch (c.kind) {
        case 'MergeUpdate': {
          const set = c.assignments.map((a) => `${identifier(a.column)} = ${this.expression(a.value)}`);
          return `WHEN MATCHED${condition} THEN UPDATE SET ${set.join(', ')}`;
        }
        case 'MergeDelete':
          return `WHEN MATCHED${condition} THEN DELETE`;
        case 'MergeInsert': {
          const columns = c.columns.length ? ` (${c.columns.map(identifier).join(', ')})` : '';
          const values = c.values.map((v) => this.expression(v)).join(', ');
          return `WHEN NOT MATCHED${condition} THEN INSERT${columns} VALUES (${values})`;
        }
      }
    });
    return [head, ...cases].join(' ');
  }

  private call(call: Call): string {
    const args = call.args.map(
      (a) => `${a.name ? `${identifier(a.name)} => ` : ''}${this.expression(a.value)}`,
    );
    return `CALL ${qualifiedName(call.name)}(${args.join(', ')})`;
  }

  private columnDefinition(column: ColumnDefinition): string {
    const notNull = column.nullable ? '' : ' NOT NULL';
    const comment = column.comment === undefined ? '' : ` COMMENT ${quoteString(column.comment)}`;
    return `${identifier(column.name)} ${typeName(column.type)}${notNull}${comment}`;
  }

  private statement(statement: Statement): string {
    const like = (s: { like?: string; escape?: string }): string =>
      s.like === undefined
        ? ''
        : ` LIKE ${quoteString(s.like)}${s.escape === undefined ? '' : ` ESCAPE ${quoteString(s.escape)}`}`;
    const comment = (text: string | undefined): string =>
      text === undefined ? '' : ` COMMENT ${quoteString(text)}`;
    if (isDml(statement)) return this.dml(statement);
    switch (statement.kind) {
      case 'Query':
        return this.query(statement);
      case 'Explain': {
        if (statement.analyze)
          return `EXPLAIN ANALYZE ${statement.verbose ? 'VERBOSE ' : ''}${this.statement(statement.statement)}`;
        const options = [
          statement.type ? `TYPE ${statement.type}` : '',
          statement.format ? `FORMAT ${statement.format}` : '',
        ];
        const given = options.filter((o) => o !== '');
        return `EXPLAIN ${given.length > 0 ? `(${given.join(', ')}) ` : ''}${this.statement(statement.statement)}`;
      }
      case 'ShowCatalogs':
        return `SHOW CATALOGS${like(statement)}`;
      case 'ShowSchemas':
        return `SHOW SCHEMAS${statement.catalog ? ` FROM ${identifier(statement.catalog)}` : ''}${like(statement)}`;
      case 'ShowTables':
        return `SHOW TABLES${statement.schema ? ` FROM ${qualifiedName(statement.schema)}` : ''}${like(statement)}`;
      case 'ShowColumns':
        return `SHOW COLUMNS FROM ${qualifiedName(statement.table)}${like(statement)}`;
      case 'ShowCreateTable':
        return `SHOW CREATE TABLE ${qualifiedName(statement.table)}`;
      case 'ShowStats':
        return `SHOW STATS FOR ${qualifiedName(statement.table)}`;
      case 'ShowSession':
        return `SHOW SESSION${like(statement)}`;
      case 'SetSession':
        return `SET SESSION ${qualifiedName(statement.name)} = ${this.expression(statement.value)}`;
      case 'ResetSession':
        return `RESET SESSION ${qualifiedName(statement.name)}`;
      case 'Use':
        return `USE ${statement.catalog ? `${identifier(statement.catalog)}.` : ''}${identifier(statement.schema)}`;
      case 'CreateSchema':
        return `CREATE SCHEMA ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualifiedName(statement.name)}${this.properties(statement.properties)}`;
      case 'DropSchema':
        return `DROP SCHEMA ${statement.ifExists ? 'IF EXISTS ' : ''}${qualifiedName(statement.name)}${statement.cascade ? ' CASCADE' : ''}`;
      case 'CreateTable': {
        const columns = statement.columns.map((c) => this.columnDefinition(c)).join(', ');
        const head = `CREATE TABLE ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualifiedName(statement.name)}`;
        return `${head} (${columns})${comment(statement.comment)}${this.properties(statement.properties)}`;
      }
      case 'CreateTableAsSelect': {
        const head = `CREATE TABLE ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualifiedName(statement.name)}`;
        const columns =
          statement.columns.length > 0 ? ` (${statement.columns.map(identifier).join(', ')})` : '';
        const data = statement.withData ? '' : ' WITH NO DATA';
        return `${head}${columns}${comment(statement.comment)}${this.properties(statement.properties)} AS ${this.query(statement.query)}${data}`;
      }
      case 'Insert': {
        const columns =
          statement.columns.length > 0 ? ` (${statement.columns.map(identifier).join(', ')})` : '';
        return `INSERT INTO ${qualifiedName(statement.table)}${columns} ${this.query(statement.query)}`;
      }
      case 'DropTable':
        return `DROP TABLE ${statement.ifExists ? 'IF EXISTS ' : ''}${qualifiedName(statement.name)}`;
      case 'CreateView': {
        const head = `CREATE ${statement.replace ? 'OR REPLACE ' : ''}VIEW ${qualifiedName(statement.name)}`;
        const columns =
          statement.columns.length > 0 ? ` (${statement.columns.map(identifier).join(', ')})` : '';
        const security = statement.security ? ` SECURITY ${statement.security}` : '';
        return `${head}${columns}${comment(statement.comment)}${security} AS ${this.query(statement.query)}`;
      }
      case 'DropView':
        return `DROP VIEW ${statement.ifExists ? 'IF EXISTS ' : ''}${qualifiedName(statement.name)}`;
      case 'ShowCreateView':
        return `SHOW CREATE VIEW ${qualifiedName(statement.view)}`;
      case 'Call':
        return this.call(statement);
    }
  }
}

function isDml(statement: Statement): statement is Delete | Update | Merge {
  return statement.kind === 'Delete' || statement.kind === 'Update' || statement.kind === 'Merge';
}

// prettier-ignore
const STATEMENT_KINDS: ReadonlySet<string> = new Set<Statement['kind']>([
  'Query', 'Explain', 'ShowCatalogs', 'ShowSchemas', 'ShowTables', 'ShowColumns', 'ShowStats', 'ShowCreateTable', 'ShowSession', 'SetSession',
  'ResetSession', 'Use', 'CreateSchema', 'DropSchema', 'CreateTable', 'CreateTableAsSelect', 'Insert', 'DropTable',
  'Delete', 'Update', 'Merge', 'CreateView', 'DropView', 'ShowCreateView', 'Call',
]);

function isStatementKind(node: Statement | Expression): node is Statement {
  return STATEMENT_KINDS.has(node.kind);
}
