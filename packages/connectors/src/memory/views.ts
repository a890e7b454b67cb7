import type { TableRef, ViewDefinition } from '@quarry/sql';
import { tableAlreadyExists, viewNotFound } from '../errors.js';

interface StoredView {
  readonly definition: ViewDefinition;
  /** The query that created it: a repeat by that query (a resumed CREATE VIEW) changes nothing. */
  readonly queryId?: string;
}

/**
 * The memory catalog's views: schema → view → definition, in the coordinator's memory like its
 * tables (and lost with them on restart). The connector checks names against its tables; this
 * keeps the views.
 */
export class MemoryViews {
  private readonly schemas = new Map<string, Map<string, StoredView>>();

  get(schema: string, view: string): ViewDefinition | undefined {
    return this.schemas.get(schema)?.get(view)?.definition;
  }

  list(schema: string): string[] {
    return [...(this.schemas.get(schema)?.keys() ?? [])].sort();
  }

  /** `tableExists`: a table already has the name (views and tables share one namespace). */
  create(
    ref: TableRef,
    definition: ViewDefinition,
    options: { replace: boolean; queryId?: string; tableExists: boolean },
  ): void {
    if (options.tableExists) throw tableAlreadyExists(ref);
    const views = this.schemas.get(ref.schema) ?? new Map<string, StoredView>();
    const existing = views.get(ref.table);
    const repeat = existing && options.queryId !== undefined && existing.queryId === options.queryId;
    if (repeat) return;
    if (existing && !options.replace) throw tableAlreadyExists(ref);
    views.set(ref.table, {
      definition,
      ...(options.queryId !== undefined ? { queryId: options.queryId } : {}),
    });
    this.schemas.set(ref.schema, views);
  }

  drop(ref: TableRef, options: { ifExists: boolean }): void {
    if (this.schemas.get(ref.schema)?.delete(ref.table)) return;
    if (!options.ifExists) throw viewNotFound(ref);
  }

  dropSchema(schema: string): void {
    this.schemas.delete(schema);
  }
}
