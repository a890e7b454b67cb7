import { QuarryError, newQueryId, type ErrorData } from '@quarry/common';
import type { QueryEvent, ResultColumn } from '@quarry/protocol';
import { formatRows, isStreamed, type OutputFormat } from '../format.js';
import { ProgressDisplay } from '../progress.js';
import { renderErrorLocation } from './caret.js';
import { pagerSink, streamSink, type ResultSink } from './pager.js';
import { parseSessionStatement, type SessionStatement, type ShellSession } from './session.js';

/** A running statement, as the shell reads it (a `QueryHandle` of NATS, or one over Trino's HTTP protocol). */
export interface ShellHandle {
  readonly queryId: string;
  /** Status events until the result can be read; a failure is a FAILED event. */
  events(): AsyncIterable<QueryEvent>;
  rows(): AsyncIterable<ShellPage>;
  result(): Promise<ShellPage>;
  cancel(): Promise<unknown>;
  close(): void;
}

export interface ShellPage {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** What the shell submits through: `QuarryClient` (NATS), or `TrinoHttpClient`. */
export interface ShellClient {
  submit(
    sql: string,
    options: { session: Readonly<Record<string, string | number | boolean>>; queryId: string },
  ): Promise<ShellHandle>;
  query(sql: string): Promise<{ readonly rows: readonly (readonly unknown[])[] }>;
  capabilityOf(queryId: string): string | undefined;
  close(): Promise<void>;
  /** True when the server, not the client, chooses query ids (Trino's HTTP protocol). */
  readonly serverNamesQueries?: boolean;
}

export interface RunnerOptions {
  readonly client: ShellClient;
  readonly session: ShellSession;
  readonly format: OutputFormat;
  /** The pager command results go through; undefined: straight to stdout. */
  readonly pager: string | undefined;
  /** A progress line on stderr while a query runs (on a terminal). */
  readonly progress: boolean;
  /** Say on stderr what a USE or SET SESSION did (the interactive shell does). */
  readonly echo: boolean;
  /** Called with each query's id once submitted (the CLI keeps its capability for later commands). */
  readonly onSubmitted?: (queryId: string) => void;
}

/**
 * Runs the shell's statements one at a time: USE, SET SESSION and RESET SESSION change the session
 * (session.ts), anything else is submitted with it. Prints results in the chosen format (through the
 * pager if one is set) and errors on stderr with a caret under their position. `cancel()` cancels
 * the query running, if any (Ctrl-C).
 */
export class StatementRunner {
  private handle: ShellHandle | undefined;
  private cancelRequested = false;

  constructor(private readonly o: RunnerOptions) {}

  /** Runs one statement; true when it succeeded. Never throws: every failure is printed. */
  async run(sql: string): Promise<boolean> {
    this.cancelRequested = false;
    try {
      const local = parseSessionStatement(sql);
      return local ? await this.applyLocal(local) : await this.query(sql);
    } catch (e) {
      const error = QuarryError.wrap(e);
      printFailure(`${error.code}: ${error.message}`, sql, error.location);
      return false;
    }
  }

  /** Cancels the query running; false when none is. */
  cancel(): boolean {
    this.cancelRequested = true;
    const handle = this.handle;
    if (!handle) return false;
    handle.cancel().catch((e: unknown) => {
      process.stderr.write(`quarry: could not cancel ${handle.queryId}: ${(e as Error).message}\n`);
    });
    return true;
  }

  private async applyLocal(statement: SessionStatement): Promise<boolean> {
    const session = this.o.session;
    if (statement.kind === 'use')
      await this.checkSchema(statement.catalog ?? session.catalog, statement.schema);
    session.apply(statement);
    if (this.o.echo) process.stderr.write(`${ECHO[statement.kind]}\n`);
    return true;
  }

  /** USE names a schema that exists, as Trino's USE checks. */
  private async checkSchema(catalog: string | undefined, schema: string): Promise<void> {
    if (!catalog)
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        'Catalog must be specified when the session has no catalog: USE catalog.schema',
      );
    const like = schema.replace(/'/g, "''");
    const { rows } = await this.o.client.query(
      `SHOW SCHEMAS FROM "${catalog.replace(/"/g, '""')}" LIKE '${like}'`,
    );
    if (!rows.some((r) => r[0] === schema))
      throw new QuarryError('SCHEMA_NOT_FOUND', `Schema '${catalog}.${schema}' does not exist`);
  }

  private async query(sql: string): Promise<boolean> {
    const queryId = newQueryId();
    const progress = new ProgressDisplay(this.o.progress);
    try {
      const handle = await this.o.client.submit(sql, { session: this.o.session.toSubmit(), queryId });
      this.handle = handle;
      this.o.onSubmitted?.(handle.queryId);
      if (this.cancelRequested) this.cancel();
      try {
        for await (const e of handle.events()) {
          progress.update(e);
          if (e.type !== 'FAILED') continue;
          progress.stop();
          this.printQueryFailure(handle.queryId, e.error, sql);
          return false;
        }
        progress.stop();
        await this.print(handle);
        return true;
      } finally {
        this.handle = undefined;
        handle.close();
      }
    } catch (e) {
      progress.stop();
      const error = QuarryError.wrap(e).toData();
      // over HTTP the server names the query: a request that failed made none
      if (this.o.client.serverNamesQueries)
        printFailure(`${error.code}: ${error.message}`, sql, error.location);
      else this.printQueryFailure(queryId, error, sql);
      return false;
    }
  }

  private printQueryFailure(queryId: string, error: ErrorData, sql: string): void {
    if (error.code === 'USER_CANCELED' && this.cancelRequested)
      process.stderr.write(`Query ${queryId} was canceled\n`);
    else printFailure(`Query ${queryId} failed: ${error.code}: ${error.message}`, sql, error.location);
  }

  private async print(handle: ShellHandle): Promise<void> {
    const sink: ResultSink = this.o.pager ? pagerSink(this.o.pager) : streamSink();
    try {
      if (isStreamed(this.o.format)) {
        for await (const page of handle.rows()) {
          const text = formatRows(this.o.format, page.columns, page.rows);
          if (text) sink.write(`${text}\n`);
        }
      } else {
        const result = await handle.result();
        const text = formatRows(this.o.format, result.columns, result.rows);
        if (text) sink.write(`${text}\n`);
      }
    } finally {
      await sink.close();
    }
  }
}

const ECHO = { use: 'USE', set: 'SET SESSION', reset: 'RESET SESSION' } as const;

function printFailure(message: string, sql: string, location: ErrorData['location']): void {
  process.stderr.write(`${message}\n${renderErrorLocation(sql, location)}\n`);
}
