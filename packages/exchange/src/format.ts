import { crc32 } from 'node:zlib';
import { QuarryError } from '@quarry/common';

/**
 * The exchange file format, version 1 (little-endian):
 *
 *   file   := header frame*
 *   header := "QXF" u8 version=1 | u8 codec (0 none) | u8 flags (bit 0 encrypted) | u16 reserved
 *   frame  := u32 storedLength | u32 crc32(stored bytes) | u32 plainLength | stored bytes
 *
 * A frame holds one page. The checksum covers the bytes as stored, so corruption is caught before any
 * decoding; a mismatch is an EXTERNAL error naming the file, which fails the reading task (retryable).
 */
export const FILE_MAGIC = Buffer.from('QXF', 'ascii');
export const FILE_FORMAT_VERSION = 1;
export const HEADER_BYTES = 8;
export const FRAME_HEADER_BYTES = 12;

export function fileHeader(): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  FILE_MAGIC.copy(h, 0);
  h.writeUInt8(FILE_FORMAT_VERSION, 3);
  return h;
}

export function frame(page: Uint8Array): Buffer[] {
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  head.writeUInt32LE(page.byteLength, 0);
  head.writeUInt32LE(crc32(page), 4);
  head.writeUInt32LE(page.byteLength, 8);
  return [head, Buffer.from(page.buffer, page.byteOffset, page.byteLength)];
}

/** Splits a stream of file chunks into verified page payloads. */
export async function* readFrames(
  uri: string,
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let buf: Buffer = Buffer.alloc(0);
  let headerSeen = false;
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    if (!headerSeen) {
      if (buf.length < HEADER_BYTES) continue;
      checkHeader(uri, buf);
      headerSeen = true;
      buf = buf.subarray(HEADER_BYTES);
    }
    let pos = 0;
    while (buf.length - pos >= FRAME_HEADER_BYTES) {
      const stored = buf.readUInt32LE(pos);
      if (buf.length - pos < FRAME_HEADER_BYTES + stored) break;
      const sum = buf.readUInt32LE(pos + 4);
      const payload = buf.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + stored);
      if (crc32(payload) !== sum) throw corrupt(uri, 'checksum mismatch');
      yield payload;
      pos += FRAME_HEADER_BYTES + stored;
    }
    buf = buf.subarray(pos);
  }
  if (!headerSeen) throw corrupt(uri, 'file is shorter than its header');
  if (buf.length > 0) throw corrupt(uri, `file ends inside a frame (${buf.length} stray bytes)`);
}

function checkHeader(uri: string, buf: Buffer): void {
  if (!buf.subarray(0, 3).equals(FILE_MAGIC)) throw corrupt(uri, 'not an exchange file');
  const version = buf.readUInt8(3);
  if (version !== FILE_FORMAT_VERSION) throw corrupt(uri, `unsupported exchange file version ${version}`);
}

function corrupt(uri: string, why: string): QuarryError {
  return new QuarryError('EXCHANGE_CORRUPTED', `Corrupt exchange file ${uri}: ${why}`);
}
