import type { ExchangeFile, ExchangeManager, ReadOptions } from '@quarry/exchange';
import { deserializePage, toExternal, valueAt, type DataType, type ExternalValue } from '@quarry/sql';

/** About how many bytes of rows one results message may carry (NATS' default limit is 1 MB). */
const MAX_PAGE_BYTES = 512 * 1024;

/** Pages of a finished query's result: page `k` for token `k`; `next` is null after the last page. */
export interface ResultSource {
  page(token: number): Promise<{ rows: ExternalValue[][]; next: number | null }>;
}

/** A small result computed on the coordinator (a write's row count, an empty DDL result), in one page. */
export class StaticResult implements ResultSource {
  constructor(private readonly rows: ExternalValue[][]) {}

  async page(token: number): Promise<{ rows: ExternalValue[][]; next: number | null }> {
    if (token !== 0) throw new RangeError(`result page ${token} was never offered`);
    return { rows: this.rows, next: null };
  }
}

/**
 * Serves a finished query's result in pages, streaming the root stage's spooled output: the result
 * is never held whole. Page `k` starts where page `k-1` ended; asking an earlier page again
 * re-reads from the start (pages are cut at the same rows every time).
 */
export interface ResultCursorOptions {
  readonly exchange: ExchangeManager;
  /** The root stage's winning files, in order. */
  readonly files: readonly ExchangeFile[];
  readonly types: readonly DataType[];
  /** Most rows a page holds (`query.result-page-rows`). */
  readonly pageRows: number;
  /** The query (only its files are read) and its exchange key. */
  readonly readOptions: ReadOptions;
  /** Where pages start (token → row), as an earlier leader cut them; page 0 starts at row 0. */
  readonly pageStarts?: ReadonlyMap<number, number>;
  /** Told where each new page starts, to record it (query-journal.ts). */
  readonly onPageStart?: (token: number, row: number) => void;
}

export class ResultCursor implements ResultSource {
  private iterator: AsyncIterator<Uint8Array> | undefined;
  private buffered: ExternalValue[][] = [];
  private consumed = 0;
  private nextToken = 0;
  private readonly starts: number[] = [0];
  private last: { token: number; rows: ExternalValue[][]; next: number | null } | undefined;
  private exhausted = false;

  private readonly exchange: ExchangeManager;
  private readonly files: readonly ExchangeFile[];
  private readonly types: readonly DataType[];
  private readonly pageRows: number;
  private readonly readOptions: ReadOptions;

  constructor(o: ResultCursorOptions) {
    this.exchange = o.exchange;
    this.files = o.files;
    this.types = o.types;
    this.pageRows = o.pageRows;
    this.readOptions = o.readOptions;
    for (const [token, row] of o.pageStarts ?? []) this.starts[token] = row;
    this.onPageStart = o.onPageStart;
  }

  private readonly onPageStart: ((token: number, row: number) => void) | undefined;

  async page(token: number): Promise<{ rows: ExternalValue[][]; next: number | null }> {
    if (this.last?.token === token) return this.last;
    if (token !== this.nextToken) await this.rewind(token);
    const rows: ExternalValue[][] = [];
    let bytes = 0;
    while (rows.length < this.pageRows && bytes < MAX_PAGE_BYTES) {
      if (this.buffered.length === 0 && !(await this.fill())) break;
      const row = this.buffered.shift()!;
      rows.push(row);
      this.consumed++;
      bytes += estimateBytes(row);
    }
    if (this.buffered.length === 0 && !this.exhausted) await this.fill();
    const next = this.buffered.length === 0 && this.exhausted ? null : token + 1;
    this.nextToken = token + 1;
    if (this.starts[token + 1] === undefined && next !== null) this.onPageStart?.(token + 1, this.consumed);
    this.starts[token + 1] = this.consumed;
    this.last = { token, rows, next };
    return this.last;
  }

  private async rewind(token: number): Promise<void> {
    const start = this.starts[token];
    if (start === undefined) throw new RangeError(`result page ${token} was never offered`);
    await this.iterator?.return?.();
    this.iterator = undefined;
    this.buffered = [];
    this.consumed = 0;
    this.exhausted = false;
    while (this.consumed < start) {
      if (this.buffered.length === 0 && !(await this.fill())) break;
      const skip = Math.min(this.buffered.length, start - this.consumed);
      this.buffered.splice(0, skip);
      this.consumed += skip;
    }
    this.nextToken = token;
  }

  private async fill(): Promise<boolean> {
    this.iterator ??= this.exchange.read(this.files, this.readOptions)[Symbol.asyncIterator]();
    for (;;) {
      const r = await this.iterator.next();
      if (r.done) {
        this.exhausted = true;
        return false;
      }
      const page = deserializePage(r.value, this.types);
      if (page.rowCount === 0) continue;
      for (let i = 0; i < page.rowCount; i++) {
        this.buffered.push(page.blocks.map((b, c) => toExternal(this.types[c]!, valueAt(b, i))));
      }
      return true;
    }
  }
}

function estimateBytes(row: readonly ExternalValue[]): number {
  let n = 2;
  for (const v of row) n += typeof v === 'string' ? v.length + 3 : 9;
  return n;
}

/** Every row of a result source (for small results the coordinator itself consumes). */
export async function allRows(source: ResultSource): Promise<ExternalValue[][]> {
  const rows: ExternalValue[][] = [];
  for (let token: number | null = 0; token !== null;) {
    const page = await source.page(token);
    rows.push(...page.rows);
    token = page.next;
  }
  return rows;
}
