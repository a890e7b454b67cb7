/**
 * A mergeable estimate of distinct non-null values, over the 32-bit value hashes of
 * `value-hash.ts`: lake table statistics keep one per file and column, and `approx_distinct` one per
 * group. It starts exact, keeping the distinct hashes themselves (in a table that grows as they
 * come), for as long as they take no more room than the registers would; beyond, it is a
 * HyperLogLog of 2^p registers (standard error about 1.04/√(2^p): 3.3 % at p = 10, 2.3 % at
 * p = 11), read with Ertl's improved raw estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017), which needs no bias tables and stays unbiased from a few hundred
 * values to billions. Merging is a union: the result is the sketch of both inputs' values together,
 * whichever modes they were in; both must have the same precision.
 *
 * Encoding (base64): one tag byte, then
 * - tag 1, exact: the distinct hashes, ascending, 4 bytes each, little endian (precision 10);
 * - tag 2, HyperLogLog of precision 10: 1024 registers of 5 bits, packed least significant bit
 *   first (640 bytes);
 * - tag 3, any precision: a precision byte, then the exact hashes as under tag 1;
 * - tag 4, any precision: a precision byte, then the registers as under tag 2.
 * Tags 1 and 2 are the form lake metadata has always held. A register holds the rank of its hash:
 * with the top p bits choosing the register, the position of the first 1 among the other 32 − p
 * bits, or 33 − p when they are all 0.
 */
export const DEFAULT_PRECISION = 10;
export const MIN_PRECISION = 4;
export const MAX_PRECISION = 16;
const REGISTER_BITS = 5;
const TAG_EXACT = 1;
const TAG_DENSE = 2;
const TAG_EXACT_P = 3;
const TAG_DENSE_P = 4;
/** Initial slots of the exact table; it doubles when 5/8 full. */
const FIRST_SLOTS = 8;

/** Distinct hashes kept exactly at precision `p`: as many as the packed registers' bytes hold. */
export function exactLimit(p = DEFAULT_PRECISION): number {
  return Math.floor(((1 << p) * REGISTER_BITS) / 8 / 4);
}

/** The precision whose standard error is at most `error` (1.04/√m ≤ error). */
export function precisionFor(error: number): number {
  const m = (1.04 / error) ** 2;
  return Math.min(MAX_PRECISION, Math.max(MIN_PRECISION, Math.ceil(Math.log2(m))));
}

export class DistinctSketch {
  /**
   * Exact mode: the hashes other than 0, by open addressing (0 where free), and whether 0 was seen.
   * Undefined in HyperLogLog mode.
   */
  private slots: Uint32Array | undefined = new Uint32Array(FIRST_SLOTS);
  private zero = false;
  /** Distinct hashes in exact mode, 0 included. */
  private size = 0;
  private registers: Uint8Array | undefined;

  constructor(readonly precision = DEFAULT_PRECISION) {
    if (!Number.isInteger(precision) || precision < MIN_PRECISION || precision > MAX_PRECISION) {
      throw new RangeError(`sketch precision ${precision} is outside [${MIN_PRECISION}, ${MAX_PRECISION}]`);
    }
  }

  /** Adds one value's hash (an unsigned 32-bit integer). */
  add(hash: number): void {
    const registers = this.registers;
    if (registers !== undefined) {
      setRegister(registers, this.precision, hash);
      return;
    }
    let slots = this.slots!;
    if (hash === 0) {
      if (this.zero) return;
      this.zero = true;
    } else {
      const mask = slots.length - 1;
      let i = hash & mask;
      for (let s = slots[i]!; s !== 0; s = slots[i]!) {
        if (s === hash) return;
        i = (i + 1) & mask;
      }
      slots[i] = hash;
    }
    if (++this.size > exactLimit(this.precision)) {
      this.toDense();
      return;
    }
    if (this.size * 8 > slots.length * 5) {
      const old = slots;
      slots = this.slots = new Uint32Array(old.length * 2);
      this.size = this.zero ? 1 : 0;
      for (const h of old) if (h !== 0) this.add(h);
    }
  }

  /** Makes this sketch the union of itself and `other` (of the same precision). */
  merge(other: DistinctSketch): void {
    if (other.precision !== this.precision) {
      throw new RangeError(`cannot merge sketches of precision ${other.precision} and ${this.precision}`);
    }
    if (other.registers === undefined) {
      for (const h of other.exactHashes()) this.add(h);
      return;
    }
    const registers = this.registers ?? this.toDense();
    const theirs = other.registers;
    for (let i = 0; i < registers.length; i++) if (theirs[i]! > registers[i]!) registers[i] = theirs[i]!;
  }

