import { QuarryError } from '@quarry/common';
import { normalizeLong, physicalKind, typeToString, type DataType, type MapValue } from '@quarry/sql';
import type { SchemaElement, SchemaTree } from 'hyparquet';
import { fromTwosComplement } from './parquet-types.js';

/**
 * Composite columns read back from Parquet: array, map and row values assembled from the leaf
 * columns of a LIST, MAP or plain group (`parquet-types.ts` says how the lake writes them).
 *
 * The decoder (hyparquet) hands each leaf column back one row at a time as nested JS arrays: every
 * OPTIONAL or REPEATED node on the leaf's path above the leaf is one array level (an OPTIONAL
 * node's array holds no item when the node is NULL, else one; a REPEATED node's holds its
 * repetitions, none for an empty list), REQUIRED nodes add no level, and the leaf's own value (or
 * `null`) sits in the innermost array. So every NULL shape survives: a NULL array, an empty one and
 * one of NULL elements differ, as do a NULL row and a row of NULL fields. A {@link CompositePlan}
 * walks those arrays for all leaves of a node at once — they agree on the levels they share — and
 * builds the engine's native values (`types/composite.ts` of `@quarry/sql`): arrays, `MapValue`s
 * (keys in file order) and rows as arrays of field values, by position, never by field name.
 */
export type CompositePlan =
  | { readonly kind: 'leaf'; readonly optional: boolean; readonly width: 1; readonly read: LeafRead }
  | {
      readonly kind: 'list';
      readonly optional: boolean;
      readonly width: number;
      readonly element: CompositePlan;
    }
  | {
      readonly kind: 'map';
      readonly optional: boolean;
      readonly width: number;
      readonly key: CompositePlan;
      readonly value: CompositePlan;
    }
  | {
      readonly kind: 'row';
      readonly optional: boolean;
      readonly width: number;
      readonly fields: CompositePlan[];
    };

/** A leaf's non-NULL value as decoded (physical) to the engine's native value. */
export type LeafRead = (raw: unknown) => unknown;

/** The shape a group node of a Parquet schema has, or why it has none the lake reads. */
export type CompositeShape =
  | { readonly kind: 'list'; readonly element: SchemaTree }
  | { readonly kind: 'map'; readonly key: SchemaTree; readonly value: SchemaTree }
  | { readonly kind: 'row'; readonly fields: readonly SchemaTree[] };

/**
 * A group's shape: LIST in three levels (the legacy two-level forms, a repeated field as the
 * element, are refused), MAP (or MAP_KEY_VALUE) of a repeated group of key and value, any other
 * group a row of its children.
 */
export function compositeShape(node: SchemaTree): CompositeShape | string {
  const { element, children } = node;
  if (element.repetition_type === 'REPEATED') return 'a repeated group without a LIST annotation';
  const annotation = element.logical_type?.type ?? element.converted_type;
  if (annotation === 'LIST') {
    const repeated = children[0];
    if (children.length !== 1 || repeated?.element.repetition_type !== 'REPEATED')
      return 'a LIST without one repeated field';
    if (repeated.children.length !== 1) return 'a two-level (legacy) LIST';
    const item = repeated.children[0]!;
    return item.element.repetition_type === 'REPEATED'
      ? 'a LIST of repeated fields'
      : { kind: 'list', element: item };
  }
  if (annotation === 'MAP' || annotation === 'MAP_KEY_VALUE') {
    const entries = children[0];
    if (
      children.length !== 1 ||
      entries?.element.repetition_type !== 'REPEATED' ||
      entries.children.length !== 2
    )
      return 'a MAP without a repeated group of key and value';
    const [key, value] = entries.children as [SchemaTree, SchemaTree];
    if (key.element.repetition_type === 'REPEATED' || value.element.repetition_type === 'REPEATED')
      return 'a MAP of repeated fields';
    return { kind: 'map', key, value };
  }
  if (children.some((c) => c.element.repetition_type === 'REPEATED'))
    return 'a repeated field without a LIST annotation';
  return { kind: 'row', fields: children };
}

/**
 * The plan of a column node read as `type`; `leaf` gives each leaf's conversion. A node whose shape
 * does not fit the type fails naming `where`.
 */
