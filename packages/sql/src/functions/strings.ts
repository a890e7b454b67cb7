import { QuarryError } from '@quarry/common';
import { BIGINT, BOOLEAN, VARCHAR, type DataType } from '../types/index.js';
import type { Long } from '../types/values.js';
import { defineFamily, defineGenerator, type FunctionFamily } from './registry.js';
import { checkResultLength } from './limits.js';
import { isInt, isStr, simple } from './scalars.js';

/** More string functions: replace, split_part, lpad/rpad, trim with characters, regexp_*, … */

function invalid(message: string): never {
  throw new QuarryError('INVALID_FUNCTION_ARGUMENT', message);
}

function points(s: string): string[] {
  return [...s];
}

/** A family whose every argument is a string or an integer, by position. */
function fixed(name: string, kinds: readonly ('s' | 'i')[][], returnType: DataType): FunctionFamily {
  return {
    signatures: kinds.map((k) => `${name}(${k.map((x) => (x === 's' ? 'varchar' : 'bigint')).join(', ')})`),
    resolve: (ts) => {
      const match = kinds.find(
        (k) => k.length === ts.length && k.every((x, i) => (x === 's' ? isStr : isInt)(ts[i]!)),
      );
      if (!match) return undefined;
      return { id: name, argTypes: match.map((x, i) => (x === 's' ? ts[i]! : BIGINT)), returnType };
    },
  };
}

function replace(s: string, search: string, by = ''): string {
  if (search === '') {
    // Trino inserts the replacement between characters and at both ends
    const cs = points(s);
    checkResultLength('replace', s.length + by.length * (cs.length + (s === '' ? 1 : 2) - 1));
    return by + cs.join(by) + (s === '' ? '' : by);
  }
  const parts = s.split(search);
  checkResultLength('replace', s.length + (parts.length - 1) * (by.length - search.length));
  return parts.join(by);
}
defineFamily(
  'replace',
  fixed(
    'replace',
    [
      ['s', 's'],
      ['s', 's', 's'],
    ],
    VARCHAR,
  ),
);
defineGenerator('replace', (args, _t, _r, ctx) => `${ctx.ref(replace)}(${args.join(', ')})`, {
  arity: [2, 3],
});

function splitPart(s: string, delimiter: string, index: Long): string | null {
  const i = Number(index);
  if (i < 1) invalid('Index must be greater than zero');
  if (delimiter === '') return i === 1 ? s : null;
  const parts = s.split(delimiter);
  return i <= parts.length ? parts[i - 1]! : null;
}
defineFamily('split_part', fixed('split_part', [['s', 's', 'i']], VARCHAR));
defineGenerator('split_part', (args, _t, _r, ctx) => `${ctx.ref(splitPart)}(${args.join(', ')})`, {
  mayReturnNull: true,
  arity: [3, 3],
});

function pad(s: string, size: Long, padding: string, left: boolean): string {
  const n = Number(size);
  if (n < 0 || n > 1 << 30) invalid('Target length must be in the range [0..1073741824]');
  const cs = points(s);
  if (cs.length >= n) return cs.slice(0, n).join('');
  // n code points are at least n code units: refuse before building anything
  checkResultLength(left ? 'lpad' : 'rpad', n);
  const ps = points(padding);
  if (ps.length === 0) invalid('Padding string must not be empty');
  const fill: string[] = [];
  for (let i = 0; fill.length < n - cs.length; i++) fill.push(ps[i % ps.length]!);
  return left ? fill.join('') + s : s + fill.join('');
}
for (const [name, left] of [
  ['lpad', true],
  ['rpad', false],
] as const) {
  defineFamily(name, fixed(name, [['s', 'i', 's']], VARCHAR));
  defineGenerator(name, (args, _t, _r, ctx) => `${ctx.ref(pad)}(${args.join(', ')}, ${left})`, {
    arity: [3, 3],
  });
}

