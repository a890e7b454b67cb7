/** PARTSUPP: four rows per part, one per supplier of the part; the driver row is the part. */
import { SUPPLIERS_PER_PART, partSupplierKey } from '../keys.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { TextStream } from '../text-pool.js';

const SEED = {
  quantity: 1671059989,
  cost: 1051288424,
  comment: 1961692154,
} as const;

export function generatePartSupp({ counts, start, count, wanted }: ChunkRequest): ChunkResult {
  const rows = count * SUPPLIERS_PER_PART;
  const out = new ChunkOutputs(TPCH_TABLES.partsupp.columns, wanted, rows);
  const part = out.f64('ps_partkey');
  const supplier = out.f64('ps_suppkey');
  const quantity = out.i32('ps_availqty');
  const cost = out.f64('ps_supplycost');
  const comment = out.str('ps_comment');

  const quantities = quantity ? new RandomStream(SEED.quantity, SUPPLIERS_PER_PART, start) : null;
  const costs = cost ? new RandomStream(SEED.cost, SUPPLIERS_PER_PART, start) : null;
  const comments = comment ? new TextStream(SEED.comment, 124, SUPPLIERS_PER_PART, start) : null;

  let row = 0;
  for (let p = 0; p < count; p++) {
    const partKey = start + p + 1;
    for (let n = 0; n < SUPPLIERS_PER_PART; n++, row++) {
      if (part) part[row] = partKey;
      if (supplier) supplier[row] = partSupplierKey(partKey, n, counts.suppliers);
      if (quantity && quantities) quantity[row] = quantities.int(1, 9999);
      if (cost && costs) cost[row] = costs.int(100, 100000);
      if (comment && comments) comment[row] = comments.next();
    }
    quantities?.endRow();
    costs?.endRow();
    comments?.endRow();
  }
  return { rowCount: rows, outputs: out };
}
