import type { ExchangeFile, ExchangeManager, ReadOptions } from '@quarry/exchange';
import { MAX_COLUMNAR_PAGE_BYTES, MAX_COLUMNAR_PAGE_ROWS, type ResultsRequest } from '@quarry/protocol';
import { encode } from '@quarry/runtime';
import {
  concatPages,
  deserializePage,
  slicePage,
  toExternal,
  valueAt,
  type DataType,
  type ExternalValue,
  type Page,
} from '@quarry/sql';
import { columnarPage } from './result-columns.js';

/** About how many bytes of rows one row-format results message may carry (NATS' default limit is 1 MB). */
const MAX_PAGE_BYTES = 512 * 1024;
/** About how many bytes a columnar page is cut at; it is cut smaller if its encoding passes the limit. */
const COLUMNAR_TARGET_BYTES = 640 * 1024;
/** Pages kept after they were served, so a retried or prefetched-again token is not read anew. */
const RECENT_PAGES = 8;

export type ResultFormat = NonNullable<ResultsRequest['format']>;

/** A page of a result: row arrays, or (format `columnar`) a msgpack columnar page in `data`. */
export interface ResultPage {
  readonly rows: ExternalValue[][];
  readonly data?: Uint8Array;
  readonly next: number | null;
}

/** Pages of a finished query's result: page `k` for token `k`; `next` is null after the last page. */
export interface ResultSource {
  page(token: number, format?: ResultFormat): Promise<ResultPage>;
}

/**
 * A small result computed on the coordinator (a write's row count, an empty DDL result), in one
 * page, always as rows (a client asking for columnar pages reads rows when `data` is absent).
 */
export class StaticResult implements ResultSource {
  constructor(private readonly rows: ExternalValue[][]) {}

  async page(token: number): Promise<ResultPage> {
    if (token !== 0) throw new RangeError(`result page ${token} was never offered`);
    return { rows: this.rows, next: null };
  }
}

export interface ResultCursorOptions {
  readonly exchange: ExchangeManager;
  /** The root stage's winning files, in order. */
  readonly files: readonly ExchangeFile[];
  readonly types: readonly DataType[];
  /** Most rows a row-format page holds (`query.result-page-rows`). */
  readonly pageRows: number;
  /** The query (only its files are read) and its exchange key. */
  readonly readOptions: ReadOptions;
  /** Where pages start (token → row), as an earlier leader cut them; page 0 starts at row 0. */
  readonly pageStarts?: ReadonlyMap<number, number>;
  /** Told where each new page starts, to record it (query-journal.ts). */
  readonly onPageStart?: (token: number, row: number) => void;
}

/**
 * Serves a finished query's result in pages, streaming the root stage's spooled output: the result
 * is never held whole. Page `k` starts where page `k-1` ended and, once cut, always ends there too
 * (whatever format asks again); the last few pages are kept, and asking an earlier page re-reads
 * from the start. Tokens asked in order are cheap, which is what a client prefetching pages does.
 */
export class ResultCursor implements ResultSource {
  private iterator: AsyncIterator<Uint8Array> | undefined;
  /** Pages read and not yet served; the first from row `offset`. */
  private buffered: Page[] = [];
  private offset = 0;
  private consumed = 0;
  private nextToken = 0;
  private readonly starts: number[] = [0];
  private readonly recent = new Map<string, ResultPage>();
  private exhausted = false;
  /** Bytes a row took in the last columnar page cut: the estimate for the next. */
  private learned: number | undefined;
  private readonly o: ResultCursorOptions;

  constructor(o: ResultCursorOptions) {
    this.o = o;
    for (const [token, row] of o.pageStarts ?? []) this.starts[token] = row;
  }

  async page(token: number, format: ResultFormat = 'rows'): Promise<ResultPage> {
    const key = `${format}:${token}`;
    const kept = this.recent.get(key);
    if (kept) return kept;
    if (token !== this.nextToken) await this.rewind(token);
    const page = format === 'columnar' ? await this.columnar(token) : await this.rowPage(token);
    const out: ResultPage = { ...page, next: (await this.more()) ? token + 1 : null };
    this.nextToken = token + 1;
    if (this.starts[token + 1] === undefined && out.next !== null)
      this.o.onPageStart?.(token + 1, this.consumed);
    this.starts[token + 1] = this.consumed;
    this.recent.set(key, out);
    if (this.recent.size > RECENT_PAGES) this.recent.delete(this.recent.keys().next().value!);
    return out;
  }

  /** Rows up to where page `token + 1` starts, when that was decided before (by any format). */
  private fixedEnd(token: number): number | undefined {
    const end = this.starts[token + 1];
    return end === undefined ? undefined : end - this.consumed;
  }

