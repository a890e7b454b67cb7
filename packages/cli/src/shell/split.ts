/** One statement of a script: its text (without the `;`) and the line of the script it starts on. */
export interface ScriptStatement {
  readonly sql: string;
  /** 1-based line of the script where the statement's text begins. */
  readonly line: number;
}

/** What `splitStatements` found: complete statements, and the text after the last `;`. */
export interface SplitResult {
  readonly statements: ScriptStatement[];
  /** Text after the last complete statement: empty, blank, or an unfinished statement. */
  readonly rest: string;
}

/**
 * Cuts SQL text into statements at each `;` outside string literals ('…'), quoted identifiers
 * ("…") and comments (`-- …` to the end of the line, `/* … *\/`). Statements that hold nothing but
 * blanks and comments are left out. The engine parses each statement; this only finds their ends.
 */
export function splitStatements(text: string): SplitResult {
  const statements: ScriptStatement[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') i = skipQuoted(text, i, c);
    else if (c === '-' && text[i + 1] === '-') i = skipTo(text, i, '\n');
    else if (c === '/' && text[i + 1] === '*') i = skipTo(text, i + 2, '*/');
    else if (c === ';') {
      push(statements, text, start, i);
      start = ++i;
    } else i++;
  }
  return { statements, rest: text.slice(start) };
}

/** Whether text holds nothing but blanks and comments. */
export function isBlank(text: string): boolean {
  return stripComments(text).trim() === '';
}

function push(out: ScriptStatement[], text: string, start: number, end: number): void {
  const raw = text.slice(start, end);
  if (isBlank(raw)) return;
  const lead = raw.length - raw.trimStart().length;
  const line = 1 + countLines(text.slice(0, start + lead));
  out.push({ sql: raw.trim(), line });
}

function countLines(text: string): number {
  let n = 0;
  for (const c of text) if (c === '\n') n++;
  return n;
}

/** The index after a quoted run that starts at `i` (a doubled quote stays inside); the end if unclosed. */
function skipQuoted(text: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < text.length) {
    if (text[j] === quote) {
      if (text[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

/** The index after the next `end` from `i`, or the text's end. */
function skipTo(text: string, i: number, end: string): number {
  const k = text.indexOf(end, i);
  return k < 0 ? text.length : k + end.length;
}

function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const j = skipQuoted(text, i, c);
      out += text.slice(i, j);
      i = j;
    } else if (c === '-' && text[i + 1] === '-') i = skipTo(text, i, '\n');
    else if (c === '/' && text[i + 1] === '*') i = skipTo(text, i + 2, '*/');
    else out += text[i++];
  }
  return out;
}
