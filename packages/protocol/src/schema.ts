import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { QuarryError, type ErrorCode } from '@quarry/common';

/**
 * Turns a value fresh off the wire (msgpack or JSON, already parsed) into a typed message, or throws
 * a QuarryError naming the first thing wrong (its JSON-pointer path and why). A decoder never throws
 * anything else, whatever it is given; what it returns is the value itself, checked, not a copy.
 */
export type Decoder<M> = (value: unknown) => M;

/** Messages are read, never changed: every field and array of a decoded message is readonly. */
export type DeepReadonly<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** The TypeScript type of the messages a schema accepts. */
export type MessageOf<S extends TSchema> = DeepReadonly<Static<S>>;

export interface DecoderOptions {
  /** What the message is called in errors: "Invalid heartbeat at /workerId: …". */
  readonly name: string;
  /** The error's code; INVALID_MESSAGE unless the subject has its own (submissions). */
  readonly code?: ErrorCode;
}

/**
 * A decoder checking one schema with TypeBox's compiled checker: the schema is compiled once, on
 * first use, into a plain JavaScript predicate (no interpretation of the schema per message: the
 * heartbeat and task-status paths are hot). Errors are computed only for invalid messages.
 */
export function decoderFor<S extends TSchema>(schema: S, options: DecoderOptions): Decoder<MessageOf<S>> {
  let check: TypeCheck<S> | undefined;
  return (value) => {
    check ??= TypeCompiler.Compile(schema);
    if (check.Check(value)) return value as MessageOf<S>;
    const first = check.Errors(value).First();
    throw invalid(options, first?.path ?? '', first?.message ?? 'not valid');
  };
}

/**
 * A decoder for a union of objects told apart by one literal field (`type`, `state`): the field picks
 * the variant, and the error names what is wrong inside that variant instead of "no variant matched".
 */
export function unionDecoderFor<K extends string, V extends Record<string, TObject>>(
  key: K,
  variants: V,
  options: DecoderOptions,
): Decoder<MessageOf<V[keyof V]>> {
  const decoders = new Map<unknown, Decoder<unknown>>(
    Object.entries(variants).map(([tag, schema]) => [tag, decoderFor(schema, options)]),
  );
  const tags = [...decoders.keys()].join(', ');
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalid(options, '', 'Expected object');
    const tag = (value as Record<string, unknown>)[key];
    const decode = Object.hasOwn(value, key) ? decoders.get(tag) : undefined;
    if (!decode) throw invalid(options, `/${key}`, `Expected one of ${tags}`);
    return decode(value) as MessageOf<V[keyof V]>;
  };
}

/** `Invalid heartbeat at /workerId: Expected string`: the JSON-pointer path, then the reason. */
function invalid(options: DecoderOptions, path: string, reason: string): QuarryError {
  const where = path === '' ? '' : ` at ${path}`;
  return new QuarryError(options.code ?? 'INVALID_MESSAGE', `Invalid ${options.name}${where}: ${reason}`);
}

// --- building blocks ---------------------------------------------------------------------------

/** Ids that become NATS subject tokens and storage path segments: no dots, wildcards, separators. */
export const SAFE_ID_PATTERN = '^[A-Za-z0-9_-]{1,128}$';

/** A query id, worker id, incarnation: letters, digits, `_` and `-`, 1–128 of them. */
export const SafeId = Type.String({ pattern: SAFE_ID_PATTERN, maxLength: 128 });

/**
 * A secret a client holds: a query's capability, the secret it chose for a submission, an admin
 * token. URL-safe text of 16 to 256 characters (a capability is 43: 32 bytes in base64url).
 */
export const SecretText = Type.String({ pattern: '^[A-Za-z0-9_~.+/=-]{16,256}$' });

/** Counts, indexes, sizes: whole numbers from 0 up to what a double holds exactly. */
export const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** A whole number in [min, max]. */
export function Int(minimum: number, maximum: number) {
  return Type.Integer({ minimum, maximum });
}

/** Milliseconds since the epoch (or a duration in ms). */
export const Millis = Count;

/** Human-readable text of bounded length (messages, host names, SQL excerpts). */
export function Text(maxLength: number) {
  return Type.String({ maxLength });
}

/** An object whose fields are exactly the given ones (unknown fields are refused). */
export function Strict<P extends Parameters<typeof Type.Object>[0]>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}
