/** A type as Trino's client protocol describes it beside its name (`ClientTypeSignature`). */
export interface TypeSignature {
  readonly rawType: string;
  readonly arguments: readonly TypeArgument[];
}

/** A parameter of a type: a number (`varchar(25)`), a type (`array(integer)`), a row field. */
export type TypeArgument =
  | { readonly kind: 'LONG'; readonly value: number }
  | { readonly kind: 'TYPE'; readonly value: TypeSignature }
  | { readonly kind: 'NAMED_TYPE'; readonly value: NamedTypeSignature };

/** A row field: its name (absent for an anonymous field) and type, as Trino's `NamedClientTypeSignature`. */
export interface NamedTypeSignature {
  readonly fieldName?: { readonly name: string };
  readonly typeSignature: TypeSignature;
}

/** Trino's bound of an unbounded varchar, as its type signature shows it. */
const UNBOUNDED_VARCHAR = 2147483647;

/**
 * The type signature of a quarry column type (Trino's names: `bigint`, `decimal(12,2)`,
 * `varchar(25)`, `varchar`, `timestamp(3)`, `interval day to second`, `array(integer)`,
 * `map(varchar, bigint)`, `row(a integer, "b c" varchar)`): the base name and its parameters —
 * numbers, element types, and named fields of a row.
 */
export function typeSignature(type: string): TypeSignature {
  const text = type.trim();
  const open = text.indexOf('(');
  if (open > 0 && text.endsWith(')')) {
    const rawType = text.slice(0, open).trim();
    const params = splitTopLevel(text.slice(open + 1, -1));
    if (rawType === 'array' || rawType === 'map')
      return { rawType, arguments: params.map((p) => ({ kind: 'TYPE', value: typeSignature(p) })) };
    if (rawType === 'row') return { rawType, arguments: params.map(rowField) };
    return { rawType, arguments: params.map((v) => ({ kind: 'LONG', value: Number(v) })) };
  }
  if (text === 'varchar')
    return { rawType: 'varchar', arguments: [{ kind: 'LONG', value: UNBOUNDED_VARCHAR }] };
  return { rawType: text, arguments: [] };
}

/** `name type`, `"quoted name" type` or a bare type (an anonymous field). */
function rowField(field: string): TypeArgument {
  const quoted = /^"((?:[^"]|"")*)"\s+(.+)$/s.exec(field);
  if (quoted) {
    const name = quoted[1]!.replace(/""/g, '"');
    return { kind: 'NAMED_TYPE', value: { fieldName: { name }, typeSignature: typeSignature(quoted[2]!) } };
  }
  const named = /^([a-z_][a-z0-9_]*)\s+(.+)$/s.exec(field);
  // `double precision`-like names and `interval day to second` are types, not a name and a type
  if (named && !/^(interval|double|timestamp|time)$/.test(named[1]!) && !named[2]!.startsWith('('))
    return {
      kind: 'NAMED_TYPE',
      value: { fieldName: { name: named[1]! }, typeSignature: typeSignature(named[2]!) },
    };
  return { kind: 'NAMED_TYPE', value: { typeSignature: typeSignature(field) } };
}

/** Splits at commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
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
