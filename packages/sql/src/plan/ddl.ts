import type { SourceLocation } from '@quarry/common';
import type { ColumnMetadata, TableRef } from '../spi/connector.js';
import type { ProcedureCall } from '../spi/procedures.js';
import type { ViewDefinition } from '../spi/views.js';

/**
 * A change to a catalog that a statement asks for (CREATE/DROP SCHEMA, TABLE, VIEW; CREATE TABLE AS
 * … WITH NO DATA; CALL of a connector's procedure), as the planner leaves it: plain data, checked against what the catalogs held at
 * planning (names resolved, columns and view definitions computed) but not run. The coordinator's
 * query actor runs it (`executeDdl`) through the catalog's connector before the query runs. `loc` is
 * where the statement names the object: a connector's error (already exists, not found) points there.
 */
export type DdlCommand =
  | {
      readonly kind: 'createSchema';
      readonly catalog: string;
      readonly schema: string;
      readonly ifNotExists: boolean;
      readonly properties: Readonly<Record<string, unknown>>;
      readonly loc: SourceLocation;
    }
  | {
      readonly kind: 'dropSchema';
      readonly catalog: string;
      readonly schema: string;
      readonly ifExists: boolean;
      readonly cascade: boolean;
      readonly loc: SourceLocation;
    }
  | {
      readonly kind: 'createTable';
      readonly table: TableRef;
      readonly columns: readonly ColumnMetadata[];
      readonly ifNotExists: boolean;
      readonly properties: Readonly<Record<string, unknown>>;
      readonly loc: SourceLocation;
    }
  | {
      readonly kind: 'dropTable';
      readonly table: TableRef;
      readonly ifExists: boolean;
      readonly loc: SourceLocation;
    }
  | {
      readonly kind: 'createView';
      readonly view: TableRef;
      readonly definition: ViewDefinition;
      readonly replace: boolean;
      readonly loc: SourceLocation;
    }
  | {
      readonly kind: 'dropView';
      readonly view: TableRef;
      readonly ifExists: boolean;
      readonly loc: SourceLocation;
    }
  | {
      readonly kind: 'call';
      readonly catalog: string;
      /** The procedure and its arguments, bound, cast and evaluated; the query id is the runner's. */
      readonly call: Omit<ProcedureCall, 'queryId' | 'resumed'>;
      readonly loc: SourceLocation;
    };
