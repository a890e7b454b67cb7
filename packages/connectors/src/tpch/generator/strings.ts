/** The small generated strings shared by tables: padded names, phone numbers, random addresses. */
import { RandomStream } from './random.js';

/** `Tag#000000042`: dbgen's `%s%09d` names (wider numbers are not cut). */
export function taggedNumber(tag: string, n: number): string {
  return tag + String(n).padStart(9, '0');
}

/** Phone numbers `CC-AAA-EEE-NNNN`, country code 10 + nation key; three draws per row. */
export class PhoneStream {
  private readonly random: RandomStream;

  constructor(seed: number, firstRow: number) {
    this.random = new RandomStream(seed, 3, firstRow);
  }

  next(nationKey: number): string {
    const r = this.random;
    const area = r.int(100, 999);
    const exchange = r.int(100, 999);
    const number = r.int(1000, 9999);
    return `${10 + (nationKey % 90)}-${area}-${exchange}-${number}`;
  }

  endRow(): void {
    this.random.endRow();
  }
}

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,';

/**
 * dbgen's `V_STR` random strings (addresses): a length uniform in [0.4, 1.6] × the average, then one
 * draw per five characters, each character taken from six bits of the draw. Nine draws per row.
 */
export class AlphanumericStream {
  private readonly random: RandomStream;
  private readonly minLength: number;
  private readonly maxLength: number;

  constructor(seed: number, averageLength: number, firstRow: number) {
    this.random = new RandomStream(seed, 9, firstRow);
    this.minLength = Math.trunc(averageLength * 0.4);
    this.maxLength = Math.trunc(averageLength * 1.6);
  }

  next(): string {
    const length = this.random.int(this.minLength, this.maxLength);
    let text = '';
    let bits = 0;
    for (let i = 0; i < length; i++) {
      if (i % 5 === 0) bits = this.random.overflowedInt();
      text += ALPHANUMERIC[bits & 0x3f] as string;
      bits >>= 6;
    }
    return text;
  }

  endRow(): void {
    this.random.endRow();
  }
}
