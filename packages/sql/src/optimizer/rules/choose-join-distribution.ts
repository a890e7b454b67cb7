import { QuarryError } from '@quarry/common';
import type { JoinDistribution, PlanNode } from '../../plan/nodes.js';
import { transformUp, type OptimizerContext, type PlanRule } from '../rule.js';
import { Estimator } from '../stats.js';

/**
 * Broadcast or partitioned, per join (session property `join_distribution_type`: AUTOMATIC,
 * BROADCAST or PARTITIONED). AUTOMATIC compares what travels: a broadcast copies the build side to
 * every probe task (estimated as BROADCAST_FANOUT tasks), a partitioned join moves both sides once;
 * a build side beyond BROADCAST_MAX_ROWS is never broadcast, as every task would hold all of it.
 * RIGHT and FULL joins, which emit unmatched build rows, are always partitioned (see distribute.ts).
 * An EXISTS-style semi join (keys, no IN value) whose build side is far larger than its probe side
 * holds the probe rows instead and streams the build rows through them (`indexProbe`).
 */
export const BROADCAST_MAX_ROWS = 2_000_000;
const BROADCAST_FANOUT = 4;
/** A semi join indexes its probe side instead when the build side is estimated this many times larger. */
const INDEX_PROBE_RATIO = 4;

export const chooseJoinDistribution: PlanRule = {
  name: 'choose-join-distribution',
  apply: (root, ctx) => {
    const mode = distributionType(ctx ?? {});
    const est = new Estimator(ctx ?? {});
    return transformUp(root, (node) => {
      if (node.kind === 'Join') return { ...node, distribution: choose(node, mode, est) };
      if (node.kind !== 'SemiJoin') return node;
      // EXISTS over a far larger build side: index the probe rows and stream the build side
      const indexProbe =
        !node.compare &&
        node.leftKeys.length > 0 &&
        est.rows(node.build) > INDEX_PROBE_RATIO * est.rows(node.input);
      return { ...node, distribution: choose(node, mode, est), ...(indexProbe ? { indexProbe } : {}) };
    });
  },
};

type Mode = 'AUTOMATIC' | 'BROADCAST' | 'PARTITIONED';

function distributionType(ctx: OptimizerContext): Mode {
  const raw = ctx.session?.properties['join_distribution_type'];
  if (raw === undefined) return 'AUTOMATIC';
  const v = raw.toUpperCase();
  if (v === 'AUTOMATIC' || v === 'BROADCAST' || v === 'PARTITIONED') return v;
  throw new QuarryError(
    'INVALID_SESSION_PROPERTY',
    `join_distribution_type must be AUTOMATIC, BROADCAST or PARTITIONED, not '${raw}'`,
  );
}

function choose(
  node: Extract<PlanNode, { kind: 'Join' | 'SemiJoin' }>,
  mode: Mode,
  est: Estimator,
): JoinDistribution {
  if (mode === 'BROADCAST') return 'broadcast';
  if (mode === 'PARTITIONED') return 'partitioned';
  const build = est.rows(node.build);
  const probe = est.rows(node.input);
  if (build > BROADCAST_MAX_ROWS) return 'partitioned';
  return build * BROADCAST_FANOUT <= probe + build ? 'broadcast' : 'partitioned';
}
