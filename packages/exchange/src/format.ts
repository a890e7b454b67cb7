import { crc32 } from 'node:zlib';
import { QuarryError } from '@quarry/common';
import { ByteQueue } from './byte-queue.js';
import { CODEC_IDS, codecFromId, compress, decompress } from './codecs.js';
import type { CompressionCodec } from './config.js';
import { checkKey, KEY_CHECK_BYTES, keyCheckValue, open, seal } from './encryption.js';

/**
 * The exchange file format, version 2 (little-endian):
 *
 *   file   := header frame*
 *   header := "QXF" | u8 version=2 | u8 codec | u8 flags | u16 reserved=0 | u8[8] keyCheck
 *             codec: 0 NONE, 1 LZ4 (raw block format), 2 ZSTD (one zstd frame); the same for every
 *             frame of the file
 *             flags: bit 0 encrypted
 *             keyCheck: encrypted: the first 8 bytes of HMAC-SHA256(key, "quarry exchange key check");
 *                       else zeros
 *   frame  := u32 storedLength | u32 crc32(stored) | u32 plainLength | stored
 *   stored := compress(page)                                   not encrypted
 *           | iv[12] | AES-256-GCM(compress(page)) | tag[16]   encrypted; a random iv per frame,
 *             additional authenticated data = u32 frameIndex | u32 plainLength | u8 codec
 *
 * A frame holds one page: compressed, then encrypted. The checksum covers the bytes as stored, so
 * corruption is caught before any decoding; the authenticated data ties a frame to its position and
 * size, and the reader checks the page count and size the writer reported (`ExchangeFile`), so frames
 * cannot be dropped, reordered or swapped unnoticed. Any mismatch is `EXCHANGE_CORRUPTED` (EXTERNAL)
 * naming the file: the reading task fails and is retried; if the file is corrupt at rest, the
 * coordinator recomputes it by running the producer task again (see ARCHITECTURE §4).
 *
 * The key never reaches storage. Reading an encrypted file without a key is INVALID_CONFIGURATION
 * (coordinator and workers disagree about encryption); with another key, or a plain file where a
 * key was given, EXCHANGE_CORRUPTED. Version 1 files (8-byte header, no codec, no encryption) are
 * still read.
 */
export const FILE_MAGIC = Buffer.from('QXF', 'ascii');
export const FILE_FORMAT_VERSION = 2;
export const HEADER_BYTES = 16;
const V1_HEADER_BYTES = 8;
export const FRAME_HEADER_BYTES = 12;
const FLAG_ENCRYPTED = 1;

/** How a sink encodes its files. */
export interface FileEncoding {
  readonly codec: CompressionCodec;
  /** The query's AES-256 key; absent: not encrypted. */
  readonly key?: Uint8Array | undefined;
}

/** What a reader knows about a file besides its bytes. */
export interface FileExpectation {
  readonly key?: Uint8Array | undefined;
  /** Pages and bytes the writer reported; checked at the end of the file when given. */
  readonly pages?: number;
  readonly bytes?: number;
}

interface Header {
  readonly version: number;
  readonly bytes: number;
  readonly codec: CompressionCodec;
  readonly encrypted: boolean;
}

export function fileHeader(encoding: FileEncoding = { codec: 'NONE' }): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  FILE_MAGIC.copy(h, 0);
  h.writeUInt8(FILE_FORMAT_VERSION, 3);
  h.writeUInt8(CODEC_IDS[encoding.codec], 4);
  if (encoding.key) {
    checkKey(encoding.key);
    h.writeUInt8(FLAG_ENCRYPTED, 5);
    keyCheckValue(encoding.key).copy(h, 8);
  }
  return h;
}

/** One page as a frame: header and stored bytes, as a list of buffers to write in order. */
export function encodeFrame(page: Uint8Array, index: number, encoding: FileEncoding): Buffer[] {
  const compressed = compress(encoding.codec, page);
  const stored = encoding.key
    ? seal(encoding.key, compressed, frameAad(index, page.byteLength, encoding.codec))
    : [Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength)];
  let length = 0;
  let sum = 0;
  for (const part of stored) {
    length += part.length;
    sum = crc32(part, sum);
  }
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  head.writeUInt32LE(length, 0);
  head.writeUInt32LE(sum, 4);
  head.writeUInt32LE(page.byteLength, 8);
  return [head, ...stored];
}

function frameAad(index: number, plainLength: number, codec: CompressionCodec): Buffer {
  const aad = Buffer.alloc(9);
  aad.writeUInt32LE(index >>> 0, 0);
  aad.writeUInt32LE(plainLength, 4);
  aad.writeUInt8(CODEC_IDS[codec], 8);
  return aad;
}