  private async rowPage(token: number): Promise<{ rows: ExternalValue[][] }> {
    const fixed = this.fixedEnd(token);
    const rows: ExternalValue[][] = [];
    let bytes = 0;
    const types = this.o.types;
    while (
      fixed !== undefined ? rows.length < fixed : rows.length < this.o.pageRows && bytes < MAX_PAGE_BYTES
    ) {
      if (!(await this.more())) break;
      const page = this.buffered[0]!;
      const row = page.blocks.map((b, c) => toExternal(types[c]!, valueAt(b, this.offset)));
      this.skip(1);
      rows.push(row);
      bytes += estimateBytes(row);
    }
    return { rows };
  }

  private async columnar(token: number): Promise<{ rows: ExternalValue[][]; data: Uint8Array }> {
    const fixed = this.fixedEnd(token);
    let limit = fixed ?? MAX_COLUMNAR_PAGE_ROWS;
    for (;;) {
      const page = await this.peek(limit, fixed === undefined ? COLUMNAR_TARGET_BYTES : Infinity);
      const data = encode(columnarPage(page, this.o.types));
      if (page.rowCount > 0) this.learned = data.byteLength / page.rowCount;
      if (data.byteLength <= MAX_COLUMNAR_PAGE_BYTES || page.rowCount <= 1 || fixed !== undefined) {
        this.skip(page.rowCount);
        return { rows: [], data };
      }
      limit = Math.max(1, Math.floor((page.rowCount * MAX_COLUMNAR_PAGE_BYTES) / data.byteLength / 2));
    }
  }

  /** The next rows, at most `maxRows` and about `maxBytes`, without consuming them. */
  private async peek(maxRows: number, maxBytes: number): Promise<Page> {
    const parts: Page[] = [];
    let rows = 0;
    let bytes = 0;
    for (let i = 0; rows < maxRows && bytes < maxBytes; i++) {
      while (i >= this.buffered.length && !this.exhausted) await this.read();
      const page = this.buffered[i];
      if (!page) break;
      const from = i === 0 ? this.offset : 0;
      const perRow = this.learned ?? rowBytes(page);
      const take = Math.min(
        page.rowCount - from,
        maxRows - rows,
        Math.max(1, Math.ceil((maxBytes - bytes) / perRow)),
      );
      parts.push(from === 0 && take === page.rowCount ? page : slicePage(page, from, from + take));
      rows += take;
      bytes += take * perRow;
    }
    return parts.length === 1 ? parts[0]! : concatPages(this.o.types, parts);
  }

  /** Marks `n` buffered rows served. */
  private skip(n: number): void {
    this.consumed += n;
    this.offset += n;
    while (this.buffered.length > 0 && this.offset >= this.buffered[0]!.rowCount) {
      this.offset -= this.buffered[0]!.rowCount;
      this.buffered.shift();
    }
  }

  /** Whether a row is left to serve (reading on until one is buffered or the files end). */
  private async more(): Promise<boolean> {
    while (this.buffered.length === 0 && !this.exhausted) await this.read();
    return this.buffered.length > 0;
  }

  private async rewind(token: number): Promise<void> {
    const start = this.starts[token];
    if (start === undefined) throw new RangeError(`result page ${token} was never offered`);
    await this.iterator?.return?.();
    this.iterator = undefined;
    this.buffered = [];
    this.offset = 0;
    this.consumed = 0;
    this.exhausted = false;
    while (this.consumed < start && (await this.more())) {
      this.skip(Math.min(this.buffered[0]!.rowCount - this.offset, start - this.consumed));
    }
    this.nextToken = token;
  }

  private async read(): Promise<void> {
    this.iterator ??= this.o.exchange.read(this.o.files, this.o.readOptions)[Symbol.asyncIterator]();
    const r = await this.iterator.next();
    if (r.done) this.exhausted = true;
    else {
      const page = deserializePage(r.value, this.o.types);
      if (page.rowCount > 0) this.buffered.push(page);
    }
  }
}

const rowBytesOf = new WeakMap<Page, number>();

/** About how many bytes a row of this page takes in a columnar page (strings by their length). */
function rowBytes(page: Page): number {
  const known = rowBytesOf.get(page);
  if (known !== undefined) return known;
  let bytes = 0;
  for (const b of page.blocks) {
    if (b.type.kind === 'varchar' || b.type.kind === 'char') {
      let chars = 0;
      for (const s of b.values as string[]) chars += s.length;
      bytes += chars / Math.max(1, b.length) + 5;
    } else if (Array.isArray(b.values)) bytes += 64;
    else bytes += 24;
  }
  rowBytesOf.set(page, Math.max(1, bytes));
  return Math.max(1, bytes);
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
