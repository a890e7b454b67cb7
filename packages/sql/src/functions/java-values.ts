import type { Decimal } from './java-numbers.js';

/** The values and errors of Java's Formatter, as `format()` (format.ts) meets them. */

/** An argument as Trino hands it to Java: its class decides which conversions accept it. */
export type JavaValue =
  | null
  | { readonly cls: 'Long'; readonly v: bigint }
  | { readonly cls: 'Double' | 'Float'; readonly v: number }
  | { readonly cls: 'BigDecimal'; readonly d: Decimal }
  | { readonly cls: 'String'; readonly v: string }
  | { readonly cls: 'Boolean'; readonly v: boolean }
  | { readonly cls: 'LocalDate'; readonly days: number }
  | { readonly cls: 'LocalDateTime'; readonly micros: number };

export const CLASS_NAMES: Readonly<Record<NonNullable<JavaValue>['cls'], string>> = {
  Long: 'java.lang.Long',
  Double: 'java.lang.Double',
  Float: 'java.lang.Float',
  BigDecimal: 'java.math.BigDecimal',
  String: 'java.lang.String',
  Boolean: 'java.lang.Boolean',
  LocalDate: 'java.time.LocalDate',
  LocalDateTime: 'java.time.LocalDateTime',
};

/** A java.util.IllegalFormatException: its simple name without `Exception`, and its message. */
export class JavaFormatError extends Error {
  constructor(
    readonly kind: string,
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
  }
}
