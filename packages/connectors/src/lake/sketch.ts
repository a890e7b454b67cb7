/**
 * A mergeable estimate of a column's distinct non-null values, over the 32-bit value hashes of
 * `value-hash.ts`. Up to {@link EXACT_LIMIT} distinct hashes it keeps the hashes themselves and
 * counts them exactly; beyond, a HyperLogLog of 2^10 registers (standard error about 1.04/√1024 ≈
 * 3.3 %) over the same hashes, read with Ertl's improved raw estimator ("New cardinality estimation
 * algorithms for HyperLogLog sketches", 2017), which needs no bias tables and stays unbiased from
 * a few hundred values to billions. Merging is a union: the result is the sketch of both inputs'
 * values together, whichever modes they were in.
 *
 * Encoding (base64): one tag byte, then
 * - tag 1, exact: the distinct hashes, ascending, 4 bytes each, little endian;
 * - tag 2, HyperLogLog: 1024 registers of 5 bits, packed least significant bit first (640 bytes).
 * The exact list is kept while it is no larger than the registers. A register holds the rank of
 * its hash: with the top 10 bits choosing the register, the position of the first 1 among the
 * other 22 bits (1–22), or 23 when they are all 0.
 */
const P = 10;
const M = 1 << P;
/** Bits of a hash left for the rank. */
const Q = 32 - P;
const REGISTER_BITS = 5;
const DENSE_BYTES = (M * REGISTER_BITS) / 8;
export const EXACT_LIMIT = DENSE_BYTES / 4;
const TAG_EXACT = 1;
const TAG_DENSE = 2;
/** Open addressing for the exact hashes: a power of two, at most ~63 % full. */
const SLOTS = 256;
const EMPTY = -1;

export class DistinctSketch {
  /** Exact mode: the hashes, by open addressing (EMPTY where free). Undefined in HyperLogLog mode. */
  private slots: Float64Array | undefined = new Float64Array(SLOTS).fill(EMPTY);
  private size = 0;
  private registers: Uint8Array | undefined;

  /** Adds one value's hash (an unsigned 32-bit integer). */
  add(hash: number): void {
    const registers = this.registers;
    if (registers !== undefined) {
      setRegister(registers, hash);
      return;
    }
    const slots = this.slots!;
    let i = hash & (SLOTS - 1);
    for (let s = slots[i]!; s !== EMPTY; s = slots[i]!) {
      if (s === hash) return;
      i = (i + 1) & (SLOTS - 1);
    }
    slots[i] = hash;
    if (++this.size > EXACT_LIMIT) this.toDense();
  }

  /** Makes this sketch the union of itself and `other`. */
  merge(other: DistinctSketch): void {
    if (other.registers === undefined) {
      for (const h of other.slots!) if (h !== EMPTY) this.add(h);
      return;
    }
    const registers = this.registers ?? this.toDense();
    const theirs = other.registers;
    for (let i = 0; i < M; i++) if (theirs[i]! > registers[i]!) registers[i] = theirs[i]!;
  }

  /** Estimated distinct values: exact in exact mode. */
  estimate(): number {
    return this.registers === undefined ? this.size : estimateRegisters(this.registers);
  }

  encode(): string {
    if (this.registers === undefined) {
      const hashes = this.slots!.filter((h) => h !== EMPTY).sort();
      const bytes = Buffer.alloc(1 + 4 * hashes.length);
      bytes[0] = TAG_EXACT;
      hashes.forEach((h, i) => bytes.writeUInt32LE(h, 1 + 4 * i));
      return bytes.toString('base64');
    }
    const bytes = Buffer.alloc(1 + DENSE_BYTES);
    bytes[0] = TAG_DENSE;
    this.registers.forEach((r, i) => {
      const bit = 8 + i * REGISTER_BITS;
      // a register spans at most two bytes
      bytes[bit >> 3] = bytes[bit >> 3]! | ((r << (bit & 7)) & 0xff);
      if ((bit & 7) + REGISTER_BITS > 8) bytes[(bit >> 3) + 1] = r >> (8 - (bit & 7));
    });
    return bytes.toString('base64');
  }

  /** The sketch an {@link encode} made; undefined for anything else (a sketch is only a hint). */
  static decode(text: string): DistinctSketch | undefined {
    const bytes = Buffer.from(text, 'base64');
    const sketch = new DistinctSketch();
    if (bytes[0] === TAG_EXACT && (bytes.length - 1) % 4 === 0 && bytes.length - 1 <= 4 * EXACT_LIMIT) {
      for (let at = 1; at < bytes.length; at += 4) sketch.add(bytes.readUInt32LE(at));
      return sketch;
    }
    if (bytes[0] === TAG_DENSE && bytes.length === 1 + DENSE_BYTES) {
      const registers = sketch.toDense();
      for (let i = 0; i < M; i++) {
        const bit = 8 + i * REGISTER_BITS;
        const pair = bytes[bit >> 3]! | ((bytes[(bit >> 3) + 1] ?? 0) << 8);
        const r = (pair >> (bit & 7)) & ((1 << REGISTER_BITS) - 1);
        if (r > Q + 1) return undefined;
        registers[i] = r;
      }
      return sketch;
    }
    return undefined;
  }

  private toDense(): Uint8Array {
    const registers = new Uint8Array(M);
    for (const h of this.slots!) if (h !== EMPTY) setRegister(registers, h);
    this.registers = registers;
    this.slots = undefined;
    this.size = 0;
    return registers;
  }
}

function setRegister(registers: Uint8Array, hash: number): void {
  const rest = hash << P;
  const rank = rest === 0 ? Q + 1 : Math.clz32(rest) + 1;
  const i = hash >>> Q;
  if (rank > registers[i]!) registers[i] = rank;
}

/**
 * Ertl's improved raw estimator: α∞·m² / (m·τ(1 − C[q+1]/m)·2^−q + Σ_{k=1..q} C[k]·2^−k +
 * m·σ(C[0]/m)), with C[k] the number of registers holding k and α∞ = 1/(2 ln 2).
 */
function estimateRegisters(registers: Uint8Array): number {
  const counts = new Array<number>(Q + 2).fill(0);
  for (const r of registers) counts[r]!++;
  if (counts[0] === M) return 0;
  let z = M * tau(1 - counts[Q + 1]! / M);
  for (let k = Q; k >= 1; k--) z = 0.5 * (z + counts[k]!);
  z += M * sigma(counts[0]! / M);
  return (M * M) / (2 * Math.LN2 * z);
}

/** σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const before = z;
    z += x * y;
    y += y;
    if (z === before) return z;
  }
}

/** τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const before = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === before) return z / 3;
  }
}
