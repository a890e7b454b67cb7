import { QuarryError } from '@quarry/common';

/**
 * The largest value a function may compute: 1 MiB, counted in UTF-16 code units for strings
 * (1 048 576 characters of ASCII text). Trino caps its string functions near 1 MB too. The check
 * runs before the result is built wherever its size is known in advance, so an oversized request
 * (`lpad('a', 1000000000, 'b')`) fails at once instead of exhausting the process's memory — on a
 * worker per row, on the coordinator while folding constants.
 */
export const MAX_FUNCTION_RESULT_LENGTH = 1 << 20;

/** Fails with EXCEEDED_FUNCTION_MEMORY_LIMIT when `fn` would produce `length` code units. */
export function checkResultLength(fn: string, length: number): void {
  if (length > MAX_FUNCTION_RESULT_LENGTH) {
    throw new QuarryError(
      'EXCEEDED_FUNCTION_MEMORY_LIMIT',
      `${fn}: the result would be ${length} characters, over the limit of ${MAX_FUNCTION_RESULT_LENGTH} (1 MiB)`,
    );
  }
}

/** `a || b` and concat(…), within the limit. */
export function concatChecked(...parts: string[]): string {
  let length = 0;
  for (const p of parts) length += p.length;
  checkResultLength('concat', length);
  return parts.join('');
}

export function concat2(a: string, b: string): string {
  checkResultLength('concat', a.length + b.length);
  return a + b;
}
