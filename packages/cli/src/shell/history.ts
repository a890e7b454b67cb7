import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How many lines the history keeps. */
export const HISTORY_SIZE = 1000;

/** `QUARRY_HISTORY_FILE`, else `~/.quarry_history` (Trino's CLI: `~/.trino_history`). */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  return env['QUARRY_HISTORY_FILE'] || join(homedir(), '.quarry_history');
}

/**
 * The history as node:readline takes it, newest first; the file holds one entry a line, oldest
 * first, as shells keep theirs. A missing or unreadable file is an empty history.
 */
export function loadHistory(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-HISTORY_SIZE)
    .reverse();
}

/**
 * Writes the history (newest first, as readline holds it), readable by the user only: statements
 * may hold secrets. A history that cannot be written is reported once and the shell goes on.
 */
export function saveHistory(path: string, history: readonly string[]): string | undefined {
  try {
    writeFileSync(path, `${[...history].reverse().join('\n')}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return undefined;
  } catch (e) {
    return `cannot write the history file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}
