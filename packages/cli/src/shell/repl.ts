import { createInterface, type Interface } from 'node:readline';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history.js';
import type { StatementRunner } from './runner.js';
import type { ShellSession } from './session.js';
import { isBlank, splitStatements } from './split.js';

export interface ReplOptions {
  readonly runner: StatementRunner;
  readonly session: ShellSession;
  readonly historyPath: string;
}

type Input =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'eof' };

const HELP = `Statements end with ';' and may span lines. Besides SQL:
  USE [catalog.]schema            set the session's catalog and schema
  SET SESSION name = value        set a session property (RESET SESSION name removes it)
  quit, exit or Ctrl-D            leave
Ctrl-C cancels the running query, or clears the statement being typed.
`;

/**
 * The interactive shell, as Trino's CLI: a prompt with the session's schema, statements ended by
 * `;` over as many lines as they take (several on a line run in order), a history file, and Ctrl-C
 * cancelling the running query rather than the shell. While a statement runs the terminal is given
 * back its ordinary mode, so that Ctrl-C arrives as a signal and the pager owns the keyboard.
 */
export async function runRepl(o: ReplOptions): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    history: loadHistory(o.historyPath),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  let historyWarned = false;
  rl.on('history', (history: string[]) => {
    const problem = saveHistory(o.historyPath, history);
    if (problem && !historyWarned) process.stderr.write(`quarry: ${problem}\n`);
    historyWarned ||= problem !== undefined;
  });
  const input = lineQueue(rl);
  // a real SIGINT comes only while a statement runs (the terminal is in its ordinary mode then)
  const onSignal = () => void o.runner.cancel();
  process.on('SIGINT', onSignal);
  let buffer = '';
  try {
    for (;;) {
      const next = await input.read(promptOf(o.session, buffer !== ''));
      if (next.kind === 'eof') break;
      if (next.kind === 'interrupt') {
        buffer = '';
        continue;
      }
      if (buffer === '' && /^\s*(quit|exit)\s*;?\s*$/i.test(next.text)) break;
      if (buffer === '' && /^\s*help\s*;?\s*$/i.test(next.text)) {
        process.stdout.write(HELP);
        continue;
      }
      buffer = buffer === '' ? next.text : `${buffer}\n${next.text}`;
      const { statements, rest } = splitStatements(buffer);
      buffer = isBlank(rest) ? '' : rest.trimStart();
      if (statements.length === 0) continue;
      await withTerminalReleased(rl, async () => {
        for (const s of statements) await o.runner.run(s.sql);
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    rl.close();
  }
  process.stdout.write('\n');
  return 0;
}

/** `quarry> ` or `quarry:tiny> ` (the session's schema), and `     -> ` under it for more lines. */
function promptOf(session: ShellSession, continuing: boolean): string {
  const prompt = `quarry${session.schema ? `:${session.schema}` : ''}> `;
  return continuing ? `${' '.repeat(prompt.length - 3)}-> ` : prompt;
}

/** Lines, Ctrl-C and Ctrl-D from readline, one at a time as the loop asks for them. */
function lineQueue(rl: Interface): { read(prompt: string): Promise<Input> } {
  const queued: Input[] = [];
  let waiting: ((input: Input) => void) | undefined;
  const push = (input: Input) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(input);
    } else queued.push(input);
  };
  rl.on('line', (text) => push({ kind: 'line', text }));
  rl.on('close', () => push({ kind: 'eof' }));
  rl.on('SIGINT', () => {
    // clears what was typed: to the end of the line, then all before the cursor
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    process.stdout.write('^C\n');
    push({ kind: 'interrupt' });
  });
  return {
    read: (prompt) => {
      rl.setPrompt(prompt);
      const next = queued.shift();
      if (next) return Promise.resolve(next);
      rl.prompt();
      return new Promise((resolve) => (waiting = resolve));
    },
  };
}

/** Runs `fn` with readline paused and the terminal in its ordinary (cooked) mode. */
async function withTerminalReleased(rl: Interface, fn: () => Promise<void>): Promise<void> {
  const tty = process.stdin.isTTY === true;
  rl.pause();
  if (tty) process.stdin.setRawMode(false);
  try {
    await fn();
  } finally {
    if (tty) process.stdin.setRawMode(true);
    rl.resume();
  }
}
