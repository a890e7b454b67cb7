import { formatDouble } from './casts.js';

/**
 * JSON text read into a tree that keeps what Trino's JSON functions keep: object members in their
 * order (duplicates too), each number's text. Strict JSON as Jackson reads it by default (no
 * comments, single quotes, NaN or trailing commas), nesting up to 1 000 levels. Written back
 * compactly as Jackson writes: integers as digits, other numbers as Java doubles (`1.0`, `1.0E10`),
 * strings with `"`, `\`, and control characters escaped (`\n`, `\t`, `\r`, `\b`, `\f`, else `\u00XX`).
 */

export type JsonNode =
  | { readonly t: 'object'; readonly members: readonly (readonly [string, JsonNode])[] }
  | { readonly t: 'array'; readonly items: readonly JsonNode[] }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly text: string }
  | { readonly t: 'true' | 'false' | 'null' };

export const MAX_JSON_DEPTH = 1000;

class Malformed extends Error {}

/** The tree of a JSON text, or undefined when it is not JSON. */
export function parseJson(text: string): JsonNode | undefined {
  const reader = new Reader(text);
  try {
    const value = reader.value(0);
    reader.space();
    return reader.done() ? value : undefined;
  } catch (e) {
    if (e instanceof Malformed) return undefined;
    throw e;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at === this.text.length;
  }

  space(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at++;
  }

  private fail(): never {
    throw new Malformed();
  }

  private expect(c: string): void {
    this.space();
    if (this.text[this.at] !== c) this.fail();
    this.at++;
  }

  value(depth: number): JsonNode {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { t: 'string', v: this.string() };
    for (const word of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return { t: word };
      }
    }
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail();
    this.at += m[0].length;
    return { t: 'number', text: m[0] };
  }

  private object(depth: number): JsonNode {
    if (depth >= MAX_JSON_DEPTH) this.fail();
    this.at++;
    const members: [string, JsonNode][] = [];
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return { t: 'object', members };
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail();
      const key = this.string();
      this.expect(':');
      members.push([key, this.value(depth + 1)]);
      this.space();
      if (this.text[this.at] === '}') break;
      this.expect(',');
    }
    this.at++;
    return { t: 'object', members };
  }

  private array(depth: number): JsonNode {
    if (depth >= MAX_JSON_DEPTH) this.fail();
    this.at++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return { t: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.space();
      if (this.text[this.at] === ']') break;
      this.expect(',');
    }
    this.at++;
    return { t: 'array', items };
  }

  private string(): string {
    let out = '';
    for (this.at++; ;) {
      const c = this.text[this.at++];
      if (c === undefined || c < ' ') this.fail();
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.at++] ?? '';
      if (e === 'u') {
        const hex = this.text.slice(this.at, this.at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 4;
      } else if (ESCAPES[e] !== undefined) out += ESCAPES[e];
      else this.fail();
    }
  }
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

export function quoteJson(s: string): string {
  const escaped = s.replace(
    /["\\\u0000-\u001f]/g,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`,
  );
  return `"${escaped}"`;
}

/** A number's text as Jackson writes the value it read: integers as digits, others as a double. */
export function numberText(text: string): string {
  if (/^-?\d+$/.test(text)) return BigInt(text).toString();
  return formatDouble(Number(text));
}

/** Compact JSON text; `sorted` orders object members by key, the last of duplicates winning (json_parse). */
export function writeJson(node: JsonNode, sorted = false): string {
  switch (node.t) {
    case 'object': {
      let members = node.members;
      if (sorted) {
        const byKey = new Map(members);
        members = [...byKey.keys()].sort().map((k) => [k, byKey.get(k)!] as const);
      }
      return `{${members.map(([k, v]) => `${quoteJson(k)}:${writeJson(v, sorted)}`).join(',')}}`;
    }
    case 'array':
      return `[${node.items.map((i) => writeJson(i, sorted)).join(',')}]`;
    case 'string':
      return quoteJson(node.v);
    case 'number':
      return numberText(node.text);
    default:
      return node.t;
  }
}
