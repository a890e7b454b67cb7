/**
 * SUPPLIER: one row per supplier key 1..suppliers. About 1 in 1000 comments carries a
 * "Customer … Complaints" or "Customer … Recommends" phrase written over the text (TPC-H Q16 looks for
 * these); its four draws come from four streams of their own, used whether or not the phrase is written.
 */
import { DISTS } from '../distribution.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { AlphanumericStream, PhoneStream, taggedNumber } from '../strings.js';
import { TextStream } from '../text-pool.js';

const SEED = {
  address: 706178559,
  nation: 110356601,
  phone: 884434366,
  balance: 962338209,
  comment: 1341315363,
  pressChance: 202794285,
  pressGap: 263032577,
  pressOffset: 715851524,
  pressKind: 753643799,
} as const;

const PRESS_BASE = 'Customer ';
const PRESS_COMPLAINT = 'Complaints';
const PRESS_RECOMMEND = 'Recommends';
const PRESS_LENGTH = PRESS_BASE.length + PRESS_COMPLAINT.length;

class CommentStream {
  private readonly text: TextStream;
  private readonly chance: RandomStream;
  private readonly gap: RandomStream;
  private readonly offset: RandomStream;
  private readonly kind: RandomStream;

  constructor(firstRow: number) {
    this.text = new TextStream(SEED.comment, 63, 1, firstRow);
    this.chance = new RandomStream(SEED.pressChance, 1, firstRow);
    this.gap = new RandomStream(SEED.pressGap, 1, firstRow);
    this.offset = new RandomStream(SEED.pressOffset, 1, firstRow);
    this.kind = new RandomStream(SEED.pressKind, 1, firstRow);
  }

  next(): string {
    const text = this.text.next();
    const chance = this.chance.int(1, 10000);
    const kind = this.kind.int(0, 100);
    const gap = this.gap.int(0, text.length - PRESS_LENGTH);
    const offset = this.offset.int(0, text.length - (PRESS_LENGTH + gap));
    if (chance > 10) return text;
    const verdict = kind < 50 ? PRESS_COMPLAINT : PRESS_RECOMMEND;
    const verdictAt = offset + PRESS_BASE.length + gap;
    return (
      text.slice(0, offset) +
      PRESS_BASE +
      text.slice(offset + PRESS_BASE.length, verdictAt) +
      verdict +
      text.slice(verdictAt + verdict.length)
    );
  }

  endRow(): void {
    this.text.endRow();
    this.chance.endRow();
    this.gap.endRow();
    this.offset.endRow();
    this.kind.endRow();
  }
}

export function generateSupplier({ start, count, wanted }: ChunkRequest): ChunkResult {
  const out = new ChunkOutputs(TPCH_TABLES.supplier.columns, wanted, count);
  const key = out.f64('s_suppkey');
  const name = out.str('s_name');
  const address = out.str('s_address');
  const nation = out.i32('s_nationkey');
  const phone = out.str('s_phone');
  const balance = out.f64('s_acctbal');
  const comment = out.str('s_comment');

  const addresses = address ? new AlphanumericStream(SEED.address, 25, start) : null;
  const nations = nation || phone ? new RandomStream(SEED.nation, 1, start) : null;
  const phones = phone ? new PhoneStream(SEED.phone, start) : null;
  const balances = balance ? new RandomStream(SEED.balance, 1, start) : null;
  const comments = comment ? new CommentStream(start) : null;
  const nationCount = DISTS.nations.size;

  for (let row = 0; row < count; row++) {
    const supplierKey = start + row + 1;
    if (key) key[row] = supplierKey;
    if (name) name[row] = taggedNumber('Supplier#', supplierKey);
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
    if (comment && comments) {
      comment[row] = comments.next();
      comments.endRow();
    }
  }
  return { rowCount: count, outputs: out };
}
