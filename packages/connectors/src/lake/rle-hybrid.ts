/**
 * Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indexes): runs of one
 * repeated value and groups of 8 bit-packed values, `width` bits each, least significant bit first.
 * Decodes `out.length` values from `bytes[from, end)` into `out`; throws when the runs end early or
 * the width is beyond 24 bits (no dictionary of this reader's files needs more).
 */
export function decodeHybrid(
  source: { readonly bytes: Uint8Array; readonly from: number; readonly end: number },
  width: number,
  out: Int32Array | Uint8Array,
): void {
  const { bytes, from, end } = source;
  if (width > 24) throw new Error(`parquet: bit width ${width} not supported here`);
  const count = out.length;
  const runBytes = (width + 7) >> 3;
  let at = from;
  let seen = 0;
  while (seen < count) {
    if (at >= end) throw new Error('parquet: RLE runs end before their values');
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++]!;
      header += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 35) throw new Error('parquet: RLE run header too long');
    }
    if (header % 2 === 0) {
      const n = header / 2;
      let value = 0;
      for (let i = 0; i < runBytes; i++) value |= bytes[at++]! << (8 * i);
      const stop = Math.min(count, seen + n);
      out.fill(value, seen, stop);
      seen = stop;
    } else {
      const groups = (header - 1) / 2;
      seen = unpack({ bytes, at, width, n: groups * 8 }, out, seen);
      at += groups * width;
    }
  }
}

/** `n` bit-packed values of `width` bits from `bytes[at]` into `out[seen…]` (values past its end dropped). */
function unpack(
  packed: { readonly bytes: Uint8Array; at: number; readonly width: number; readonly n: number },
  out: Int32Array | Uint8Array,
  seen: number,
): number {
  const { bytes, width, n } = packed;
  let at = packed.at;
  const mask = (1 << width) - 1;
  const stop = Math.min(out.length, seen + n);
  if (width === 0) {
    out.fill(0, seen, stop);
    return stop;
  }
  const last = Math.min(bytes.length, at + Math.ceil((n * width) / 8));
  let buffer = 0;
  let bits = 0;
  let i = seen;
  while (i < stop) {
    while (bits < width) {
      buffer |= (at < last ? bytes[at]! : 0) << bits;
      at++;
      bits += 8;
    }
    out[i++] = buffer & mask;
    buffer >>>= width;
    bits -= width;
  }
  return stop;
}