/** trim/ltrim/rtrim with a set of characters to remove (the one-argument forms remove spaces). */
function trimChars(s: string, chars: string, start: boolean, end: boolean): string {
  const set = new Set(points(chars));
  const cs = points(s);
  let a = 0;
  let b = cs.length;
  if (start) while (a < b && set.has(cs[a]!)) a++;
  if (end) while (b > a && set.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}
for (const [name, start, end] of [
  ['trim', true, true],
  ['ltrim', true, false],
  ['rtrim', false, true],
] as const) {
  defineGenerator(
    `${name}:chars`,
    ([s, c], _t, _r, ctx) => `${ctx.ref(trimChars)}(${s}, ${c}, ${start}, ${end})`,
  );
}

function chr(n: Long): string {
  const c = Number(n);
  if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) invalid('Not a valid Unicode code point: ' + c);
  return String.fromCodePoint(c);
}
defineFamily('chr', fixed('chr', [['i']], VARCHAR));
defineGenerator('chr', ([n], _t, _r, ctx) => `${ctx.ref(chr)}(${n})`);

function codepoint(s: string): number {
  const cs = points(s);
  if (cs.length !== 1) invalid('Input string must be a single character string');
  return cs[0]!.codePointAt(0)!;
}
defineFamily(
  'codepoint',
  simple('codepoint(varchar(1)) → integer', [isStr], 'codepoint', () => ({ kind: 'integer' })),
);
defineGenerator('codepoint', ([s], _t, _r, ctx) => `${ctx.ref(codepoint)}(${s})`);

defineFamily('concat_ws', {
  signatures: ['concat_ws(varchar, varchar, ...)'],
  resolve: (ts) =>
    ts.length >= 2 && ts.every(isStr) ? { id: 'concat_ws', argTypes: ts, returnType: VARCHAR } : undefined,
});
// concat_ws skips NULL values; a NULL separator makes the result NULL
function concatWs(sep: string | null, ...values: (string | null)[]): string | null {
  if (sep === null) return null;
  const present = values.filter((v) => v !== null);
  const length = present.reduce((n, v) => n + v.length, 0) + sep.length * Math.max(0, present.length - 1);
  checkResultLength('concat_ws', length);
  return present.join(sep);
}
defineGenerator('concat_ws', (args, _t, _r, ctx) => `${ctx.ref(concatWs)}(${args.join(', ')})`, {
  handlesNulls: true,
  arity: [2, Infinity],
});

function translate(s: string, from: string, to: string): string {
  const f = points(from);
  const t = points(to);
  const map = new Map<string, string | null>();
  f.forEach((c, i) => {
    if (!map.has(c)) map.set(c, i < t.length ? t[i]! : null);
  });
  let out = '';
  for (const c of points(s)) {
    const m = map.get(c);
    if (m === undefined) out += c;
    else if (m !== null) out += m;
  }
  return out;
}
defineFamily('translate', fixed('translate', [['s', 's', 's']], VARCHAR));
defineGenerator('translate', (args, _t, _r, ctx) => `${ctx.ref(translate)}(${args.join(', ')})`, {
  arity: [3, 3],
});

/**
 * The position of the `instance`-th occurrence of `sub` (overlapping ones count), searching from
 * the end for a negative instance; 0 when there are fewer, 1 for an empty `sub`. Positions count
 * code points (Trino counts UTF-16 units when searching from the end, which differs past U+FFFF).
 */
function strposInstance(s: string, sub: string, instance: Long): number {
  const n = Number(instance);
  if (n === 0) invalid("'instance' must be a positive or negative number.");
  if (sub === '') return 1;
  let at = n > 0 ? -1 : s.length;
  for (let found = 0; found < Math.abs(n); found++) {
    if (n < 0 && at === 0) return 0;
    at = n > 0 ? s.indexOf(sub, at + 1) : s.lastIndexOf(sub, at - 1);
    if (at < 0) return 0;
  }
  return points(s.slice(0, at)).length + 1;
}
defineGenerator('strpos:instance', (args, _t, _r, ctx) => `${ctx.ref(strposInstance)}(${args.join(', ')})`, {
  arity: [3, 3],
});

