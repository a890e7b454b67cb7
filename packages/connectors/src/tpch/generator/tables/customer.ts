/** CUSTOMER: one row per customer key 1..customers. */
import { DISTS } from '../distribution.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { AlphanumericStream, PhoneStream, taggedNumber } from '../strings.js';
import { TextStream } from '../text-pool.js';

const SEED = {
  address: 881155353,
  nation: 1489529863,
  phone: 1521138112,
  balance: 298370230,
  segment: 1140279430,
  comment: 1335826707,
} as const;

export function generateCustomer({ start, count, wanted }: ChunkRequest): ChunkResult {
  const out = new ChunkOutputs(TPCH_TABLES.customer.columns, wanted, count);
  const key = out.f64('c_custkey');
  const name = out.str('c_name');
  const address = out.str('c_address');
  const nation = out.i32('c_nationkey');
  const phone = out.str('c_phone');
  const balance = out.f64('c_acctbal');
  const segment = out.str('c_mktsegment');
  const comment = out.str('c_comment');

  const addresses = address ? new AlphanumericStream(SEED.address, 25, start) : null;
  const nations = nation || phone ? new RandomStream(SEED.nation, 1, start) : null;
  const phones = phone ? new PhoneStream(SEED.phone, start) : null;
  const balances = balance ? new RandomStream(SEED.balance, 1, start) : null;
  const segments = segment ? new RandomStream(SEED.segment, 1, start) : null;
  const comments = comment ? new TextStream(SEED.comment, 73, 1, start) : null;
  const nationCount = DISTS.nations.size;

  for (let row = 0; row < count; row++) {
    const customerKey = start + row + 1;
    if (key) key[row] = customerKey;
    if (name) name[row] = taggedNumber('Customer#', customerKey);
    if (address && addresses) {
      address[row] = addresses.next();
      addresses.endRow();
    }
    if (nations) {
      const nationKey = nations.int(0, nationCount - 1);
      nations.endRow();
      if (nation) nation[row] = nationKey;
      if (phone && phones) {
        phone[row] = phones.next(nationKey);
        phones.endRow();
      }
    }
    if (balance && balances) {
      balance[row] = balances.int(-99999, 999999);
      balances.endRow();
    }
    if (segment && segments) {
      segment[row] = DISTS.marketSegments.pick(segments);
      segments.endRow();
    }
    if (comment && comments) {
      comment[row] = comments.next();
      comments.endRow();
    }
  }
  return { rowCount: count, outputs: out };
}
