/**
 * Local files a task's buffering operators move state to when it does not fit in the task's memory
 * (sort runs, aggregation partitions). The task runner gives one `SpillSpace` per task attempt when
 * spilling is on, and deletes whatever is left in it when the attempt ends — finished, failed or
 * cancelled — so operators delete files as soon as they have read them, but need not on errors.
 *
 * Pages cross this interface as bytes in the page wire format (`page/serde.ts`); compression,
 * encryption, checksums and the node's spill limits are the implementation's business (the worker's,
 * over the exchange's file format).
 */
export interface SpillSpace {
  /** A new, empty file: pages are written in order, then `finish` makes it readable. */
  create(): SpillWriter;
}

export interface SpillWriter {
  /**
   * Appends one page. Fails with EXCEEDED_SPILL_LIMIT when the bytes would pass the node's or the
   * query's spill limit (nothing of the page is written then). No write after `finish`.
   */
  write(page: Uint8Array): Promise<void>;
  /** Ends the file; its pages can then be read back, in the order written, any number of times. */
  finish(): Promise<SpillFile>;
}

export interface SpillFile {
  /** Pages and bytes (as stored: compressed, with framing) in the file. */
  readonly pages: number;
  readonly bytes: number;
  /** The pages in the order written, checked against what was written. */
  read(): AsyncIterable<Uint8Array>;
  /** Removes the file and gives its bytes back to the spill limits; a second call does nothing. */
  delete(): Promise<void>;
}
