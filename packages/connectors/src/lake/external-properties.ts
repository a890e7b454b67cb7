import { QuarryError } from '@quarry/common';
import { caster, typeToString, VARCHAR } from '@quarry/sql';
import type { LakeColumn } from './metadata.js';

/**
 * The table properties of an external table, named as Trino's Hive connector names them:
 * `external_location` (required for the others), `format` ('PARQUET', the default, or 'CSV'),
 * and for CSV `csv_separator` (one character, ',' by default) and `skip_header_line_count`
 * (lines skipped at the start of every file, 0 by default).
 */
export interface ExternalProperties {
  readonly location: string;
  readonly format: 'PARQUET' | 'CSV';
  readonly csvSeparator: string;
  readonly skipHeaderLineCount: number;
}

const NAMES = ['external_location', 'format', 'csv_separator', 'skip_header_line_count'];
const MAX_SKIP = 1_000_000;

/**
 * The external table the properties ask for, or undefined when they ask for none (a table of the
 * catalog's own). Any other property is refused, as for the catalog's own tables.
 */
export function externalProperties(
  catalog: string,
  properties: Readonly<Record<string, unknown>> | undefined,
): ExternalProperties | undefined {
  const props = properties ?? {};
  const unknown = Object.keys(props).find((n) => !NAMES.includes(n));
  if (unknown !== undefined)
    throw new QuarryError('NOT_SUPPORTED', `Catalog '${catalog}' table property '${unknown}' does not exist`);
  const given = Object.keys(props).filter((n) => props[n] !== undefined);
  if (given.length === 0) return undefined;
  const location = props.external_location;
  if (typeof location !== 'string')
    throw invalid(
      location === undefined
        ? `Table property '${given[0]}' needs external_location (a table over existing files)`
        : `Table property external_location must be a varchar, not ${String(location)}`,
    );
  const format = String(props.format ?? 'PARQUET').toUpperCase();
  if (format !== 'PARQUET' && format !== 'CSV')
    throw invalid(`Table property format must be 'PARQUET' or 'CSV', not '${String(props.format)}'`);
  if (format === 'PARQUET') {
    const csvOnly = ['csv_separator', 'skip_header_line_count'].find((n) => props[n] !== undefined);
    if (csvOnly) throw invalid(`Table property ${csvOnly} is only for format = 'CSV'`);
  }
  const separator = props.csv_separator ?? ',';
  if (typeof separator !== 'string' || [...separator].length !== 1 || /[\r\n"]/.test(separator))
    throw invalid(`Table property csv_separator must be one character (not a quote or line break)`);
  const skip = Number(props.skip_header_line_count ?? 0);
  if (!Number.isInteger(skip) || skip < 0 || skip > MAX_SKIP)
    throw invalid(`Table property skip_header_line_count must be an integer from 0 to ${MAX_SKIP}`);
  return { location, format, csvSeparator: separator, skipHeaderLineCount: skip };
}

/** CSV columns are read by casting text: every column's type must have a cast from varchar. */
export function checkCsvColumns(columns: readonly LakeColumn[]): void {
  for (const c of columns) {
    if (!caster(VARCHAR, c.type))
      throw new QuarryError(
        'NOT_SUPPORTED',
        `lake: CSV column '${c.name}' cannot be of type ${typeToString(c.type)}`,
      );
  }
}

function invalid(message: string): QuarryError {
  return new QuarryError('INVALID_ARGUMENTS', message);
}
