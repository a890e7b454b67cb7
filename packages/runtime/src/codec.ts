import { Packr } from 'msgpackr';
import { QuarryError, type ErrorCode } from '@quarry/common';

/** Plain objects in, plain objects out: no records extension, so any msgpack client can read us. */
/** Bigints beyond 64 bits travel as decimal strings; within 64 bits as msgpack integers. */
const packr = new Packr({
  useRecords: false,
  moreTypes: false,
  mapsAsObjects: true,
  largeBigIntToString: true,
});

export type WireFormat = 'msgpack' | 'json';

export function encode(value: unknown, format: WireFormat = 'msgpack'): Uint8Array {
  if (format === 'json') return Buffer.from(JSON.stringify(value, jsonReplacer), 'utf8');
  return packr.pack(value);
}

export function decode(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}

/**
 * Decodes a message that may be JSON (from a human with any NATS client) or msgpack (from quarry).
 * JSON is recognised by its first non-blank byte being `{` or `[`: msgpack maps and arrays start
 * with other bytes (0x80–0x9f, 0xdc–0xdf), so the two cannot be confused. Bytes that are neither
 * throw a QuarryError with `code` (INVALID_MESSAGE; the submit subject says INVALID_SUBMISSION).
 */
export function decodeLenient(
  bytes: Uint8Array,
  code: ErrorCode = 'INVALID_MESSAGE',
): { value: unknown; format: WireFormat } {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  const first = bytes[i];
  if (bytes.length === 0) throw new QuarryError(code, 'Empty message: expected a JSON or msgpack object');
  if (first === 0x7b || first === 0x5b) {
    try {
      return { value: JSON.parse(Buffer.from(bytes).toString('utf8')), format: 'json' };
    } catch (e) {
      throw new QuarryError(code, `Malformed JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  try {
    return { value: packr.unpack(bytes), format: 'msgpack' };
  } catch (e) {
    throw new QuarryError(code, `Malformed message: neither JSON nor msgpack (${(e as Error).message})`, {
      cause: e,
    });
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
