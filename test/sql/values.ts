/**
 * Values of both engines as text, and the rules that compare them. A value is `null` or its text:
 * integers and decimals as exact digits, doubles as JavaScript prints them, dates `YYYY-MM-DD`,
 * timestamps `YYYY-MM-DD HH:MM:SS[.fraction]` without trailing zeros, intervals as Trino prints them
 * (`D HH:MM:SS.mmm`, `Y-M`), booleans `true`/`false`. The column's quarry type decides how two texts
 * compare (see {@link mismatch}).
 */

export type Text = string | null;

/** What a value of a column is, whichever engine produced it. */
export type Family =
  'bool' | 'int' | 'decimal' | 'float' | 'text' | 'date' | 'timestamp' | 'interval' | 'other';

export function quarryFamily(type: string): Family {
  if (type === 'boolean') return 'bool';
  if (/^(tinyint|smallint|integer|bigint)$/.test(type)) return 'int';
  if (type.startsWith('decimal')) return 'decimal';
  if (type === 'double' || type === 'real') return 'float';
  if (/^(varchar|char)\b/.test(type)) return 'text';
  if (type === 'date') return 'date';
  if (type.startsWith('timestamp')) return 'timestamp';
  if (type.startsWith('interval')) return 'interval';
  return 'other';
}

export function duckFamily(type: string): Family | 'null' {
  if (type === 'BOOLEAN') return 'bool';
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(type)) return 'int';
  if (type.startsWith('DECIMAL')) return 'decimal';
  if (type === 'DOUBLE' || type === 'FLOAT') return 'float';
  if (type === 'VARCHAR') return 'text';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  if (type === 'INTERVAL') return 'interval';
  if (type === '"NULL"' || type === 'NULL') return 'null';
  return 'other';
}

/**
 * Whether a quarry column may be compared with a DuckDB column. Besides equal families: a decimal
 * with DuckDB's double (DuckDB's avg of decimals is a double, Trino's keeps the scale) and a date
 * with DuckDB's timestamp (DuckDB's date + interval and date_trunc of a date are timestamps).
 */
export function compatible(quarry: string, duck: string): boolean {
  const q = quarryFamily(quarry);
  const d = duckFamily(duck);
  return (
    q === d ||
    d === 'null' ||
    quarry === 'unknown' ||
    (q === 'decimal' && d === 'float') ||
    (q === 'date' && d === 'timestamp')
  );
}

// --- to text --------------------------------------------------------------------------------

export function timestampText(text: string): string {
  const m = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(text);
  if (!m) return text;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  return `${m[1]} ${m[2]}${fraction ? `.${fraction}` : ''}`;
}

/** A DuckDB interval as Trino prints it: day to second when it has no months, year to month when only months. */
export function intervalText(v: { months: number; days: number; micros: string | number }): string {
  const micros = BigInt(v.micros);
  if (v.months !== 0 && v.days === 0 && micros === 0n) {
    const sign = v.months < 0 ? '-' : '';
    const m = Math.abs(v.months);
    return `${sign}${Math.floor(m / 12)}-${m % 12}`;
  }
  if (v.months !== 0) return `months=${v.months} days=${v.days} micros=${micros}`;
  const total = BigInt(v.days) * 86_400_000_000n + micros;
  const sign = total < 0n ? '-' : '';
  const abs = total < 0n ? -total : total;
  const ms = abs / 1000n;
  const days = ms / 86_400_000n;
  const pad = (n: bigint, w = 2) => String(n).padStart(w, '0');
  const rest = ms % 86_400_000n;
  return `${sign}${days} ${pad(rest / 3_600_000n)}:${pad((rest / 60_000n) % 60n)}:${pad((rest / 1000n) % 60n)}.${pad(rest % 1000n, 3)}`;
}

function numberText(v: unknown): string {
  return typeof v === 'number' ? String(v) : String(v);
}

/** A value of DuckDB's JSON form (`getRowsJson`) as text, by the column's DuckDB type. */
export function duckText(type: string, v: unknown): Text {
  if (v === null || v === undefined) return null;
  switch (duckFamily(type)) {
    case 'float':
      return numberText(v);
    case 'timestamp':
      return timestampText(String(v));
    case 'interval':
      return intervalText(v as { months: number; days: number; micros: string });
    case 'other':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return String(v);
  }
}

/** A value of quarry's result rows as text, by the column's type. */
export function quarryText(type: string, v: unknown): Text {
  if (v === null || v === undefined) return null;
  switch (quarryFamily(type)) {
    case 'float':
      return numberText(v);
    case 'timestamp':
      return timestampText(String(v));
    case 'other':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return String(v);
  }
}

// --- stored rows ------------------------------------------------------------------------------

/** Text that must be quoted in a stored row to read back the same (JSON string syntax). */
function needsQuotes(s: string): boolean {
  return s === '' || s === 'NULL' || /^\s|\s$|[|"\\\n\r\t\u0000-\u001f]/.test(s);
}

export function formatRow(row: readonly Text[]): string {
  return row.map((v) => (v === null ? 'NULL' : needsQuotes(v) ? JSON.stringify(v) : v)).join('|');
}

export function parseRow(line: string): Text[] {
  const out: Text[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      out.push(JSON.parse(line.slice(i, j + 1)) as string);
      i = j + 1;
    } else {
      const j = line.indexOf('|', i);
      const raw = j < 0 ? line.slice(i) : line.slice(i, j);
      out.push(raw === 'NULL' ? null : raw);
      i = j < 0 ? line.length : j;
    }
    if (i >= line.length) return out;
    i++; // the separator
  }
}

