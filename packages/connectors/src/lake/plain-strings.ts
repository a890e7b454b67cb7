const utf8 = new TextDecoder();

/**
 * `count` PLAIN BYTE_ARRAY values (each a 4-byte little-endian length, then its bytes) from the
 * start of `region`, as strings. A value of ASCII bytes only (the usual case) is read by Node's
 * latin1 slice, which maps each byte to one character and makes no view object per value; another
 * is decoded as UTF-8 (malformed sequences become U+FFFD, as TextDecoder does).
 */
export function plainStrings(region: Uint8Array, count: number): string[] {
  const out = new Array<string>(count);
  const buffer = Buffer.from(region.buffer, region.byteOffset, region.byteLength);
  const size = region.length;
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > size) throw new Error('parquet: page holds fewer strings than its header says');
    const length =
      (region[at]! | (region[at + 1]! << 8) | (region[at + 2]! << 16) | (region[at + 3]! << 24)) >>> 0;
    const start = at + 4;
    const end = start + length;
    if (end > size) throw new Error('parquet: a string runs past its page');
    let ascii = true;
    for (let k = start; k < end; k++) {
      if (region[k]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    out[i] = ascii ? buffer.toString('latin1', start, end) : utf8.decode(region.subarray(start, end));
    at = end;
  }
  return out;
}
