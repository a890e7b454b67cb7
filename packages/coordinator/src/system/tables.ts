import { BIGINT, BOOLEAN, TIMESTAMP, VARCHAR, type ColumnMetadata, type DataType } from '@quarry/sql';

/**
 * The system catalog's tables, with Trino's names, columns and types: `runtime` (the coordinator's
 * own state: queries, task attempts, nodes), `metadata` (catalogs) and `jdbc` (what the Trino JDBC driver's
 * DatabaseMetaData reads). Trino's `timestamp(3) with time zone` columns are `timestamp(3)` (UTC):
 * quarry has no zoned timestamps.
 */
const c = (name: string, type: DataType = VARCHAR): ColumnMetadata => ({ name, type });
const bigints = (...names: string[]): ColumnMetadata[] => names.map((n) => c(n, BIGINT));
const varchars = (...names: string[]): ColumnMetadata[] => names.map((n) => c(n));

const RUNTIME: Readonly<Record<string, readonly ColumnMetadata[]>> = {
  queries: [
    ...varchars('query_id', 'state', 'user', 'source', 'query'),
    c('resource_group_id', { kind: 'array', element: VARCHAR }),
    ...bigints('queued_time_ms', 'analysis_time_ms', 'planning_time_ms'),
    ...['created', 'started', 'last_heartbeat', 'end'].map((n) => c(n, TIMESTAMP)),
    ...varchars('error_type', 'error_code'),
  ],
  tasks: [
    ...varchars('node_id', 'task_id', 'stage_id', 'query_id', 'state'),
    ...bigints(
      'splits',
      'queued_splits',
      'running_splits',
      'completed_splits',
      'split_scheduled_time_ms',
      'split_cpu_time_ms',
      'split_blocked_time_ms',
      'raw_input_bytes',
      'raw_input_rows',
      'processed_input_bytes',
      'processed_input_rows',
      'output_bytes',
      'output_rows',
      'physical_input_bytes',
      'physical_written_bytes',
    ),
    ...['created', 'start', 'last_heartbeat', 'end'].map((n) => c(n, TIMESTAMP)),
  ],
  nodes: [...varchars('node_id', 'http_uri', 'node_version'), c('coordinator', BOOLEAN), c('state')],
};

const JDBC: Readonly<Record<string, readonly ColumnMetadata[]>> = {
  catalogs: varchars('table_cat'),
  schemas: varchars('table_schem', 'table_catalog'),
  tables: varchars(
    'table_cat',
    'table_schem',
    'table_name',
    'table_type',
    'remarks',
    'type_cat',
    'type_schem',
    'type_name',
    'self_referencing_col_name',
    'ref_generation',
  ),
  table_types: varchars('table_type'),
  columns: [
    ...varchars('table_cat', 'table_schem', 'table_name', 'column_name'),
    c('data_type', BIGINT),
    c('type_name'),
    ...bigints('column_size', 'buffer_length', 'decimal_digits', 'num_prec_radix', 'nullable'),
    ...varchars('remarks', 'column_def'),
    ...bigints('sql_data_type', 'sql_datetime_sub', 'char_octet_length', 'ordinal_position'),
    ...varchars('is_nullable', 'scope_catalog', 'scope_schema', 'scope_table'),
    c('source_data_type', BIGINT),
    ...varchars('is_autoincrement', 'is_generatedcolumn'),
  ],
  types: [
    c('type_name'),
    ...bigints('data_type', 'precision'),
    ...varchars('literal_prefix', 'literal_suffix', 'create_params'),
    c('nullable', BIGINT),
    c('case_sensitive', BOOLEAN),
    c('searchable', BIGINT),
    ...['unsigned_attribute', 'fixed_prec_scale', 'auto_increment'].map((n) => c(n, BOOLEAN)),
    c('local_type_name'),
    ...bigints('minimum_scale', 'maximum_scale', 'sql_data_type', 'sql_datetime_sub', 'num_prec_radix'),
  ],
  // what the driver asks of features quarry does not have: Trino's columns, no rows
  procedures: [
    ...varchars('procedure_cat', 'procedure_schem', 'procedure_name', 'reserved1', 'reserved2', 'reserved3'),
    c('remarks'),
    c('procedure_type', BIGINT),
    c('specific_name'),
  ],
  super_tables: varchars('table_cat', 'table_schem', 'table_name', 'supertable_name'),
  super_types: varchars(
    'type_cat',
    'type_schem',
    'type_name',
    'supertype_cat',
    'supertype_schem',
    'supertype_name',
  ),
  udts: [
    ...varchars('type_cat', 'type_schem', 'type_name', 'class_name'),
    c('data_type', BIGINT),
    c('remarks'),
    c('base_type', BIGINT),
  ],
  pseudo_columns: [
    ...varchars('table_cat', 'table_schem', 'table_name', 'column_name'),
    ...bigints('data_type', 'column_size', 'decimal_digits', 'num_prec_radix'),
    ...varchars('column_usage', 'remarks'),
    c('char_octet_length', BIGINT),
    c('is_nullable'),
  ],
};

const METADATA: Readonly<Record<string, readonly ColumnMetadata[]>> = {
  catalogs: varchars('catalog_name', 'connector_id', 'connector_name'),
  // dbt-trino joins it when listing relations: quarry has no materialized views (no rows)
  materialized_views: [
    ...varchars('catalog_name', 'schema_name', 'name', 'storage_catalog', 'storage_schema', 'storage_table'),
    c('freshness'),
    c('last_fresh_time', TIMESTAMP),
    ...varchars('comment', 'definition'),
  ],
};

export const SYSTEM_TABLES: Readonly<Record<string, Readonly<Record<string, readonly ColumnMetadata[]>>>> = {
  jdbc: JDBC,
  metadata: METADATA,
  runtime: RUNTIME,
};

/** A table's columns, or undefined when the system catalog has no such table. */
export function systemColumns(schema: string, table: string): readonly ColumnMetadata[] | undefined {
  const tables = Object.hasOwn(SYSTEM_TABLES, schema) ? SYSTEM_TABLES[schema]! : undefined;
  return tables && Object.hasOwn(tables, table) ? tables[table] : undefined;
}
