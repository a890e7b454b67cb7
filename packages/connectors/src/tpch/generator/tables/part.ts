/** PART: one row per part key 1..parts. */
import { DISTS } from '../distribution.js';
import { retailPriceCents } from '../keys.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { TextStream } from '../text-pool.js';

const SEED = {
  name: 709314158,
  manufacturer: 1,
  brand: 46831694,
  type: 1841581359,
  size: 1193163244,
  container: 727633698,
  comment: 804159733,
} as const;

const NAME_WORDS = 5;
/** `Manufacturer#m` for m in 1..5, indexed by m. */
const MANUFACTURERS = Array.from({ length: 6 }, (_, m) => `Manufacturer#${m}`);
/** `Brand#mb` for manufacturer m and brand b in 1..5, indexed by 10m + b. */
const BRANDS = Array.from({ length: 56 }, (_, mb) => `Brand#${mb}`);

/**
 * Part names: five distinct colors. dbgen shuffles the whole 92-color list per row (92 draws budgeted)
 * and takes the first five; only the first five swaps can touch those positions, so five draws suffice.
 */
class NameStream {
  private readonly random: RandomStream;
  private readonly order: Int32Array;

  constructor(firstRow: number) {
    this.order = new Int32Array(DISTS.colors.size);
    this.random = new RandomStream(SEED.name, DISTS.colors.size, firstRow);
  }

  next(): string {
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    let name = '';
    for (let i = 0; i < NAME_WORDS; i++) {
      const j = this.random.int(i, order.length - 1);
      const picked = order[j] as number;
      order[j] = order[i] as number;
      order[i] = picked;
      name += i === 0 ? DISTS.colors.value(picked) : ' ' + DISTS.colors.value(picked);
    }
    return name;
  }

  endRow(): void {
    this.random.endRow();
  }
}

export function generatePart({ start, count, wanted }: ChunkRequest): ChunkResult {
  const out = new ChunkOutputs(TPCH_TABLES.part.columns, wanted, count);
  const key = out.f64('p_partkey');
  const name = out.str('p_name');
  const manufacturer = out.str('p_mfgr');
  const brand = out.str('p_brand');
  const type = out.str('p_type');
  const size = out.i32('p_size');
  const container = out.str('p_container');
  const price = out.f64('p_retailprice');
  const comment = out.str('p_comment');

  const names = name ? new NameStream(start) : null;
  const manufacturers = manufacturer || brand ? new RandomStream(SEED.manufacturer, 1, start) : null;
  const brands = brand ? new RandomStream(SEED.brand, 1, start) : null;
  const types = type ? new RandomStream(SEED.type, 1, start) : null;
  const sizes = size ? new RandomStream(SEED.size, 1, start) : null;
  const containers = container ? new RandomStream(SEED.container, 1, start) : null;
  const comments = comment ? new TextStream(SEED.comment, 14, 1, start) : null;

  for (let row = 0; row < count; row++) {
    const partKey = start + row + 1;
    if (key) key[row] = partKey;
    if (name && names) {
      name[row] = names.next();
      names.endRow();
    }
    if (manufacturers) {
      const m = manufacturers.int(1, 5);
      manufacturers.endRow();
      if (manufacturer) manufacturer[row] = MANUFACTURERS[m] as string;
      if (brand && brands) {
        brand[row] = BRANDS[m * 10 + brands.int(1, 5)] as string;
        brands.endRow();
      }
    }
    if (type && types) {
      type[row] = DISTS.partTypes.pick(types);
      types.endRow();
    }
    if (size && sizes) {
      size[row] = sizes.int(1, 50);
      sizes.endRow();
    }
    if (container && containers) {
      container[row] = DISTS.containers.pick(containers);
      containers.endRow();
    }
    if (price) price[row] = retailPriceCents(partKey);
    if (comment && comments) {
      comment[row] = comments.next();
      comments.endRow();
    }
  }
  return { rowCount: count, outputs: out };
}
