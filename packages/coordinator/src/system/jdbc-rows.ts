import type { CatalogRegistry, ListingHints } from '@quarry/sql';
import { informationSchemaRows } from '@quarry/sql/internal';

/**
 * The rows of `system.jdbc.*`, which the Trino JDBC driver's DatabaseMetaData reads (and so DBeaver
 * and every JDBC tool): catalogs, schemas, tables and columns of every catalog, listed through the
 * same code as `information_schema` (so views and the hints from the WHERE work alike), with JDBC's
 * type codes (`java.sql.Types`).
 */
export async function jdbcRows(
  catalogs: CatalogRegistry,
  table: string,
  hints: ListingHints,
): Promise<unknown[][]> {
  switch (table) {
    case 'catalogs':
      return catalogs.names().map((name) => [name]);
    case 'schemas':
      return (await perCatalog(catalogs, 'schemata', hints)).map((r) => [r[1], r[0]]);
    case 'tables':
      return (await perCatalog(catalogs, 'tables', hints)).map((r) => [
        r[0],
        r[1],
        r[2],
        r[3] === 'VIEW' ? 'VIEW' : 'TABLE',
        r[5] ?? null,
        null,
        null,
        null,
        null,
        null,
      ]);
    case 'table_types':
      return [['TABLE'], ['VIEW']];
    case 'columns':
      return (await perCatalog(catalogs, 'columns', hints)).map(columnRow);
    case 'types':
      return TYPE_NAMES.map(typeRow);
    default:
      return [];
  }
}

/** An information_schema table's rows of every catalog the hints allow. */
async function perCatalog(
  catalogs: CatalogRegistry,
  table: string,
  hints: ListingHints,
): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (const name of catalogs.names()) {
    if (hints.catalogs && !hints.catalogs.has(name)) continue;
    const connector = catalogs.get(name);
    if (connector) rows.push(...(await informationSchemaRows(name, connector, table, hints)));
  }
  return rows;
}

/** An information_schema.columns row → a jdbc.columns row. */
function columnRow(r: readonly unknown[]): unknown[] {
  const type = String(r[7]);
  const t = describe(type);
  return [
    r[0],
    r[1],
    r[2],
    r[3],
    t.code,
    type,
    t.size,
    null,
    t.digits,
    t.radix,
    1, // columnNullable
    null,
    null,
    null,
    null,
    t.octets,
    r[4],
    'YES',
    null,
    null,
    null,
    null,
    'NO',
    'NO',
  ];
}

interface JdbcType {
  /** `java.sql.Types`. */
  readonly code: number;
  readonly size: number | null;
  readonly digits: number | null;
  readonly radix: number | null;
  readonly octets: number | null;
}

const UNBOUNDED = 2 ** 31 - 1;

const FIXED: Readonly<Record<string, JdbcType>> = {
  boolean: { code: 16, size: null, digits: null, radix: null, octets: null },
  tinyint: { code: -6, size: 3, digits: 0, radix: 10, octets: null },
  smallint: { code: 5, size: 5, digits: 0, radix: 10, octets: null },
  integer: { code: 4, size: 10, digits: 0, radix: 10, octets: null },
  bigint: { code: -5, size: 19, digits: 0, radix: 10, octets: null },
  real: { code: 7, size: 24, digits: null, radix: 2, octets: null },
  double: { code: 8, size: 53, digits: null, radix: 2, octets: null },
  date: { code: 91, size: 14, digits: null, radix: null, octets: null },
  varbinary: { code: -3, size: UNBOUNDED, digits: null, radix: null, octets: UNBOUNDED },
};

/** JDBC's view of a SQL type as `typeToString` spells it (JAVA_OBJECT for what JDBC has no code for). */
function describe(type: string): JdbcType {
  if (Object.hasOwn(FIXED, type)) return FIXED[type]!;
  const args = /\(([^)]*)\)/.exec(type)?.[1]?.split(',').map(Number) ?? [];
  const none = { digits: null, radix: null, octets: null };
  if (type.startsWith('decimal'))
    return { code: 3, size: args[0] ?? 38, digits: args[1] ?? 0, radix: 10, octets: null };
  if (type.startsWith('varchar')) {
    const size = args[0] ?? UNBOUNDED;
    return { code: 12, size, digits: null, radix: null, octets: Math.min(UNBOUNDED, size * 4) };
  }
  if (type.startsWith('char')) return { code: 1, size: args[0] ?? 1, ...none, octets: (args[0] ?? 1) * 4 };
  if (type.startsWith('timestamp')) return { code: 93, size: 23, ...none, digits: args[0] ?? 3 };
  if (type.startsWith('time')) return { code: 92, size: 12, ...none, digits: args[0] ?? 3 };
  if (type.startsWith('array')) return { code: 2003, size: null, ...none };
  return { code: 2000, size: null, ...none };
}

const TYPE_NAMES = [
  'bigint',
  'boolean',
  'char',
  'date',
  'decimal',
  'double',
  'integer',
  'real',
  'smallint',
  'timestamp',
  'tinyint',
  'varbinary',
  'varchar',
  'array',
  'map',
  'row',
  'interval day to second',
  'interval year to month',
];

/** A `system.jdbc.types` row (`DatabaseMetaData.getTypeInfo`). */
function typeRow(name: string): unknown[] {
  const t = describe(name);
  const quoted = ['char', 'varchar', 'date', 'timestamp'].includes(name);
  const numeric = t.radix !== null;
  return [
    name,
    t.code,
    t.size,
    quoted ? `${name === 'char' || name === 'varchar' ? '' : `${name.toUpperCase()} `}'` : null,
    quoted ? "'" : null,
    name === 'decimal' ? 'precision,scale' : name === 'varchar' || name === 'char' ? 'length' : null,
    1, // typeNullable
    name === 'char' || name === 'varchar',
    3, // typeSearchable
    numeric ? false : null,
    false,
    false,
    null,
    numeric ? 0 : null,
    name === 'decimal' ? 38 : numeric ? 0 : null,
    null,
    null,
    t.radix,
  ];
}
