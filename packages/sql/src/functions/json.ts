import { QuarryError } from '@quarry/common';
import { BIGINT, VARCHAR } from '../types/index.js';
import { checkResultLength } from './limits.js';
import { parseJson, writeJson, type JsonNode } from './json-value.js';
import { defineFamily, defineGenerator } from './registry.js';
import { isStr, simple } from './scalars.js';

/**
 * Trino's JSON functions, with JSON values as varchar (quarry has no JSON type): a JSON value is
 * its compact text. json_parse checks and canonicalizes text (members sorted by key, as Trino's
 * JSON type stores it); json_format writes a JSON value's text; json_extract and
 * json_extract_scalar follow Trino's JSONPath subset (`$`, `.key`, `["key"]`, `[n]`), returning
 * NULL when the path finds nothing or the input is not JSON; json_array_length counts an array's
 * elements (NULL for anything else). An invalid path is INVALID_FUNCTION_ARGUMENT `Invalid JSON
 * path: '…'`; text json_parse cannot read is `Cannot convert value to JSON: '…'`.
 */

function invalid(message: string): never {
  throw new QuarryError('INVALID_FUNCTION_ARGUMENT', message);
}

/** A compiled path: each step a member name or an array index (also tried as a member name). */
type Path = readonly string[];

const pathCache = new Map<string, Path>();

/** Trino's JSONPath subset: `$` then `.name` (letters, digits, `_`, `:`), `[n]` or `["name"]`. */
export function compilePath(text: string): Path {
  const cached = pathCache.get(text);
  if (cached) return cached;
  const bad = (): never => invalid(`Invalid JSON path: '${text}'`);
  if (!text.startsWith('$')) bad();
  const steps: string[] = [];
  let i = 1;
  while (i < text.length) {
    if (text[i] === '.') {
      const m = /^[\p{L}\p{N}_:]+/u.exec(text.slice(i + 1)) ?? bad();
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (text[i] === '[') {
      const m = /^\[(?:(\d+)|"((?:[^"\\]|\\.)*)")\]/.exec(text.slice(i)) ?? bad();
      steps.push(m[1] ?? m[2]!.replace(/\\(.)/g, '$1'));
      i += m[0].length;
    } else bad();
  }
  if (pathCache.size > 1000) pathCache.clear();
  pathCache.set(text, steps);
  return steps;
}

/** The value a path leads to: a member by name (the first of duplicates), an element by index. */
function follow(node: JsonNode, path: Path): JsonNode | undefined {
  let at: JsonNode | undefined = node;
  for (const step of path) {
    if (at.t === 'object') at = at.members.find(([k]) => k === step)?.[1];
    else if (at.t === 'array' && /^\d+$/.test(step)) at = at.items[Number(step)];
    else return undefined;
    if (at === undefined) return undefined;
  }
  return at;
}

function jsonParse(text: string): string {
  const node = parseJson(text);
  if (!node) invalid(`Cannot convert value to JSON: '${text}'`);
  const out = writeJson(node, true);
  checkResultLength('json_parse', out.length);
  return out;
}

function jsonFormat(json: string): string {
  const node = parseJson(json);
  if (!node) invalid(`Cannot convert value to JSON: '${json}'`);
  return writeJson(node);
}

function jsonExtract(json: string, path: string): string | null {
  const steps = compilePath(path);
  const node = parseJson(json);
  const found = node && follow(node, steps);
  return found ? writeJson(found) : null;
}

function jsonExtractScalar(json: string, path: string): string | null {
  const steps = compilePath(path);
  const node = parseJson(json);
  const found = node && follow(node, steps);
  if (!found) return null;
  switch (found.t) {
    case 'string':
      return found.v;
    case 'number':
      return found.text;
    case 'true':
    case 'false':
      return found.t;
    default:
      return null;
  }
}

function jsonArrayLength(json: string): number | null {
  const node = parseJson(json);
  return node?.t === 'array' ? node.items.length : null;
}

defineFamily(
  'json_parse',
  simple('json_parse(varchar) → json (as varchar)', [isStr], 'json_parse', () => VARCHAR),
);
defineGenerator('json_parse', ([s], _t, _r, ctx) => `${ctx.ref(jsonParse)}(${s})`);
defineFamily(
  'json_format',
  simple('json_format(json) → varchar', [isStr], 'json_format', () => VARCHAR),
);
defineGenerator('json_format', ([s], _t, _r, ctx) => `${ctx.ref(jsonFormat)}(${s})`);
defineFamily(
  'json_extract',
  simple('json_extract(json, varchar) → json (as varchar)', [isStr, isStr], 'json_extract', () => VARCHAR),
);
defineGenerator('json_extract', ([j, p], _t, _r, ctx) => `${ctx.ref(jsonExtract)}(${j}, ${p})`, {
  mayReturnNull: true,
});
defineFamily(
  'json_extract_scalar',
  simple(
    'json_extract_scalar(json, varchar) → varchar',
    [isStr, isStr],
    'json_extract_scalar',
    () => VARCHAR,
  ),
);
defineGenerator('json_extract_scalar', ([j, p], _t, _r, ctx) => `${ctx.ref(jsonExtractScalar)}(${j}, ${p})`, {
  mayReturnNull: true,
});
defineFamily(
  'json_array_length',
  simple('json_array_length(json) → bigint', [isStr], 'json_array_length', () => BIGINT),
);
defineGenerator('json_array_length', ([j], _t, _r, ctx) => `${ctx.ref(jsonArrayLength)}(${j})`, {
  mayReturnNull: true,
});
