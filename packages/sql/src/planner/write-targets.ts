import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import type { CatalogRegistry, Connector } from '../spi/connector.js';
import { isWritable, type WritableConnector, type WriteHandle } from '../spi/writes.js';
import { BIGINT, VARCHAR, canCoerce, typeToString, type DataType } from '../types/index.js';
import { INFORMATION_SCHEMA } from './information-schema.js';
import type { Session } from './metadata.js';
import { qualifiedRef } from './names.js';

/*
 * What every write statement shares (CTAS, INSERT, DELETE, UPDATE, MERGE): its target table and
 * checks, the casts of values into columns, and the writer on top of its rows.
 */

/** The table a statement writes, in a writable catalog, outside information_schema. */
export function tableTarget(
  name: readonly Identifier[],
  catalogs: CatalogRegistry,
  session: Session,
  loc: SourceLocation,
) {
  const ref = qualifiedRef(name, session, loc, 'table');
  readOnly(ref.catalog, ref.schema, loc);
  return { ref, connector: writable(ref.catalog, catalogs, loc) };
}

/** information_schema is the engine's, in every catalog: nothing in it can be created or dropped. */
export function readOnly(catalog: string, schema: string, loc: SourceLocation): void {
  if (schema === INFORMATION_SCHEMA)
    throw new QuarryError('NOT_SUPPORTED', `Schema '${catalog}.${INFORMATION_SCHEMA}' is read-only`, {
      location: loc,
    });
}

export function writable(
  catalog: string,
  catalogs: CatalogRegistry,
  loc: SourceLocation,
): Connector & WritableConnector {
  const connector = catalogs.get(catalog);
  if (!connector)
    throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`, { location: loc });
  if (!isWritable(connector))
    throw new QuarryError('NOT_SUPPORTED', `Catalog '${catalog}' does not support writes`, { location: loc });
  return connector;
}

/** Under retry policy TASK, only connectors whose writes survive task retries may be written. */
export function checkRetries(connector: WritableConnector, session: Session, loc: SourceLocation): void {
  if (session.retryPolicy === 'TASK' && !connector.supportsFaultTolerantWrites) {
    throw new QuarryError('NOT_SUPPORTED_WITH_RETRIES', 'This connector does not support query retries', {
      location: loc,
    });
  }
}

/** A value cast to a column's type, as INSERT and UPDATE allow (numbers to numbers, text to text, coercions). */
export function assignmentCast(e: Expr, to: DataType, fail: () => never): Expr {
  if (typeToString(e.type) === typeToString(to)) return e;
  if (!canCoerce(e.type, to) && !(isNumeric(e.type) && isNumeric(to)) && !(isText(e.type) && isText(to)))
    fail();
  return { kind: 'cast', arg: e, type: to, safe: false };
}

export function writer(input: PlanNode, handle: WriteHandle): PlanNode {
  const outputs: Column[] = [
    { name: 'rows', type: BIGINT },
    { name: 'fragment', type: VARCHAR },
  ];
  return { kind: 'TableWriter', input, handle, outputs };
}

export function queryIdOf(session: Session): string {
  if (!session.queryId)
    throw new QuarryError('GENERIC_INTERNAL_ERROR', 'a write needs the query id (this is a bug in quarry)');
  return session.queryId;
}

const isNumeric = (t: DataType) =>
  ['tinyint', 'smallint', 'integer', 'bigint', 'real', 'double', 'decimal'].includes(t.kind);
const isText = (t: DataType) => t.kind === 'varchar' || t.kind === 'char';
