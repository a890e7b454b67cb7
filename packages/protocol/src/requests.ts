import { Type } from '@sinclair/typebox';
import { decoderFor, Int, SafeId, Strict, Text, type MessageOf } from './schema.js';
import { ExternalValueSchema, QueryStateSchema, ResultColumnSchema } from './values.js';

/**
 * Longest SQL text any message may carry. The coordinator's own `query.max-length` (default
 * 1,000,000) is usually lower and is checked after decoding, with its own error.
 */
export const MAX_SQL_LENGTH = 16_000_000;
/** Most columns a result may have, and most rows one page may carry. */
export const MAX_COLUMNS = 10_000;
export const MAX_PAGE_ROWS = 1_000_000;

/** Session property names: Trino's, like `retry_policy` or `query.max-execution-time`. */
export const SESSION_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,128}$';

export const SessionValueSchema = Type.Union([
  Type.String({ maxLength: 4096 }),
  Type.Number(),
  Type.Boolean(),
]);

/** On `query.submit`, as JSON or msgpack. The reply (when asked) is `{ ok, value: SubmitReply }`. */
export const SubmitRequestSchema = Strict({
  sql: Text(MAX_SQL_LENGTH),
  /** Chosen by the client for idempotent resubmission; generated when absent. */
  queryId: Type.Optional(SafeId),
  /** Session properties: `catalog`, `schema`, `retry_policy`, `hash_partition_count`, … */
  session: Type.Optional(
    Type.Record(Type.String({ pattern: SESSION_NAME_PATTERN }), SessionValueSchema, {
      additionalProperties: false,
      maxProperties: 256,
    }),
  ),
});
export type SubmitRequest = MessageOf<typeof SubmitRequestSchema>;

export const SubmitReplySchema = Type.Object({ queryId: SafeId });
export type SubmitReply = MessageOf<typeof SubmitReplySchema>;

/**
 * On `query.<id>.results` (ask): page `token` of the result, 0 first (the default), then each
 * reply's `nextToken`. Asking the same token twice gives the same page, so a client may retry.
 */
export const ResultsRequestSchema = Strict({ token: Type.Optional(Int(0, 2 ** 31 - 1)) });
export type ResultsRequest = MessageOf<typeof ResultsRequestSchema>;

/**
 * A page of result rows (at most `query.result-page-rows` rows and about 512 kB). While the query
 * is still running, `rows` is empty and `nextToken` repeats the token asked: ask again later.
 */
export const ResultsPageSchema = Type.Object({
  queryId: SafeId,
  state: QueryStateSchema,
  columns: Type.Array(ResultColumnSchema, { maxItems: MAX_COLUMNS }),
  rows: Type.Array(Type.Array(ExternalValueSchema, { maxItems: MAX_COLUMNS }), { maxItems: MAX_PAGE_ROWS }),
  /** Token of the next page; null when this was the last. */
  nextToken: Type.Union([Int(0, 2 ** 31 - 1), Type.Null()]),
});
export type ResultsPage = MessageOf<typeof ResultsPageSchema>;

/** On `query.<id>.cancel` (ask): nothing to say. */
export const CancelRequestSchema = Strict({});
export type CancelRequest = MessageOf<typeof CancelRequestSchema>;

export const CancelReplySchema = Type.Object({ canceled: Type.Boolean(), state: QueryStateSchema });
export type CancelReply = MessageOf<typeof CancelReplySchema>;

export const decodeSubmitRequest = decoderFor(SubmitRequestSchema, {
  name: 'submission',
  code: 'INVALID_SUBMISSION',
});
export const decodeSubmitReply = decoderFor(SubmitReplySchema, { name: 'submit reply' });
export const decodeResultsRequest = decoderFor(ResultsRequestSchema, { name: 'results request' });
export const decodeResultsPage = decoderFor(ResultsPageSchema, { name: 'results page' });
export const decodeCancelRequest = decoderFor(CancelRequestSchema, { name: 'cancel request' });
export const decodeCancelReply = decoderFor(CancelReplySchema, { name: 'cancel reply' });
