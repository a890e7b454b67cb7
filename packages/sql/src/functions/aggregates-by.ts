import { BlockBuilder, type Block } from '../page/block.js';
import { isOrderable, physicalKind, type DataType } from '../types/index.js';
import { define } from './aggregate-registry.js';
import { heldValue, preferred, U8State } from './aggregate-state.js';

/**
 * max_by(x, y) and min_by(x, y): the x of the row with the greatest (least) y, as Trino: rows whose
 * y is NULL are skipped, x may be NULL (and is then the result), a group without a y is NULL; among
 * rows tied on y the first one seen wins, which under parallel execution is any of them. The state
 * is the best y and its x, in two columns (the key NULL while the group has none).
 */

for (const name of ['max_by', 'min_by'] as const) {
  define({
    name,
    signatures: [`${name}(V, K) for orderable K`],
    resolve: ([v, k, ...rest]) => {
      if (!v || !k || rest.length || !isOrderable(k)) return undefined;
      return { argTypes: [v, k], intermediateTypes: [k, v], resultType: v };
    },
    create: (sig) => extremeBy(sig.argTypes[0]!, sig.argTypes[1]!, name === 'max_by' ? 'max' : 'min'),
  });
}

function extremeBy(valueType: DataType, keyType: DataType, which: 'min' | 'max') {
  const better = preferred(keyType, which);
  const keyBool = physicalKind(keyType) === 'bool';
  const valueBool = physicalKind(valueType) === 'bool';
  const keys: unknown[] = [];
  const values: unknown[] = [];
  const has = new U8State();
  const add = (groups: Int32Array, n: number, blocks: { value: Block; key: Block }, count: number) => {
    has.ensure(n);
    const { value, key } = blocks;
    for (let i = 0; i < count; i++) {
      if (key.nulls !== undefined && key.nulls[i] === 1) continue;
      const g = groups[i]!;
      const k = heldValue(key, i, keyBool);
      if (has.values[g] === 1 && !better(k, keys[g])) continue;
      has.values[g] = 1;
      keys[g] = k;
      values[g] = value.nulls !== undefined && value.nulls[i] === 1 ? null : heldValue(value, i, valueBool);
    }
  };
  const column = (type: DataType, of: unknown[], n: number): Block => {
    has.ensure(n);
    const b = new BlockBuilder(type, n);
    for (let g = 0; g < n; g++) b.append(has.values[g] === 1 ? (of[g] ?? null) : null);
    return b.build();
  };
  return {
    addInput: (groups: Int32Array, n: number, args: readonly Block[], count: number) =>
      add(groups, n, { value: args[0]!, key: args[1]! }, count),
    addIntermediate: (groups: Int32Array, n: number, states: readonly Block[], count: number) =>
      add(groups, n, { value: states[1]!, key: states[0]! }, count),
    intermediate: (n: number) => [column(keyType, keys, n), column(valueType, values, n)],
    result: (n: number) => column(valueType, values, n),
    bytes: () => (keys.length + values.length) * 16 + has.values.byteLength,
  };
}
