import type { ResultsPage, ResultsRequest } from '@quarry/protocol';

export type ResultFormat = NonNullable<ResultsRequest['format']>;

/** How `QueryHandle.rows` reads a result. */
export interface RowsOptions {
  /** The first page's token (0 by default): the `nextToken` after the last page seen, to resume. */
  readonly fromToken?: number;
  /** `columnar` (the default): binary columnar pages; `rows`: JSON-able row pages. */
  readonly format?: ResultFormat;
  /** How many pages are asked for ahead of the one read (at least 1, the default 4). */
  readonly prefetch?: number;
}

export const DEFAULT_PREFETCH = 4;

/**
 * Result pages asked for ahead: tokens follow one another (page k's `nextToken` is k + 1 until the
 * last page's null), so while page k is read, pages up to k + size - 1 are already asked for, in
 * order — the coordinator serves a query's pages one at a time, in the order asked. A page that
 * answers with another `nextToken` (none after the last) makes the window drop what it asked
 * beyond; a failure of a page asked ahead surfaces only if that page is taken.
 */
export class PageWindow {
  private readonly pending = new Map<number, Promise<ResultsPage>>();
  private highest = -1;

  constructor(
    private readonly fetch: (token: number) => Promise<ResultsPage>,
    private readonly size: number,
  ) {}

  /** Page `token`, and the next ones asked for ahead. */
  async take(token: number): Promise<ResultsPage> {
    if (!this.pending.has(token)) {
      this.drop();
      this.highest = token - 1;
    }
    while (this.highest < token + this.size - 1) this.ask(++this.highest);
    const page = await this.pending.get(token)!;
    this.pending.delete(token);
    if (page.nextToken !== token + 1) this.drop();
    return page;
  }

  /** Forgets every page asked ahead (their replies, or failures, are ignored). */
  drop(): void {
    this.pending.clear();
    this.highest = -1;
  }

  private ask(token: number): void {
    const page = this.fetch(token);
    page.catch(() => {}); // taken, it throws there; dropped, nobody cares
    this.pending.set(token, page);
  }
}
