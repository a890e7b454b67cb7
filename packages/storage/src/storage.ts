/**
 * Object storage as the exchange and the lake use it. One backend per folder (`local/`, `s3/`); the
 * exchange's and the lake's logic is written once against this interface, and one contract suite
 * (`test/contract.ts`) runs on both backends. URIs are absolute (`file:///tmp/x/…`,
 * `s3://bucket/…`); directory URIs end without a slash. Callers build URIs from data only through
 * `pathSegment` (`path-segment.ts`).
 *
 * Failures are `QuarryError`s naming the file or directory: `STORAGE_UNAVAILABLE` for what retrying
 * cannot heal (no such bucket, access denied, bad credentials, an endpoint host that does not
 * resolve) — raised at once, without retries — and `EXCHANGE_IO_ERROR` for everything else, after
 * the backend's own retries. Both are EXTERNAL.
 */
export interface ObjectStorage {
  /**
   * Over how many leading prefixes a writer of many files should spread them (the exchange's
   * shard directories): 1 for none (a local disk gains nothing), more where the storage partitions
   * its key space by prefix and limits the request rate per prefix (S3).
   */
  readonly prefixShards: number;
  /** A new file; nothing is visible at `uri` until `finish` resolves. */
  createFile(uri: string): StorageWriter;
  /** The file's bytes as a stream of chunks; memory held is bounded whatever the file's size. */
  read(uri: string): AsyncIterable<Uint8Array>;
  /** Removes directories and everything under them, in batches; a missing directory is not an error. */
  deleteRecursively(dirUris: readonly string[]): Promise<void>;
  /** Removes single files (a missing one is not an error), in batches, in no particular order. */
  deleteFiles(uris: readonly string[]): Promise<void>;
  /** Files under a directory, recursively, with their sizes and modification times. */
  list(dirUri: string): AsyncIterable<StoredFile>;
  /**
   * `length` bytes of a file from byte `offset` (fewer only past the end of the file): one ranged
   * request on S3. Used by readers of formats with footers and indexes (Parquet).
   */
  readRange(uri: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Creates a small file only if none exists at `uri`: true when this call created it, false when a
   * file was already there (nothing is changed then). Whoever sees true is the one creator, as long
   * as the storage honours it: locally the file is written aside and hard-linked into place (the link
   * fails when the name is taken); on S3 it is a PutObject with `If-None-Match: *`, which AWS S3 and
   * most compatible servers honour — a server that ignores the header overwrites, so callers that
   * need exclusivity there must also serialize their own writers.
   */
  createExclusive(uri: string, bytes: Uint8Array): Promise<boolean>;
  /**
   * One level of a directory: the names of its subdirectories and its files (not recursive); a
   * missing directory is empty. On S3 a "directory" is a key prefix ending in `/`.
   */
  listDirectory(dirUri: string): Promise<DirectoryListing>;
  /**
   * Checks, at start-up, that a directory can be used: on S3 that the bucket exists and the
   * credentials may list it; locally that the directory exists or can be made, and a file can be
   * written in it (and is removed again). Throws `STORAGE_UNAVAILABLE` naming the directory (and on
   * S3 the bucket and endpoint) when it cannot.
   */
  checkDirectory(dirUri: string): Promise<void>;
  /** Releases connections; nothing may be called afterwards. */
  close(): Promise<void>;
}

export interface DirectoryListing {
  /** Names (not URIs) of the subdirectories, sorted. */
  readonly directories: readonly string[];
  readonly files: readonly StoredFile[];
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
