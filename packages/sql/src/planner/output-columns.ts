import { QuarryError, type SourceLocation } from '@quarry/common';
import type { Identifier } from '../parser/ast.js';
import type { Column } from '../plan/nodes.js';
import type { ColumnMetadata } from '../spi/connector.js';

/**
 * The columns a query gives a new table or view (CREATE TABLE AS, CREATE VIEW): named by the alias
 * list when there is one (as long as the query's columns), else by the query; every column named
 * (no `_colN`), of a known type, and each name once.
 */
export function outputColumns(
  outputs: readonly Column[],
  aliasList: readonly Identifier[],
  loc: SourceLocation,
): ColumnMetadata[] {
  const aliases = aliasList.map((c) => c.value.toLowerCase());
  if (aliases.length && aliases.length !== outputs.length) {
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Column alias list has ${aliases.length} entries but the query has ${outputs.length} columns`,
      { location: loc },
    );
  }
  const columns = outputs.map((c, i) => {
    const name = aliases[i] ?? c.name.toLowerCase();
    if (/^_col\d+$/.test(name))
      throw new QuarryError('INVALID_COLUMN_REFERENCE', `Column name not specified at position ${i + 1}`, {
        location: loc,
      });
    if (c.type.kind === 'unknown')
      throw new QuarryError('TYPE_MISMATCH', `Column type is unknown at position ${i + 1}`, {
        location: loc,
      });
    return { name, type: c.type };
  });
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name))
      throw new QuarryError('ALREADY_EXISTS', `Column name '${c.name}' specified more than once`, {
        location: loc,
      });
    seen.add(c.name);
  }
  return columns;
}