// --- comparison ---------------------------------------------------------------------------------

interface Decimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

function parseDecimal(text: string): Decimal | undefined {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text.trim());
  if (!m || (!m[2] && !m[3])) return undefined;
  const fraction = m[3] ?? '';
  let unscaled = BigInt(`${m[2] || '0'}${fraction}`) * (m[1] === '-' ? -1n : 1n);
  let scale = fraction.length - Number(m[4] ?? 0);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled, scale };
}

/** `d` at `scale` digits, rounded half away from zero (as Trino rounds decimals). */
function rescale(d: Decimal, scale: number): bigint {
  if (scale >= d.scale) return d.unscaled * 10n ** BigInt(scale - d.scale);
  const divisor = 10n ** BigInt(d.scale - scale);
  const q = d.unscaled / divisor;
  const r = d.unscaled % divisor;
  return (r < 0n ? -r : r) * 2n >= divisor ? q + (d.unscaled < 0n ? -1n : 1n) : q;
}

/**
 * A double as the shortest text that reads back as it: an average DuckDB computed from exact
 * decimals then prints as the decimal it approximates (0.015, not 0.01499…), which rounds half up as
 * Trino's exact decimal average does.
 */
function shortestDouble(text: string): string {
  const x = Number(text);
  return Number.isFinite(x) ? String(x) : text;
}

function floatValue(text: string): number {
  return text === 'Infinity' ? Infinity : text === '-Infinity' ? -Infinity : Number(text);
}

/** Where the expected value came from, when that changes the rule. */
export interface ExpectedSource {
  /** DuckDB computed a double where quarry has a decimal (round half up to the column's scale). */
  readonly fromDouble?: boolean;
}

/**
 * Why quarry's value `got` differs from `expected` in a column of quarry type `type`, or undefined
 * when they agree: decimals exactly as numbers (`1.50` = `1.5`; a DuckDB double rounded half up to the
 * column's scale first), doubles to 1e-9 relative (reals to 1e-6), integers exactly, dates and
 * timestamps as ISO text (DuckDB's midnight timestamp equals a date), everything else as text.
 */
export function mismatch(
  type: string,
  got: Text,
  expected: Text,
  source: ExpectedSource = {},
): string | undefined {
  if (got === null || expected === null) return got === expected ? undefined : 'NULL differs';
  switch (quarryFamily(type)) {
    case 'decimal': {
      const scale = Number(/,\s*(\d+)\)/.exec(type)?.[1] ?? 0);
      const mine = parseDecimal(got);
      const theirs = parseDecimal(source.fromDouble ? shortestDouble(expected) : expected);
      if (!mine || !theirs) return 'not a decimal';
      if (source.fromDouble) return rescale(mine, scale) === rescale(theirs, scale) ? undefined : 'differs';
      const s = Math.max(mine.scale, theirs.scale);
      return rescale(mine, s) === rescale(theirs, s) ? undefined : 'differs';
    }
    case 'float': {
      const a = floatValue(got);
      const b = floatValue(expected);
      if (Number.isNaN(a) || Number.isNaN(b))
        return Number.isNaN(a) && Number.isNaN(b) ? undefined : 'differs';
      if (a === b) return undefined;
      const tolerance = type === 'real' ? 1e-6 : 1e-9;
      return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b)) || Math.abs(a - b) < 1e-12
        ? undefined
        : 'differs beyond the tolerance';
    }
    case 'int':
      return /^-?\d+$/.test(expected) && /^-?\d+$/.test(got) && BigInt(got) === BigInt(expected)
        ? undefined
        : 'differs';
    case 'date':
      return got === expected.replace(/ 00:00:00$/, '') ? undefined : 'differs';
    case 'timestamp':
      return timestampText(got) === timestampText(expected) ? undefined : 'differs';
    default:
      return got === expected ? undefined : 'differs';
  }
}

/**
 * A key that sorts a row among the others for a comparison as multisets: each value normalized by
 * the column's type, so that values `mismatch` calls equal (almost always) get the same key.
 */
export function sortKey(
  types: readonly string[],
  row: readonly Text[],
  sources: readonly ExpectedSource[] = [],
): string {
  return row
    .map((v, i) => {
      if (v === null) return '\u0000';
      const type = types[i] ?? 'varchar';
      switch (quarryFamily(type)) {
        case 'decimal': {
          const scale = Number(/,\s*(\d+)\)/.exec(type)?.[1] ?? 0);
          const d = parseDecimal(sources[i]?.fromDouble ? shortestDouble(v) : v);
          if (!d) return v;
          let unscaled = sources[i]?.fromDouble ? rescale(d, scale) : d.unscaled;
          let s = sources[i]?.fromDouble ? scale : d.scale;
          while (s > 0 && unscaled % 10n === 0n) {
            unscaled /= 10n;
            s--;
          }
          return `${unscaled}e-${s}`;
        }
        case 'float': {
          const x = floatValue(v);
          return Number.isFinite(x) ? x.toPrecision(8) : String(x);
        }
        case 'date':
          return v.replace(/ 00:00:00$/, '');
        default:
          return v;
      }
    })
    .join('\u0001');
}
