import { QuarryError } from '@quarry/common';
import type { ObjectStorage } from '@quarry/storage';
import { protectExchangeConfig, type ExchangeConfig } from './config.js';
import { checkKey } from './encryption.js';
import { FileSystemSink } from './filesystem-sink.js';
import { readFrames } from './format.js';
import { LostInputError, isLostFile } from './lost-input.js';
import { ExchangeLayout, type AttemptId } from './layout.js';
import type {
  ExchangeFile,
  ExchangeManager,
  ExchangeSink,
  GcReport,
  ReadOptions,
  SinkId,
  SinkOptions,
} from './spi.js';

/**
 * Trino's filesystem exchange model over an {@link ObjectStorage}: the paths are `layout.ts`'s,
 * the file format `format.ts`'s, the writing `filesystem-sink.ts`'s.
 */
export class FileSystemExchange implements ExchangeManager {
  readonly baseDirectories: readonly string[];
  private readonly layout: ExchangeLayout;
  private readonly config: ExchangeConfig;

  constructor(
    private readonly storage: ObjectStorage,
    config: ExchangeConfig,
  ) {
    if (config.baseDirectories.length === 0) {
      throw new QuarryError('INVALID_CONFIGURATION', 'exchange.base-directories is empty');
    }
    this.config = protectExchangeConfig(config);
    this.baseDirectories = config.baseDirectories;
    this.layout = new ExchangeLayout(config.baseDirectories, storage.prefixShards);
  }

  baseFor(exchangeOrdinal: number, taskPartition: number): string {
    return this.layout.baseFor(exchangeOrdinal, taskPartition);
  }

  attemptDir(id: AttemptId): string {
    return this.layout.attemptDir(id);
  }

  createSink(id: SinkId, options: SinkOptions = {}): ExchangeSink {
    if (options.secretKey) checkKey(options.secretKey);
    const dir = this.layout.attemptDir(id);
    return new FileSystemSink(this.storage, {
      dir,
      partitionCount: id.partitionCount,
      maxFileSize: this.config.sinkMaxFileSize,
      bufferSize: this.config.sinkBufferSize,
      encoding: { codec: options.codec ?? this.config.compressionCodec ?? 'NONE', key: options.secretKey },
      fileUri: (partition, seq) => this.layout.fileUri(dir, partition, seq),
      inlineMaxBytes: options.inlineMaxBytes ?? 0,
    });
  }

  ownsFile(queryId: string, uri: unknown): boolean {
    return this.layout.ownsFile(queryId, uri);
  }

  async checkBaseDirectories(): Promise<void> {
    await Promise.all(this.baseDirectories.map((dir) => this.storage.checkDirectory(dir)));
  }

  async *read(files: readonly ExchangeFile[], options: ReadOptions): AsyncIterable<Uint8Array> {
    if (options.secretKey) checkKey(options.secretKey);
    // Every file is checked before the first is opened: a list naming one foreign file reads nothing.
    for (const f of files) {
      if (!this.layout.ownsFile(options.queryId, f.uri)) {
        throw new QuarryError(
          'ACCESS_DENIED',
          `exchange file ${JSON.stringify(String(f.uri)).slice(0, 300)} is not a file of query ${options.queryId} under the exchange's base directories: refused`,
        );
      }
    }
    for (const f of files) {
      try {
        yield* readFrames(f.uri, f.data ? inline(f.data) : this.storage.read(f.uri), {
          key: options.secretKey,
          pages: f.pages,
          bytes: f.bytes,
        });
      } catch (e) {
        if (isLostFile(e)) throw new LostInputError(f.uri, QuarryError.wrap(e, 'EXCHANGE_IO_ERROR'));
        throw e;
      }
    }
  }

  async deleteAttempt(id: Omit<SinkId, 'partitionCount'>): Promise<void> {
    await this.storage.deleteRecursively([this.layout.attemptDir(id)]);
  }

  async deleteExchange(queryId: string, exchangeId: string): Promise<void> {
    await this.storage.deleteRecursively(this.layout.exchangeDirs(queryId, exchangeId));
  }

  async deleteQuery(queryId: string): Promise<void> {
    await this.storage.deleteRecursively(this.layout.queryDirs(queryId));
  }

  async gc(olderThanMs: number, options: { now?: number } = {}): Promise<GcReport> {
    if (!(olderThanMs >= 0))
      throw new QuarryError('INVALID_ARGUMENTS', `gc: older-than must be ≥ 0, not ${olderThanMs}`);
    const cutoff = (options.now ?? Date.now()) - olderThanMs;
    const queries = new Map<string, { dirs: Set<string>; newest: number; files: number; bytes: number }>();
    for (const base of this.baseDirectories) {
      for await (const file of this.storage.list(base)) {
        const owner = this.layout.queryOf(base, file.uri);
        if (!owner) continue;
        let q = queries.get(owner.queryId);
        if (!q) queries.set(owner.queryId, (q = { dirs: new Set(), newest: 0, files: 0, bytes: 0 }));
        q.dirs.add(owner.dir);
        q.newest = Math.max(q.newest, file.modified.getTime());
        q.files++;
        q.bytes += file.bytes;
      }
    }
    const old = [...queries].filter(([, q]) => q.newest < cutoff);
    await this.storage.deleteRecursively(old.flatMap(([, q]) => [...q.dirs]));
    return {
      removed: old.map(([queryId, q]) => ({
        queryId,
        newest: new Date(q.newest),
        files: q.files,
        bytes: q.bytes,
      })),
      kept: queries.size - old.length,
    };
  }

  async close(): Promise<void> {
    await this.storage.close();
  }
}

/** An inline file's bytes as the one chunk of a stream. */
async function* inline(data: Uint8Array): AsyncIterable<Uint8Array> {
  yield data;
}
