import { QuarryError } from '@quarry/common';
import type { PlanNode } from '../plan/nodes.js';
import { HashAggregationOperator } from './aggregate.js';
import { FilterOperator, ProjectOperator } from './filter-project.js';
import { HashJoinOperator } from './hash-join.js';
import { LimitOperator } from './limit.js';
import type { Operator, TaskContext } from './operator.js';
import { SemiJoinOperator } from './semi-join.js';
import {
  AssignUniqueIdOperator,
  EnforceSingleRowOperator,
  GroupIdOperator,
  UnionOperator,
} from './set-operators.js';
import { MarkDistinctOperator } from './mark-distinct.js';
import { SortOperator, TopNOperator } from './sort.js';
import { RemoteSourceOperator, TableScanOperator, ValuesOperator } from './sources.js';
import { TableWriterOperator } from './table-writer.js';
import { UnnestOperator } from './unnest.js';
import { WindowOperator } from './window.js';

/** Builds the operator tree of a fragment's plan. Exchanges must have been cut out by the fragmenter. */
export function buildOperator(node: PlanNode, ctx: TaskContext): Operator {
  switch (node.kind) {
    case 'TableScan':
      return new TableScanOperator(node, ctx);
    case 'RemoteSource':
      return new RemoteSourceOperator(node, ctx);
    case 'Values':
      return new ValuesOperator(node);
    case 'Filter':
      return new FilterOperator(node, buildOperator(node.input, ctx));
    case 'Project':
      return new ProjectOperator(node, buildOperator(node.input, ctx));
    case 'Aggregate':
      return new HashAggregationOperator(node, buildOperator(node.input, ctx), ctx);
    case 'Sort':
      return new SortOperator(node, buildOperator(node.input, ctx), ctx);
    case 'TopN':
      return new TopNOperator(node, buildOperator(node.input, ctx), ctx);
    case 'Limit':
      return new LimitOperator(node, buildOperator(node.input, ctx));
    case 'Join':
      return new HashJoinOperator(node, buildOperator(node.input, ctx), buildOperator(node.build, ctx), ctx);
    case 'SemiJoin':
      return new SemiJoinOperator(node, buildOperator(node.input, ctx), buildOperator(node.build, ctx), ctx);
    case 'EnforceSingleRow':
      return new EnforceSingleRowOperator(node, buildOperator(node.input, ctx));
    case 'Union':
      return new UnionOperator(
        node,
        node.inputs.map((i) => buildOperator(i, ctx)),
      );
    case 'Window':
      return new WindowOperator(node, buildOperator(node.input, ctx), ctx);
    case 'MarkDistinct':
      return new MarkDistinctOperator(node, buildOperator(node.input, ctx), ctx);
    case 'GroupId':
      return new GroupIdOperator(node, buildOperator(node.input, ctx));
    case 'TableWriter':
      return new TableWriterOperator(node, buildOperator(node.input, ctx), ctx);
    case 'AssignUniqueId':
      return new AssignUniqueIdOperator(buildOperator(node.input, ctx));
    case 'Unnest':
      return new UnnestOperator(node, buildOperator(node.input, ctx));
    case 'Exchange':
      throw new QuarryError(
        'GENERIC_INTERNAL_ERROR',
        'Exchange node inside a fragment (this is a bug in quarry)',
      );
  }
}
