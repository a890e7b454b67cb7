/**
 * Where exchange files live. One backend per folder (`local/`, `s3/`); the exchange logic in
 * `filesystem-exchange.ts` is written once against this interface. URIs are absolute
 * (`file:///tmp/x/…`, `s3://bucket/…`); directory URIs end without a slash. Every failure is a
 * `QuarryError` `EXCHANGE_IO_ERROR` (EXTERNAL) naming the file or directory.
 */
export interface ExchangeStorage {
  /**
   * How many shard directories the layout puts first under a base directory (see `layout.ts`):
   * 1 for none (a local disk gains nothing), more where storage partitions its key space by prefix.
   */
  readonly prefixShards: number;
  /** A new file; nothing is visible at `uri` until `finish` resolves. */
  createFile(uri: string): StorageWriter;
  /** The file's bytes as a stream of chunks; memory held is bounded whatever the file's size. */
  read(uri: string): AsyncIterable<Uint8Array>;
  /** Removes directories and everything under them, in batches; a missing directory is not an error. */
  deleteRecursively(dirUris: readonly string[]): Promise<void>;
  /** Files under a directory, recursively, with their sizes and modification times. */
  list(dirUri: string): AsyncIterable<StoredFile>;
  /** Releases connections; nothing may be called afterwards. */
  close(): Promise<void>;
}

export interface StoredFile {
  readonly uri: string;
  readonly bytes: number;
  readonly modified: Date;
}

/** Call order: `write`* then `finish`, or `abort` at any time (also after a failed `finish`). */
export interface StorageWriter {
  /** Resolves when the chunk is taken; the writer keeps a reference, so the caller must not reuse it. */
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}
