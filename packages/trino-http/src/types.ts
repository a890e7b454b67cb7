/** A type as Trino's client protocol describes it beside its name (`ClientTypeSignature`). */
export interface TypeSignature {
  readonly rawType: string;
  readonly arguments: readonly TypeArgument[];
}

export type TypeArgument = { readonly kind: 'LONG'; readonly value: number };

/** Trino's bound of an unbounded varchar, as its type signature shows it. */
const UNBOUNDED_VARCHAR = 2147483647;

/**
 * The type signature of a quarry column type (Trino's names: `bigint`, `decimal(12,2)`,
 * `varchar(25)`, `varchar`, `timestamp(3)`, `interval day to second`, …): the base name and its
 * numeric parameters. quarry's result types are all flat, so no TYPE or NAMED_TYPE arguments occur.
 */
export function typeSignature(type: string): TypeSignature {
  const m = /^([a-z ]+?)\s*\(([\d,\s]+)\)$/.exec(type.trim());
  if (m) {
    const values = m[2]!.split(',').map((v) => Number(v.trim()));
    return { rawType: m[1]!, arguments: values.map((value) => ({ kind: 'LONG', value })) };
  }
  if (type === 'varchar')
    return { rawType: 'varchar', arguments: [{ kind: 'LONG', value: UNBOUNDED_VARCHAR }] };
  return { rawType: type, arguments: [] };
}

/** Trino's column in `columns`: name, type and its signature. */
export interface TrinoColumn {
  readonly name: string;
  readonly type: string;
  readonly typeSignature: TypeSignature;
}

export function trinoColumn(c: { name: string; type: string }): TrinoColumn {
  return { name: c.name, type: c.type, typeSignature: typeSignature(c.type) };
}
