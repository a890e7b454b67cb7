import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** Control sequences (colours, cursor moves) out of terminal output. */
const ANSI = /\x1b(?:\[[0-9;?]*[A-Za-z]|[78])/g;

export interface Terminal {
  readonly process: ChildProcess;
  /** Types text as a user would (control characters included: \x03 is Ctrl-C, \x04 Ctrl-D). */
  type(text: string): void;
  /** Waits for a pattern in the output after the previous match; gives the output up to the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Everything printed, without control sequences and carriage returns. */
  output(): string;
  exited(): Promise<number | null>;
}

/**
 * Runs a command on a pseudo-terminal (util-linux `script`), so that it sees a terminal on stdin
 * and stdout as a user's shell gives it.
 */
export function onTerminal(command: string[], env: NodeJS.ProcessEnv): Terminal {
  if (spawnSync('script', ['--version']).error)
    throw new Error('`script` (util-linux) is needed to run a command on a pseudo-terminal');
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // `exec`: the shell `script` starts gives its place to the command. A shell left waiting would share
  // the terminal's process group, die of the Ctrl-C the command handles, and `script` would report 130.
  const p = spawn('script', ['-qfec', `exec ${quoted}`, '/dev/null'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let from = 0;
  p.stdout.on('data', (d) => (raw += d));
  p.stderr.on('data', (d) => (raw += d));
  const output = () => raw.replace(ANSI, '').replace(/\r/g, '');
  const exit = new Promise<number | null>((resolve) => p.on('exit', resolve));
  return {
    process: p,
    type: (text) => p.stdin.write(text),
    output,
    exited: () => exit,
    waitFor: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = output();
        const m = pattern.exec(text.slice(from));
        if (m) {
          const upTo = text.slice(from, from + m.index + m[0].length);
          from += m.index + m[0].length;
          return upTo;
        }
        if (Date.now() > deadline || p.exitCode !== null)
          throw new Error(`no ${pattern} on the terminal; it shows:\n${text.slice(from)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
