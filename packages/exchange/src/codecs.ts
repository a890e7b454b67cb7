import { createRequire } from 'node:module';
import { QuarryError } from '@quarry/common';
import type { CompressionCodec } from './config.js';

/**
 * Page compression: LZ4 (the raw block format; the plain size is the frame's) with the `lz4`
 * package's binding of the reference C library, and ZSTD (level 3) with `zstd-napi`. Both are
 * native modules, loaded on first use so that a process that never compresses never loads them.
 * Both work into buffers whose memory V8 accounts for — `lz4-napi` was tried first and left
 * hundreds of MB of native memory behind per GB compressed.
 */
export const CODEC_IDS: Readonly<Record<CompressionCodec, number>> = { NONE: 0, LZ4: 1, ZSTD: 2 };

export function codecFromId(id: number): CompressionCodec | undefined {
  return (Object.keys(CODEC_IDS) as CompressionCodec[]).find((c) => CODEC_IDS[c] === id);
}

interface Lz4 {
  encodeBound(size: number): number;
  /** Bytes written to `output`, 0 when it is too small. */
  encodeBlock(input: Uint8Array, output: Uint8Array): number;
  /** Bytes written to `output`, negative when `input` is not a valid block or `output` too small. */
  decodeBlock(input: Uint8Array, output: Uint8Array): number;
}
interface Zstd {
  compress(data: Uint8Array): Buffer;
  decompress(data: Uint8Array): Buffer;
}

const require = createRequire(import.meta.url);
let lz4: Lz4 | undefined;
let zstd: Zstd | undefined;

function load<T>(name: string): T {
  try {
    return require(name) as T;
  } catch (e) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `Cannot load ${name} for exchange compression: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

export function compress(codec: CompressionCodec, page: Uint8Array): Uint8Array {
  switch (codec) {
    case 'NONE':
      return page;
    case 'LZ4': {
      lz4 ??= load<Lz4>('lz4');
      const out = Buffer.allocUnsafe(lz4.encodeBound(page.byteLength));
      return out.subarray(0, lz4.encodeBlock(page, out));
    }
    case 'ZSTD':
      return (zstd ??= load<Zstd>('zstd-napi')).compress(page);
  }
}

/** Throws on bad input (the caller names the file); allocates no more than `plainLength`. */
export function decompress(codec: CompressionCodec, stored: Uint8Array, plainLength: number): Uint8Array {
  switch (codec) {
    case 'NONE':
      return stored;
    case 'LZ4': {
      lz4 ??= load<Lz4>('lz4');
      const out = Buffer.allocUnsafe(plainLength);
      const n = lz4.decodeBlock(stored, out);
      if (n !== plainLength)
        throw new Error(n < 0 ? `invalid block at byte ${-n - 1}` : `block holds ${n} bytes`);
      return out;
    }
    case 'ZSTD':
      return (zstd ??= load<Zstd>('zstd-napi')).decompress(stored);
  }
}
