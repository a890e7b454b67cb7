/**
 * dbgen's text pool: 300 MiB of pseudo-English sentences generated once from the grammar in dists.dss,
 * from which every comment column takes a random slice (random offset, random length). The pool is
 * built on first use (about a second and a half) and kept for the life of the process.
 *
 * The threads of one process share one pool: the process allocates it as shared memory
 * (`createSharedTextPool`, pages untouched until built), hands it to each thread
 * (`useSharedTextPool`), and the first thread that needs comments builds it while the others wait.
 * Without a shared pool, a thread or process builds its own.
 */
import { threadId } from 'node:worker_threads';
import { RandomStream } from './random.js';
import { buildTextPool, textPoolCapacity } from './text-pool-builder.js';

export const TEXT_POOL_SIZE = 300 * 1024 * 1024;

/** The pool's bytes and a word saying whether they are built, being built (by which thread) or not. */
export interface SharedTextPool {
  readonly bytes: SharedArrayBuffer;
  readonly state: SharedArrayBuffer;
}

const EMPTY = 0;
const READY = -1;
/** The state while the thread `threadId` builds: never EMPTY or READY. */
const building = (thread: number) => thread + 1;

let shared: SharedTextPool | undefined;
let pool: Buffer | undefined;

/** A pool to share between threads, not yet built. */
export function createSharedTextPool(): SharedTextPool {
  return {
    bytes: new SharedArrayBuffer(textPoolCapacity(TEXT_POOL_SIZE)),
    state: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
  };
}

/** This thread takes its pool from `sharedPool` (built by whichever thread needs it first). */
export function useSharedTextPool(sharedPool: SharedTextPool): void {
  shared = sharedPool;
  pool = undefined;
}

/**
 * Called when a thread has exited: if it died while building the shared pool, the build is
 * given up so that a waiting thread takes it over.
 */
export function abandonTextPoolBuild(sharedPool: SharedTextPool, exitedThreadId: number): void {
  const state = new Int32Array(sharedPool.state);
  if (Atomics.compareExchange(state, 0, building(exitedThreadId), EMPTY) === building(exitedThreadId)) {
    Atomics.notify(state, 0);
  }
}

/** The text pool's bytes, built on first call. */
export function textPool(): Buffer {
  if (pool === undefined) {
    const bytes = shared ? fromShared(shared) : buildTextPool(TEXT_POOL_SIZE);
    pool = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  return pool;
}

function fromShared(sharedPool: SharedTextPool): Uint8Array {
  const state = new Int32Array(sharedPool.state);
  const bytes = new Uint8Array(sharedPool.bytes);
  for (;;) {
    const now = Atomics.load(state, 0);
    if (now === READY) break;
    if (now === EMPTY) {
      if (Atomics.compareExchange(state, 0, EMPTY, building(threadId)) !== EMPTY) continue;
      try {
        buildTextPool(TEXT_POOL_SIZE, bytes);
        Atomics.store(state, 0, READY);
      } catch (e) {
        Atomics.store(state, 0, EMPTY);
        throw e;
      } finally {
        Atomics.notify(state, 0);
      }
      break;
    }
    // another thread builds it; its death resets the state (abandonTextPoolBuild)
    Atomics.wait(state, 0, now, 1000);
  }
  return bytes.subarray(0, TEXT_POOL_SIZE);
}

/**
 * A comment column: per text, one draw for the offset into the pool and one for the length, the length
 * uniform in [0.4, 1.6] × the column's average length (dbgen's `TEXT` macro).
 */
export class TextStream {
  private readonly random: RandomStream;
  private readonly pool: Buffer;
  private readonly minLength: number;
  private readonly maxLength: number;

  constructor(seed: number, averageLength: number, textsPerRow: number, firstRow: number) {
    this.random = new RandomStream(seed, 2 * textsPerRow, firstRow);
    this.pool = textPool();
    this.minLength = Math.trunc(averageLength * 0.4);
    this.maxLength = Math.trunc(averageLength * 1.6);
  }

  next(): string {
    const offset = this.random.int(0, TEXT_POOL_SIZE - this.maxLength);
    const length = this.random.int(this.minLength, this.maxLength);
    return this.pool.toString('latin1', offset, offset + length);
  }

  endRow(): void {
    this.random.endRow();
  }
}
