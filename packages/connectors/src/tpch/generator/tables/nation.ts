/** NATION: the 25 nations of dists.dss in file order; the region key is the list's running weight. */
import { DISTS } from '../distribution.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { TPCH_TABLES } from '../schema.js';
import { TextStream } from '../text-pool.js';

const COMMENT_SEED = 606179079;
const COMMENT_AVERAGE = 72;

export function generateNation({ start, count, wanted }: ChunkRequest): ChunkResult {
  const out = new ChunkOutputs(TPCH_TABLES.nation.columns, wanted, count);
  const key = out.i32('n_nationkey');
  const name = out.str('n_name');
  const region = out.i32('n_regionkey');
  const comment = out.str('n_comment');
  const comments = comment ? new TextStream(COMMENT_SEED, COMMENT_AVERAGE, 1, start) : null;
  const nations = DISTS.nations;
  for (let row = 0; row < count; row++) {
    const index = start + row;
    if (key) key[row] = index;
    if (name) name[row] = nations.value(index);
    if (region) region[row] = nations.cumulativeWeights[index] as number;
    if (comment && comments) {
      comment[row] = comments.next();
      comments.endRow();
    }
  }
  return { rowCount: count, outputs: out };
}