export function compositePlan(
  node: SchemaTree,
  type: DataType,
  leaf: (element: SchemaElement, type: DataType) => LeafRead,
  where: string,
): CompositePlan {
  const optional = node.element.repetition_type !== 'REQUIRED';
  if (node.children.length === 0) {
    if (physicalKind(type) === 'object') throw mismatch(node, type, where);
    return { kind: 'leaf', optional, width: 1, read: leaf(node.element, type) };
  }
  const shape = compositeShape(node);
  if (typeof shape === 'string') throw mismatch(node, type, where);
  if (shape.kind === 'list' && type.kind === 'array') {
    const element = compositePlan(shape.element, type.element, leaf, where);
    return { kind: 'list', optional, width: element.width, element };
  }
  if (shape.kind === 'map' && type.kind === 'map') {
    const key = compositePlan(shape.key, type.key, leaf, where);
    const value = compositePlan(shape.value, type.value, leaf, where);
    return { kind: 'map', optional, width: key.width + value.width, key, value };
  }
  if (shape.kind === 'row' && type.kind === 'row' && shape.fields.length === type.fields.length) {
    const fields = shape.fields.map((f, i) => compositePlan(f, type.fields[i]!.type, leaf, where));
    return { kind: 'row', optional, width: fields.reduce((n, f) => n + f.width, 0), fields };
  }
  throw mismatch(node, type, where);
}

function mismatch(node: SchemaTree, type: DataType, where: string): QuarryError {
  return new QuarryError(
    'TYPE_MISMATCH',
    `lake: column '${node.path.join('.')}' of ${where} does not hold ${typeToString(type)}`,
  );
}

/** The paths of a node's leaves, depth first: the order of a plan's leaves. */
export function leafPaths(node: SchemaTree): string[][] {
  if (node.children.length === 0) return [node.path];
  return node.children.flatMap(leafPaths);
}

/**
 * Rows `[0, rows)` of a composite column, from its leaves' decoded rows (in `leafPaths` order,
 * each as the decoder nests it, see above).
 */
export function assembleRows(
  plan: CompositePlan,
  leaves: readonly ArrayLike<unknown>[],
  rows: number,
): unknown[] {
  const out = new Array<unknown>(rows);
  const items = new Array<unknown>(leaves.length);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < leaves.length; j++) items[j] = leaves[j]![r];
    out[r] = assemble(plan, items);
  }
  return out;
}

/** One value of a node, from what each of its leaves holds at the node's level. */
function assemble(plan: CompositePlan, items: readonly unknown[]): unknown {
  if (plan.kind === 'leaf') {
    const raw = items[0];
    return raw === null || raw === undefined ? null : plan.read(raw);
  }
  let at = items;
  if (plan.optional) {
    if ((items[0] as unknown[]).length === 0) return null;
    at = items.map((c) => (c as unknown[])[0]);
  }
  switch (plan.kind) {
    case 'row': {
      let from = 0;
      return plan.fields.map((f) => assemble(f, at.slice(from, (from += f.width))));
    }
    case 'list':
      return repetitions(at).map((entry) => assemble(plan.element, entry));
    case 'map': {
      const entries = repetitions(at);
      const keys = entries.map((e) => assemble(plan.key, e.slice(0, plan.key.width)));
      if (keys.some((k) => k === null))
        throw new QuarryError('INVALID_ARGUMENTS', 'lake: a map in a Parquet file has a NULL key');
      const values = entries.map((e) => assemble(plan.value, e.slice(plan.key.width)));
      return { keys, values } satisfies MapValue;
    }
  }
}

/** A repeated node's entries: for each, what every leaf holds at the entry's level. */
function repetitions(containers: readonly unknown[]): unknown[][] {
  const n = (containers[0] as unknown[]).length;
  const out = new Array<unknown[]>(n);
  for (let i = 0; i < n; i++) out[i] = containers.map((c) => (c as unknown[])[i]);
  return out;
}

/** A decoded physical value (see `physicalSchema`) to the native value of scalar `type`. */
export function nativeLeaf(type: DataType): LeafRead {
  switch (physicalKind(type)) {
    case 'bool':
      return (v) => v === true || v === 1;
    case 'int32':
      return (v) => Number(v);
    case 'float64':
      return (v) => (typeof v === 'bigint' ? Number(v) : v);
    case 'long':
      return (v) =>
        typeof v === 'number'
          ? v
          : normalizeLong(typeof v === 'bigint' ? v : fromTwosComplement(v as Uint8Array));
    case 'string':
      return (v) => v;
    case 'object':
      throw new QuarryError('GENERIC_INTERNAL_ERROR', `lake: ${typeToString(type)} is not a leaf type`);
  }
}
