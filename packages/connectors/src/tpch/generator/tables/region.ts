/** REGION: the 5 regions of dists.dss in file order. */
import { DISTS } from '../distribution.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { TPCH_TABLES } from '../schema.js';
import { TextStream } from '../text-pool.js';

const COMMENT_SEED = 1500869201;
const COMMENT_AVERAGE = 72;

export function generateRegion({ start, count, wanted }: ChunkRequest): ChunkResult {
  const out = new ChunkOutputs(TPCH_TABLES.region.columns, wanted, count);
  const key = out.i32('r_regionkey');
  const name = out.str('r_name');
  const comment = out.str('r_comment');
  const comments = comment ? new TextStream(COMMENT_SEED, COMMENT_AVERAGE, 1, start) : null;
  for (let row = 0; row < count; row++) {
    const index = start + row;
    if (key) key[row] = index;
    if (name) name[row] = DISTS.regions.value(index);
    if (comment && comments) {
      comment[row] = comments.next();
      comments.endRow();
    }
  }
  return { rowCount: count, outputs: out };
}
