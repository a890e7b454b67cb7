import { internalError } from '@quarry/common';
import { BlockBuilder, type Block } from '../page/block.js';
import { physicalKind, VARCHAR } from '../types/index.js';
import { compareVarchar } from '../types/values.js';
import { define, type AggregateOrder } from './aggregate-registry.js';
import { heldValue } from './aggregate-state.js';
import { checkResultLength } from './limits.js';
import { isStr } from './scalars.js';

/**
 * `listagg(x [, separator]) WITHIN GROUP (ORDER BY …)` as Trino's: the non-NULL values of a group
 * in the given order, joined by the separator (a string literal; '' when omitted); NULL for a
 * group without values; a result past 1 MiB fails (Trino's ON OVERFLOW ERROR, the default; ON
 * OVERFLOW TRUNCATE is not supported). Rows tied on the keys keep no particular order. An ordered
 * aggregate keeps every value until the end: the planner never splits its aggregation into partial
 * and final steps, so it has no intermediate state.
 */

interface Entry {
  readonly value: string;
  readonly keys: readonly unknown[];
}

/** Compares two key values of one type, NULLs placed as the key says, NaN above every number. */
function compareKey(a: unknown, b: unknown, o: AggregateOrder): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === o.nullsFirst ? -1 : 1;
  }
  let c: number;
  if (physicalKind(o.type) === 'string') c = compareVarchar(a as string, b as string);
  else if (a !== a || b !== b) c = a !== a ? (b !== b ? 0 : 1) : -1;
  else c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  return o.ascending ? c : -c;
}

define({
  name: 'listagg',
  signatures: ['listagg(varchar, varchar) WITHIN GROUP (ORDER BY …)'],
  resolve: ([x, separator, ...rest]) =>
    x && isStr(x) && (!separator || isStr(separator)) && rest.length === 0
      ? { argTypes: separator ? [x, separator] : [x], intermediateTypes: [], resultType: VARCHAR }
      : undefined,
  create: (_sig, order) => {
    const groups: (Entry[] | undefined)[] = [];
    let separator = '';
    let bytes = 0;
    const keyBool = order.map((o) => physicalKind(o.type) === 'bool');
    return {
      addInput(ids, _n, args, count) {
        const value = args[0]!;
        const hasSeparator = args.length > order.length + 1;
        const keyBlocks: Block[] = args.slice(hasSeparator ? 2 : 1);
        for (let i = 0; i < count; i++) {
          if (value.nulls !== undefined && value.nulls[i] === 1) continue;
          if (hasSeparator) separator = args[1]!.values[i] as string;
          const keys = keyBlocks.map((b, k) =>
            b.nulls !== undefined && b.nulls[i] === 1 ? null : heldValue(b, i, keyBool[k]!),
          );
          const v = value.values[i] as string;
          (groups[ids[i]!] ??= []).push({ value: v, keys });
          bytes += v.length * 2 + 16 * (keys.length + 2);
        }
      },
      addIntermediate() {
        throw internalError('listagg has no intermediate state: its aggregation is never split');
      },
      intermediate() {
        throw internalError('listagg has no intermediate state: its aggregation is never split');
      },
      result(n) {
        const b = new BlockBuilder(VARCHAR, n);
        for (let g = 0; g < n; g++) {
          const entries = groups[g];
          if (!entries) {
            b.append(null);
            continue;
          }
          entries.sort((x, y) => {
            for (let k = 0; k < order.length; k++) {
              const c = compareKey(x.keys[k], y.keys[k], order[k]!);
              if (c !== 0) return c;
            }
            return 0;
          });
          const length =
            entries.reduce((s, e) => s + e.value.length, 0) + separator.length * (entries.length - 1);
          checkResultLength('listagg', length);
          b.append(entries.map((e) => e.value).join(separator));
        }
        return b.build();
      },
      bytes: () => bytes,
    };
  },
});
