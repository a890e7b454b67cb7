import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { internalError } from '@quarry/common';

/**
 * AES-256-GCM per frame. The key is the query's, made by the coordinator and handed to sinks and
 * readers; it is never written to storage. A file records only a key check value (8 bytes of
 * HMAC-SHA256(key, a fixed label)), so that a reader with another key is told so instead of seeing
 * an authentication failure on the first frame.
 */
export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_CHECK_BYTES = 8;

/** A fresh random AES-256 key for one query's exchange files. */
export function generateExchangeKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

export function checkKey(key: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) {
    throw internalError(`an exchange key has ${KEY_BYTES} bytes, not ${key.byteLength}`);
  }
}

export function keyCheckValue(key: Uint8Array): Buffer {
  return createHmac('sha256', key).update('quarry exchange key check').digest().subarray(0, KEY_CHECK_BYTES);
}

/** `iv | ciphertext | tag`, authenticating `aad` along with the data. */
export function seal(key: Uint8Array, plain: Uint8Array, aad: Uint8Array): Buffer[] {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = cipher.update(plain);
  const last = cipher.final();
  return last.length > 0 ? [iv, body, last, cipher.getAuthTag()] : [iv, body, cipher.getAuthTag()];
}

/** The plain bytes, or undefined when authentication fails (wrong key or altered bytes). */
export function open(key: Uint8Array, stored: Uint8Array, aad: Uint8Array): Buffer | undefined {
  if (stored.byteLength < IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, stored.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(stored.subarray(stored.byteLength - TAG_BYTES));
  const body = decipher.update(stored.subarray(IV_BYTES, stored.byteLength - TAG_BYTES));
  try {
    const last = decipher.final();
    return last.length > 0 ? Buffer.concat([body, last]) : body;
  } catch {
    return undefined;
  }
}