  /** Estimated distinct values: exact in exact mode. */
  estimate(): number {
    return this.registers === undefined ? this.size : estimateRegisters(this.registers, this.precision);
  }

  /** Bytes this sketch holds, for memory accounting. */
  bytes(): number {
    return this.registers?.byteLength ?? this.slots!.byteLength;
  }

  encode(): string {
    const legacy = this.precision === DEFAULT_PRECISION;
    const head = legacy ? 1 : 2;
    if (this.registers === undefined) {
      const hashes = this.exactHashes().sort();
      const bytes = Buffer.alloc(head + 4 * hashes.length);
      bytes[0] = legacy ? TAG_EXACT : TAG_EXACT_P;
      if (!legacy) bytes[1] = this.precision;
      hashes.forEach((h, i) => bytes.writeUInt32LE(h, head + 4 * i));
      return bytes.toString('base64');
    }
    const bytes = Buffer.alloc(head + (this.registers.length * REGISTER_BITS) / 8);
    bytes[0] = legacy ? TAG_DENSE : TAG_DENSE_P;
    if (!legacy) bytes[1] = this.precision;
    this.registers.forEach((r, i) => {
      const bit = 8 * head + i * REGISTER_BITS;
      // a register spans at most two bytes
      bytes[bit >> 3] = bytes[bit >> 3]! | ((r << (bit & 7)) & 0xff);
      if ((bit & 7) + REGISTER_BITS > 8) bytes[(bit >> 3) + 1] = r >> (8 - (bit & 7));
    });
    return bytes.toString('base64');
  }

  /** The sketch an {@link encode} made; undefined for anything else. */
  static decode(text: string): DistinctSketch | undefined {
    const bytes = Buffer.from(text, 'base64');
    const tag = bytes[0];
    const legacy = tag === TAG_EXACT || tag === TAG_DENSE;
    const p = legacy ? DEFAULT_PRECISION : bytes[1];
    if (p === undefined || p < MIN_PRECISION || p > MAX_PRECISION) return undefined;
    const head = legacy ? 1 : 2;
    const sketch = new DistinctSketch(p);
    const body = bytes.length - head;
    if (tag === TAG_EXACT || tag === TAG_EXACT_P) {
      if (body % 4 !== 0 || body / 4 > exactLimit(p)) return undefined;
      for (let at = head; at < bytes.length; at += 4) sketch.add(bytes.readUInt32LE(at));
      return sketch;
    }
    if ((tag === TAG_DENSE || tag === TAG_DENSE_P) && body === ((1 << p) * REGISTER_BITS) / 8) {
      const registers = sketch.toDense();
      for (let i = 0; i < registers.length; i++) {
        const bit = 8 * head + i * REGISTER_BITS;
        const pair = bytes[bit >> 3]! | ((bytes[(bit >> 3) + 1] ?? 0) << 8);
        const r = (pair >> (bit & 7)) & ((1 << REGISTER_BITS) - 1);
        if (r > 33 - p) return undefined;
        registers[i] = r;
      }
      return sketch;
    }
    return undefined;
  }

  /** The distinct hashes of exact mode. */
  private exactHashes(): Uint32Array {
    const nonZero = this.slots!.filter((h) => h !== 0);
    if (!this.zero) return nonZero;
    const all = new Uint32Array(nonZero.length + 1);
    all.set(nonZero, 1);
    return all;
  }

  private toDense(): Uint8Array {
    const registers = new Uint8Array(1 << this.precision);
    for (const h of this.exactHashes()) setRegister(registers, this.precision, h);
    this.registers = registers;
    this.slots = undefined;
    this.zero = false;
    this.size = 0;
    return registers;
  }
}

function setRegister(registers: Uint8Array, p: number, hash: number): void {
  const rest = hash << p;
  const rank = rest === 0 ? 33 - p : Math.clz32(rest) + 1;
  const i = hash >>> (32 - p);
  if (rank > registers[i]!) registers[i] = rank;
}

/**
 * Ertl's improved raw estimator: α∞·m² / (m·τ(1 − C[q+1]/m)·2^−q + Σ_{k=1..q} C[k]·2^−k +
 * m·σ(C[0]/m)), with q = 32 − p, C[k] the number of registers holding k and α∞ = 1/(2 ln 2).
 */
function estimateRegisters(registers: Uint8Array, p: number): number {
  const m = registers.length;
  const q = 32 - p;
  const counts = new Array<number>(q + 2).fill(0);
  for (const r of registers) counts[r]!++;
  if (counts[0] === m) return 0;
  let z = m * tau(1 - counts[q + 1]! / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + counts[k]!);
  z += m * sigma(counts[0]! / m);
  return (m * m) / (2 * Math.LN2 * z);
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
