import type { DataType } from '../types/types.js';

/**
 * Procedures a connector offers to `CALL catalog.schema.name(…)`, as Trino's connectors do (the
 * Iceberg connector's `system.register_table`). The engine binds the call's arguments — positional
 * or named (`name => value`), never both — to the parameters, evaluates them as constants, casts
 * them to the parameter types, and the coordinator's query actor calls the connector once the
 * statement is planned (as DDL runs); the statement's result is empty. A call planned again after a coordinator
 * failover has the same `queryId` and `resumed`: a procedure that changes the catalog must have its
 * effect once.
 */
export interface ProcedureParameter {
  /** Lower case; what a named argument is matched against. */
  readonly name: string;
  readonly type: DataType;
  readonly required: boolean;
}

export interface Procedure {
  readonly schema: string;
  readonly name: string;
  readonly parameters: readonly ProcedureParameter[];
}

export interface ProcedureCall {
  readonly schema: string;
  readonly name: string;
  /** One per parameter, in the parameter order; `null` for NULL or an omitted optional one. */
  readonly args: readonly unknown[];
  readonly queryId?: string;
  readonly resumed?: boolean;
}

export interface ProcedureConnector {
  /** What the connector offers: plain data (it travels to planner threads). */
  readonly procedures: readonly Procedure[];
  callProcedure(call: ProcedureCall): Promise<void>;
}

export function hasProcedures(connector: object): connector is ProcedureConnector {
  return typeof (connector as Partial<ProcedureConnector>).callProcedure === 'function';
}
