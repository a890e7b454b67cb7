import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier } from '../parser/ast.js';
import type { TableRef } from '../spi/connector.js';
import type { Session } from './metadata.js';

/**
 * The catalog, schema and name a DDL or write statement names (`t`, `s.t` or `c.s.t`), the missing
 * parts from the session; `kind` ("table", "view") words the errors, which point at `loc`.
 */
export function qualifiedRef(
  name: readonly Identifier[],
  session: Session,
  loc: SourceLocation,
  kind: string,
): TableRef {
  const parts = name.map((p) => p.value.toLowerCase());
  if (parts.length > 3)
    throw new QuarryError('SYNTAX_ERROR', `Too many dots in ${kind} name: ${parts.join('.')}`, {
      location: loc,
    });
  const table = parts.at(-1)!;
  const schema = parts.length >= 2 ? parts.at(-2)! : session.schema;
  const catalog = parts.length === 3 ? parts[0]! : session.catalog;
  if (catalog === undefined)
    throw new QuarryError('CATALOG_NOT_FOUND', 'Catalog must be specified when session catalog is not set', {
      location: loc,
    });
  if (schema === undefined)
    throw new QuarryError('SCHEMA_NOT_FOUND', 'Schema must be specified when session schema is not set', {
      location: loc,
    });
  return { catalog, schema, table };
}