/** Splits a stream of file chunks into verified, decrypted, decompressed pages. */
export async function* readFrames(
  uri: string,
  chunks: AsyncIterable<Uint8Array>,
  expect: FileExpectation = {},
): AsyncGenerator<Uint8Array> {
  const q = new ByteQueue();
  let header: Header | undefined;
  let frame: { stored: number; sum: number; plain: number } | undefined;
  let received = 0;
  let index = 0;
  for await (const chunk of chunks) {
    q.push(chunk);
    received += chunk.byteLength;
    if (!header) {
      header = readHeader(uri, q, expect.key);
      if (!header) continue;
    }
    for (;;) {
      if (!frame) {
        if (q.length < FRAME_HEADER_BYTES) break;
        const h = q.take(FRAME_HEADER_BYTES);
        frame = { stored: h.readUInt32LE(0), sum: h.readUInt32LE(4), plain: h.readUInt32LE(8) };
        const end = received - q.length + frame.stored;
        if (expect.bytes !== undefined && end > expect.bytes) {
          throw corrupt(uri, `frame ${index} claims ${frame.stored} bytes, past the end of the file`);
        }
      }
      if (q.length < frame.stored) break;
      const stored = q.take(frame.stored);
      if (crc32(stored) !== frame.sum) throw corrupt(uri, `checksum mismatch in frame ${index}`);
      yield decodeFrame({ uri, header, key: expect.key }, { index, stored, plainLength: frame.plain });
      frame = undefined;
      index++;
    }
  }
  if (!header) throw corrupt(uri, 'file is shorter than its header');
  if (frame || q.length > 0) {
    throw corrupt(
      uri,
      `file ends inside a frame (${q.length + (frame ? FRAME_HEADER_BYTES : 0)} stray bytes)`,
    );
  }
  if (expect.pages !== undefined && index !== expect.pages) {
    throw corrupt(uri, `file holds ${index} pages, but ${expect.pages} were written`);
  }
  if (expect.bytes !== undefined && received !== expect.bytes) {
    throw corrupt(uri, `file has ${received} bytes, but ${expect.bytes} were written`);
  }
}

/** The header once enough bytes have arrived (and taken off the queue), else undefined. */
function readHeader(uri: string, q: ByteQueue, key: Uint8Array | undefined): Header | undefined {
  if (q.length < 4) return undefined;
  const start = q.peek(4);
  if (!start.subarray(0, 3).equals(FILE_MAGIC)) throw corrupt(uri, 'not an exchange file');
  const version = start.readUInt8(3);
  if (version !== 1 && version !== FILE_FORMAT_VERSION) {
    throw corrupt(uri, `unsupported exchange file version ${version}`);
  }
  const bytes = version === 1 ? V1_HEADER_BYTES : HEADER_BYTES;
  if (q.length < bytes) return undefined;
  const h = q.take(bytes);
  const codec = codecFromId(h.readUInt8(4));
  if (codec === undefined) throw corrupt(uri, `unknown compression codec ${h.readUInt8(4)}`);
  const encrypted = (h.readUInt8(5) & FLAG_ENCRYPTED) !== 0;
  if (version === 1 && (codec !== 'NONE' || encrypted))
    throw corrupt(uri, 'version 1 has no codec or encryption');
  if (encrypted && !key) {
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `Exchange file ${uri} is encrypted and no key was given: coordinator and workers disagree on fault-tolerant-execution.exchange-encryption-enabled`,
    );
  }
  if (encrypted && key && !keyCheckValue(key).equals(h.subarray(8, 8 + KEY_CHECK_BYTES))) {
    throw corrupt(uri, 'file was encrypted with a different key');
  }
  if (!encrypted && key) throw corrupt(uri, 'file is not encrypted, but encrypted files were expected');
  return { version, bytes, codec, encrypted };
}

/** The file a frame is read from: its name (for errors), its header and the key it was sealed with. */
interface FrameSource {
  readonly uri: string;
  readonly header: Header;
  readonly key: Uint8Array | undefined;
}

/** A frame as stored (checksum verified): its ordinal in the file, its bytes, its length once decoded. */
interface StoredFrame {
  readonly index: number;
  readonly stored: Buffer;
  readonly plainLength: number;
}

function decodeFrame(
  { uri, header, key }: FrameSource,
  { index, stored, plainLength }: StoredFrame,
): Uint8Array {
  let body: Uint8Array = stored;
  if (header.encrypted) {
    const opened = open(key!, stored, frameAad(index, plainLength, header.codec));
    if (!opened)
      throw corrupt(uri, `frame ${index} does not authenticate (altered bytes, or a different key)`);
    body = opened;
  }
  let page: Uint8Array;
  try {
    page = decompress(header.codec, body, plainLength);
  } catch (e) {
    throw corrupt(uri, `frame ${index} does not decompress as ${header.codec}: ${(e as Error).message}`);
  }
  if (page.byteLength !== plainLength) {
    throw corrupt(uri, `frame ${index} decodes to ${page.byteLength} bytes, not ${plainLength}`);
  }
  return page;
}

function corrupt(uri: string, why: string): QuarryError {
  return new QuarryError('EXCHANGE_CORRUPTED', `Corrupt exchange file ${uri}: ${why}`);
}
