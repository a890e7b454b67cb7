import { transformUp, type PlanRule } from '../rule.js';

/** `Limit(n) over Sort` without offset becomes `TopN(n)`: keep n rows instead of sorting everything. */
export const limitToTopN: PlanRule = {
  name: 'limit-to-topn',
  apply: (root) =>
    transformUp(root, (node) => {
      if (node.kind !== 'Limit' || node.input.kind !== 'Sort' || node.ties) return node;
      const sort = node.input;
      if (node.offset > 0) {
        return {
          ...node,
          input: {
            kind: 'TopN',
            input: sort.input,
            keys: sort.keys,
            count: node.count + node.offset,
            outputs: sort.outputs,
          },
        };
      }
      return { kind: 'TopN', input: sort.input, keys: sort.keys, count: node.count, outputs: sort.outputs };
    }),
};
