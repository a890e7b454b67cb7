import { QuarryError } from '@quarry/common';
import { BlockBuilder, valueAt, type Block } from '../page/block.js';
import { arrayType, isComparable, mapType, typeToString, type DataType } from '../types/index.js';
import { valueKey, type MapValue } from '../types/composite.js';
import { define, type Accumulator } from './aggregate-registry.js';

/**
 * `array_agg(x)` and `map_agg(k, v)`, in two steps: a leaf's state per group is the array (or map)
 * of what it saw, the final step concatenates states (for map_agg: the first value of a key wins, as
 * in Trino). Element order follows input order within a task and is otherwise unspecified, as in
 * Trino without ORDER BY. NULL elements are kept by array_agg; map_agg skips NULL keys.
 */

/** Per-group lists of native values; `bytes` grows as values are held. */
class Lists {
  readonly groups: (unknown[] | undefined)[] = [];
  bytes = 0;

  add(group: number, values: readonly unknown[]): void {
    const list = (this.groups[group] ??= []);
    for (const v of values) list.push(v);
    this.bytes +=
      16 +
      16 * values.length +
      values.reduce<number>((s, v) => s + (typeof v === 'string' ? v.length * 2 : 0), 0);
  }
}

function arrayAgg(element: DataType): Accumulator {
  const lists = new Lists();
  const type = arrayType(element);
  const build = (n: number) => {
    const b = new BlockBuilder(type, n);
    for (let g = 0; g < n; g++) b.append(lists.groups[g] ?? null);
    return b.build();
  };
  return {
    addInput(groups, _n, [x], count) {
      for (let i = 0; i < count; i++) lists.add(groups[i]!, [valueAt(x!, i)]);
    },
    addIntermediate(groups, _n, [state], count) {
      for (let i = 0; i < count; i++) {
        const v = valueAt(state!, i) as unknown[] | null;
        if (v !== null) lists.add(groups[i]!, v);
      }
    },
    intermediate: (n) => [build(n)],
    result: build,
    bytes: () => lists.bytes,
  };
}

function mapAgg(key: DataType, value: DataType): Accumulator {
  const keys = new Lists();
  const values = new Lists();
  const seen: (Set<string> | undefined)[] = [];
  const type = mapType(key, value);
  const add = (g: number, k: unknown, v: unknown) => {
    if (k === null) return;
    const s = (seen[g] ??= new Set());
    const text = valueKey(key, k);
    if (s.has(text)) return;
    s.add(text);
    keys.add(g, [k]);
    values.add(g, [v]);
  };
  const build = (n: number): Block => {
    const b = new BlockBuilder(type, n);
    for (let g = 0; g < n; g++) {
      const ks = keys.groups[g];
      b.append(ks ? ({ keys: ks, values: values.groups[g]! } satisfies MapValue) : null);
    }
    return b.build();
  };
  return {
    addInput(groups, _n, [k, v], count) {
      for (let i = 0; i < count; i++) add(groups[i]!, valueAt(k!, i), valueAt(v!, i));
    },
    addIntermediate(groups, _n, [state], count) {
      for (let i = 0; i < count; i++) {
        const m = valueAt(state!, i) as MapValue | null;
        if (m !== null) m.keys.forEach((k, j) => add(groups[i]!, k, m.values[j] ?? null));
      }
    },
    intermediate: (n) => [build(n)],
    result: build,
    bytes: () => keys.bytes + values.bytes,
  };
}

define({
  name: 'array_agg',
  signatures: ['array_agg(T)'],
  resolve: ([x, ...rest]) =>
    x && !rest.length
      ? { argTypes: [x], intermediateTypes: [arrayType(x)], resultType: arrayType(x) }
      : undefined,
  create: (sig) => arrayAgg(sig.argTypes[0]!),
});

define({
  name: 'map_agg',
  signatures: ['map_agg(K, V)'],
  resolve: ([k, v, ...rest]) => {
    if (!k || !v || rest.length) return undefined;
    if (!isComparable(k))
      throw new QuarryError('TYPE_MISMATCH', `map_agg: key type ${typeToString(k)} is not comparable`);
    return { argTypes: [k, v], intermediateTypes: [mapType(k, v)], resultType: mapType(k, v) };
  },
  create: (sig) => mapAgg(sig.argTypes[0]!, sig.argTypes[1]!),
});
