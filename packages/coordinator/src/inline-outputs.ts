import { DEFAULT_SINK_INLINE_MAX_SIZE, type ExchangeConfig, type ExchangeFile } from '@quarry/exchange';
import type { DistributedPlan } from '@quarry/sql';

/**
 * Tiny task outputs kept inline (`ExchangeFile.data`, as Trino's spooling protocol inlines small
 * segments): a sink whose whole output fits its share writes no file; the bytes travel in its
 * FINISHED report, are recorded with the winner in Redis (so a new leader hands the same bytes to
 * the consumers and serves the same result) and go to every consumer in its task spec.
 */

/**
 * The inline share of one task of stage `stageId`: `exchange.sink-inline-max-size` split among the
 * stage's tasks and among the inputs of the stage that reads it, so the inline bytes in any task
 * spec stay within the limit per input stage, whatever the partitioning.
 */
export function inlineShare(
  config: ExchangeConfig,
  plan: DistributedPlan,
  stage: { readonly stageId: number; readonly tasks: number },
): number {
  const max = config.sinkInlineMaxSize ?? DEFAULT_SINK_INLINE_MAX_SIZE;
  const consumer = plan.fragments.find((f) => f.inputs.includes(stage.stageId));
  const inputs = Math.max(1, consumer?.inputs.length ?? 1);
  return Math.floor(max / (Math.max(1, stage.tasks) * inputs));
}

/** A winner's files as its Redis record keeps them: inline bytes in base64. */
export function outputsToJson(files: readonly ExchangeFile[]): string {
  return JSON.stringify(
    files.map((f) => (f.data ? { ...f, data: Buffer.from(f.data).toString('base64') } : f)),
  );
}

/** The files of a winner's Redis record (see {@link outputsToJson}); none when the text is no list. */
export function outputsFromJson(text: string | undefined): ExchangeFile[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((f: ExchangeFile & { data?: unknown }) =>
    typeof f.data === 'string' ? { ...f, data: new Uint8Array(Buffer.from(f.data, 'base64')) } : f,
  );
}