defineFamily('ends_with', fixed('ends_with', [['s', 's']], BOOLEAN));
defineGenerator('ends_with', ([s, p]) => `${s}.endsWith(${p})`);

// --- regular expressions (JavaScript syntax, which covers the common Java/RE2 forms) -------------

const regexCache = new Map<string, RegExp>();
function regex(pattern: string, global = false): RegExp {
  const key = `${global ? 'g' : ''}/${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    try {
      re = new RegExp(pattern, global ? 'gu' : 'u');
    } catch (e) {
      invalid(`Invalid regular expression: ${(e as Error).message}`);
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}
function regexpLike(s: string, p: string): boolean {
  return regex(p).test(s);
}
function regexpReplace(s: string, p: string, by = ''): string {
  // Java's $1 group references read the same in JavaScript replacement strings. Each match's
  // replacement is expanded the same way, one at a time, so the result's size is known as it grows.
  let length = s.length;
  return s.replace(regex(p, true), (...m: unknown[]) => {
    const match = m[0] as string;
    const piece = by.includes('$') ? expandReplacement(by, m) : by;
    length += piece.length - match.length;
    checkResultLength('regexp_replace', length);
    return piece;
  });
}
function regexpExtract(s: string, p: string, group: Long = 0): string | null {
  const m = regex(p).exec(s);
  if (!m) return null;
  const g = Number(group);
  if (g < 0 || g >= m.length) invalid(`Pattern has ${m.length - 1} groups. Cannot access group ${g}`);
  return m[g] ?? null;
}
/** A replacement string with its `$` references filled in for one match, as String.replace does. */
function expandReplacement(by: string, m: readonly unknown[]): string {
  const named = typeof m.at(-1) === 'object' && m.at(-1) !== null;
  const tail = named ? 3 : 2;
  const groups = named ? (m.at(-1) as Record<string, string | undefined>) : undefined;
  const input = m[m.length - tail + 1] as string;
  const offset = m[m.length - tail] as number;
  const captures = m.slice(1, m.length - tail) as (string | undefined)[];
  const match = m[0] as string;
  return by.replace(/\$(\$|&|`|'|\d{1,2}|<([^>]*)>)/g, (whole, t: string, name?: string) => {
    if (t === '$') return '$';
    if (t === '&') return match;
    if (t === '`') return input.slice(0, offset);
    if (t === "'") return input.slice(offset + match.length);
    if (name !== undefined) return groups ? (groups[name] ?? '') : whole;
    // $nn names group nn when it exists, else group n followed by a digit
    const two = Number(t);
    if (t.length === 2 && two >= 1 && two <= captures.length) return captures[two - 1] ?? '';
    const one = Number(t[0]);
    if (one >= 1 && one <= captures.length) return (captures[one - 1] ?? '') + t.slice(1);
    return whole;
  });
}
defineFamily('regexp_like', fixed('regexp_like', [['s', 's']], BOOLEAN));
defineGenerator('regexp_like', (args, _t, _r, ctx) => `${ctx.ref(regexpLike)}(${args.join(', ')})`, {
  arity: [2, 2],
});
defineFamily(
  'regexp_replace',
  fixed(
    'regexp_replace',
    [
      ['s', 's'],
      ['s', 's', 's'],
    ],
    VARCHAR,
  ),
);
defineGenerator('regexp_replace', (args, _t, _r, ctx) => `${ctx.ref(regexpReplace)}(${args.join(', ')})`, {
  arity: [2, 3],
});
defineFamily(
  'regexp_extract',
  fixed(
    'regexp_extract',
    [
      ['s', 's'],
      ['s', 's', 'i'],
    ],
    VARCHAR,
  ),
);
defineGenerator('regexp_extract', (args, _t, _r, ctx) => `${ctx.ref(regexpExtract)}(${args.join(', ')})`, {
  mayReturnNull: true,
  arity: [2, 3],
});
