import { QuarryError, type ErrorCode } from '@quarry/common';

/** Errors of catalog DDL, as Trino words them and with Trino's codes (USER_ERRORs, never retried). */
const ALREADY_EXISTS: ErrorCode = 'ALREADY_EXISTS';
const SCHEMA_NOT_EMPTY: ErrorCode = 'SCHEMA_NOT_EMPTY';

export function schemaAlreadyExists(catalog: string, schema: string): QuarryError {
  return new QuarryError(ALREADY_EXISTS, `Schema '${catalog}.${schema}' already exists`);
}

export function schemaNotFound(catalog: string, schema: string): QuarryError {
  return new QuarryError('SCHEMA_NOT_FOUND', `Schema '${catalog}.${schema}' does not exist`);
}

export function schemaNotEmpty(catalog: string, schema: string): QuarryError {
  return new QuarryError(SCHEMA_NOT_EMPTY, `Cannot drop non-empty schema '${catalog}.${schema}'`);
}

export function tableAlreadyExists(ref: { catalog: string; schema: string; table: string }): QuarryError {
  return new QuarryError(ALREADY_EXISTS, `Table '${ref.catalog}.${ref.schema}.${ref.table}' already exists`);
}

export function tableNotFound(ref: { catalog: string; schema: string; table: string }): QuarryError {
  return new QuarryError(
    'TABLE_NOT_FOUND',
    `Table '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
  );
}

/** Table and schema properties: none are supported yet, and an unknown one is an error, as in Trino. */
export function checkNoProperties(
  catalog: string,
  kind: 'schema' | 'table',
  properties: Readonly<Record<string, unknown>> | undefined,
): void {
  const name = Object.keys(properties ?? {})[0];
  if (name !== undefined) {
    throw new QuarryError('NOT_SUPPORTED', `Catalog '${catalog}' ${kind} property '${name}' does not exist`);
  }
}

/** Column names of a new table: present and distinct (case-insensitively, as SQL identifiers). */
export function checkColumnNames(names: readonly string[]): void {
  if (names.length === 0) throw new QuarryError('NOT_SUPPORTED', 'A table must have at least one column');
  const seen = new Set<string>();
  for (const n of names) {
    const key = n.toLowerCase();
    if (seen.has(key))
      throw new QuarryError('INVALID_ARGUMENTS', `Column name '${n}' specified more than once`);
    seen.add(key);
  }
}

export function viewNotFound(ref: { catalog: string; schema: string; table: string }): QuarryError {
  return new QuarryError(
    'TABLE_NOT_FOUND',
    `View '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
  );
}

/** A registered or external table: the catalog reads its files but never writes them. */
export function readOnlyTable(ref: { catalog: string; schema: string; table: string }): QuarryError {
  return new QuarryError(
    'NOT_SUPPORTED',
    `Table '${ref.catalog}.${ref.schema}.${ref.table}' is read-only: its files are not the catalog's (a registered or external table)`,
  );
}
