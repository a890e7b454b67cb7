/**
 * Where exchange files live. One backend per folder (`local/`, and `s3/` later); the exchange logic in
 * `filesystem-exchange.ts` is written once against this interface. URIs are absolute
 * (`file:///tmp/x/…`, `s3://bucket/…`); directory URIs end without a slash.
 */
export interface ExchangeStorage {
  /** A new file; nothing is visible at `uri` until `finish` resolves. */
  createFile(uri: string): StorageWriter;
  /** The file's bytes as a stream of chunks. */
  read(uri: string): AsyncIterable<Uint8Array>;
  /** Removes a directory and everything under it; a missing directory is not an error. */
  deleteRecursively(dirUri: string): Promise<void>;
  /** Files under a directory, recursively, with their sizes and modification times. */
  list(dirUri: string): AsyncIterable<{ uri: string; bytes: number; modified: Date }>;
}

export interface StorageWriter {
  write(chunk: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}
