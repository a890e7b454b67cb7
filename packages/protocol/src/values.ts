import { Kind, Type, TypeRegistry } from '@sinclair/typebox';
import { Int, SafeId, Strict, Text, type MessageOf } from './schema.js';

/** Longest error message carried (SQL errors quote text; stacks are dropped on the wire). */
export const MAX_ERROR_MESSAGE = 64 * 1024;

export const ErrorTypeSchema = Type.Union([
  Type.Literal('USER_ERROR'),
  Type.Literal('INTERNAL_ERROR'),
  Type.Literal('INSUFFICIENT_RESOURCES'),
  Type.Literal('EXTERNAL'),
]);

/** An error as it crosses NATS ({@link import('@quarry/common').ErrorData}). */
export const ErrorDataSchema = Strict({
  code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' }),
  type: ErrorTypeSchema,
  message: Text(MAX_ERROR_MESSAGE),
  location: Type.Optional(Strict({ line: Int(1, 1e9), column: Int(1, 1e9) })),
  stack: Type.Optional(Text(MAX_ERROR_MESSAGE)),
});

/**
 * An error cut to what {@link ErrorDataSchema} accepts (message and stack at most
 * {@link MAX_ERROR_MESSAGE} characters), for senders: a message its receiver would refuse is lost.
 */
export function boundedError<E extends { readonly message: string; readonly stack?: string }>(error: E): E {
  const cut = (text: string) =>
    text.length <= MAX_ERROR_MESSAGE ? text : `${text.slice(0, MAX_ERROR_MESSAGE - 16)} … (truncated)`;
  const { stack, ...rest } = error;
  return { ...rest, message: cut(error.message), ...(stack === undefined ? {} : { stack: cut(stack) }) } as E;
}

// Any JavaScript number, NaN and ±Infinity included: a SQL double may be any of them. TypeBox's
// own Number refuses NaN and infinities, which is what every other numeric field wants.
TypeRegistry.Set('QuarryAnyNumber', (_schema, value) => typeof value === 'number');
const AnyNumber = Type.Unsafe<number>({ [Kind]: 'QuarryAnyNumber' });

/**
 * A value in a result row as clients get it: SQL NULL, a boolean, a number (integers beyond 2^53,
 * decimals, dates and timestamps come as strings, exact), a string; an array or row as a list, a
 * map as an object (keys as text), as Trino's client protocol encodes them.
 */
export const ExternalValueSchema = Type.Recursive(
  (This) =>
    Type.Union([
      Type.Null(),
      Type.Boolean(),
      AnyNumber,
      Type.String(),
      Type.Array(This),
      Type.Record(Type.String(), This),
    ]),
  { $id: 'QuarryExternalValue' },
);
export type ExternalValue = MessageOf<typeof ExternalValueSchema>;

export const ResultColumnSchema = Type.Object({ name: Text(64 * 1024), type: Text(64 * 1024) });
export type ResultColumn = MessageOf<typeof ResultColumnSchema>;

export const QueryStateSchema = Type.Union([
  Type.Literal('QUEUED'),
  Type.Literal('PLANNING'),
  Type.Literal('RUNNING'),
  Type.Literal('FINISHED'),
  Type.Literal('FAILED'),
]);
export type QueryState = MessageOf<typeof QueryStateSchema>;

export const TaskStateSchema = Type.Union([
  Type.Literal('RUNNING'),
  Type.Literal('FINISHED'),
  Type.Literal('FAILED'),
]);
export type TaskState = MessageOf<typeof TaskStateSchema>;

/** Task ids: `<stage>.<partition>.<attempt>`, prefixed `q<n>.` for query attempt n > 0. */
export const TASK_ID_PATTERN = '^(q[0-9]{1,6}\\.)?[0-9]{1,9}\\.[0-9]{1,9}\\.[0-9]{1,9}$';
export const TaskIdSchema = Type.String({ pattern: TASK_ID_PATTERN, maxLength: 40 });

/** Largest stage id, partition, attempt and query attempt a message may name. */
export const MAX_STAGE = 100_000;
export const MAX_PARTITION = 1_000_000;
export const MAX_ATTEMPT = 1_000_000;

export const TaskRefSchema = Type.Object({
  taskId: TaskIdSchema,
  /** 0, or the query attempt under retry policy QUERY. */
  queryAttempt: Int(0, MAX_ATTEMPT),
  stageId: Int(0, MAX_STAGE),
  partition: Int(0, MAX_PARTITION),
  attempt: Int(0, MAX_ATTEMPT),
  workerId: SafeId,
});
export type TaskRef = MessageOf<typeof TaskRefSchema>;
