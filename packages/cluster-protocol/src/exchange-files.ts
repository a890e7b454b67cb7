import { Type } from '@sinclair/typebox';
import { Count, Int, type MessageOf } from '@quarry/protocol';

/** Most files one task's input or output may list. */
export const MAX_FILES = 100_000;
/** Most bytes an inline file may carry (`exchange.sink-inline-max-size` is at most this). */
export const MAX_INLINE_BYTES = 256 * 1024;

/**
 * An exchange file's address: `file://` or `s3://`, no control characters, no `..` segment, at most 4 kB. Where
 * it may point (inside the exchange's base directories) is the exchange's own check.
 */
export const EXCHANGE_URI_PATTERN = '^(file|s3)://(?!(.*/)?\\.\\.(/|$))[^\\x00-\\x1f\\x7f]+$';

/** A spooled file, as `@quarry/exchange`'s `ExchangeFile`: a sink's output, a source's input. */
export const ExchangeFileSchema = Type.Object(
  {
    uri: Type.String({ pattern: EXCHANGE_URI_PATTERN, maxLength: 4096 }),
    partition: Int(0, 1_000_000),
    /** The file's size; the reader checks it. */
    bytes: Count,
    /** Pages in the file; the reader checks it. */
    pages: Count,
    /** The file's bytes, kept inline instead of stored (a tiny output): readers read these. */
    data: Type.Optional(Type.Uint8Array({ maxByteLength: MAX_INLINE_BYTES })),
  },
  { additionalProperties: false },
);
export type ExchangeFile = MessageOf<typeof ExchangeFileSchema>;

export const ExchangeFilesSchema = Type.Array(ExchangeFileSchema, { maxItems: MAX_FILES });
