import { QuarryError, type SourceLocation } from '@quarry/common';
import { evaluateConstant } from '../expr/compile.js';
import { caster } from '../functions/casts.js';
import type { Call, CallArgument } from '../parser/ast.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { CatalogRegistry } from '../spi/connector.js';
import { hasProcedures, type Procedure, type ProcedureParameter } from '../spi/procedures.js';
import { typeToString } from '../types/index.js';
import { ExprTranslator } from './expressions.js';
import type { Session } from './metadata.js';
import { Scope } from './scope.js';
import { ddl } from './writes.js';

/**
 * `CALL [catalog.][schema.]name(args)`: finds the catalog's procedure (the session's catalog and
 * schema fill in what the name leaves out), binds the arguments to its parameters, evaluates them
 * and plans to an empty result with the call as its command, which the coordinator's query actor
 * runs (see `spi/procedures.ts`). Errors point at the name or at the argument at fault.
 */
export async function planCall(
  statement: Call,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  const at = statement.name[0]!.loc;
  const parts = statement.name.map((p) => p.value.toLowerCase());
  const fail = (code: 'CATALOG_NOT_FOUND' | 'PROCEDURE_NOT_FOUND' | 'SCHEMA_NOT_FOUND', message: string) =>
    new QuarryError(code, message, { location: at });
  if (parts.length > 3)
    throw fail('PROCEDURE_NOT_FOUND', `Too many dots in procedure name: ${parts.join('.')}`);
  const name = parts.at(-1)!;
  const schema = parts.length >= 2 ? parts.at(-2)! : session.schema;
  const catalog = parts.length === 3 ? parts[0]! : session.catalog;
  if (catalog === undefined)
    throw fail('CATALOG_NOT_FOUND', 'Catalog must be specified when session catalog is not set');
  if (schema === undefined)
    throw fail('SCHEMA_NOT_FOUND', 'Schema must be specified when session schema is not set');
  const connector = catalogs.get(catalog);
  if (!connector) throw fail('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`);
  const procedure = hasProcedures(connector)
    ? connector.procedures.find((p) => p.schema === schema && p.name === name)
    : undefined;
  if (!procedure) throw fail('PROCEDURE_NOT_FOUND', `Procedure not registered: ${catalog}.${schema}.${name}`);
  const args = bindArguments(procedure, statement.args, statement.loc);
  return ddl({ kind: 'call', catalog, call: { schema, name, args }, loc: at });
}

/** Per parameter, in order, the value of the argument given for it (null when omitted). */
function bindArguments(procedure: Procedure, args: readonly CallArgument[], loc: SourceLocation): unknown[] {
  const named = args.filter((a) => a.name !== undefined);
  if (named.length > 0 && named.length < args.length)
    throw new QuarryError('INVALID_ARGUMENTS', 'Named and positional arguments cannot be mixed', {
      location: args.find((a) => a.name === undefined)!.loc,
    });
  const { parameters } = procedure;
  const given = new Map<number, CallArgument>();
  args.forEach((a, i) => {
    const index = a.name
      ? parameters.findIndex((p) => p.name === a.name!.value.toLowerCase())
      : i < parameters.length
        ? i
        : -1;
    if (index < 0)
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        a.name
          ? `Unknown argument name: ${a.name.value} (${procedure.name} takes ${parameters.map((p) => p.name).join(', ')})`
          : `Too many arguments for procedure ${procedure.name}: it takes ${parameters.length}`,
        { location: a.loc },
      );
    if (given.has(index))
      throw new QuarryError('INVALID_ARGUMENTS', `Duplicate procedure argument: ${parameters[index]!.name}`, {
        location: a.loc,
      });
    given.set(index, a);
  });
  return parameters.map((p, i) => {
    const a = given.get(i);
    if (a) return argumentValue(p, a);
    if (p.required)
      throw new QuarryError('INVALID_ARGUMENTS', `Required procedure argument '${p.name}' is missing`, {
        location: loc,
      });
    return null;
  });
}

function argumentValue(p: ProcedureParameter, a: CallArgument): unknown {
  const translated = new ExprTranslator(new Scope([]), { now: new Date() }).translate(a.value);
  const cast = caster(translated.type, p.type) as ((v: unknown) => unknown) | undefined;
  if (!cast)
    throw new QuarryError(
      'INVALID_ARGUMENTS',
      `Procedure argument '${p.name}' must be ${typeToString(p.type)}, not ${typeToString(translated.type)}`,
      { location: a.loc },
    );
  const value = evaluateConstant(translated);
  if (value === null && p.required)
    throw new QuarryError('INVALID_ARGUMENTS', `Procedure argument '${p.name}' cannot be NULL`, {
      location: a.loc,
    });
  return value === null ? null : cast(value);
}
