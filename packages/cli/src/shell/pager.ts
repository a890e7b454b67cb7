import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** Where a result goes: stdout, or a pager's input. `close` waits until the pager quits. */
export interface ResultSink {
  write(text: string): void;
  close(): Promise<void>;
}

/** Trino CLI's default: quit when it fits one screen, keep the screen, colours, chop long lines. */
export const DEFAULT_PAGER = 'less -FXRS';

/**
 * The pager command: `QUARRY_PAGER`, else `PAGER`, else `less -FXRS`; an empty value means none.
 */
export function pagerCommand(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const command = env['QUARRY_PAGER'] ?? env['PAGER'] ?? DEFAULT_PAGER;
  return command.trim() === '' ? undefined : command;
}

/** Writes straight to a stream. */
export function streamSink(stream: Writable = process.stdout): ResultSink {
  return {
    write: (text) => void stream.write(text),
    close: async () => {},
  };
}

/**
 * A result through the pager (run by the shell, on this terminal). If the pager cannot be found,
 * the result goes to stdout instead, with a note on stderr; a pager that quits early (`q` in less)
 * discards the rest.
 */
export function pagerSink(command: string): ResultSink {
  const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'] });
  let failed = false;
  let buffered = '';
  const fallBack = (why: string) => {
    failed = true;
    process.stderr.write(`quarry: cannot run the pager '${command}' (${why}); set QUARRY_PAGER\n`);
    process.stdout.write(buffered);
  };
  const done = new Promise<void>((resolve) => {
    child.once('error', (e) => {
      fallBack(e.message);
      resolve();
    });
    child.once('close', (code) => {
      // the shell's "command not found"
      if (code === 127 && !failed) fallBack('command not found');
      resolve();
    });
  });
  // EPIPE once the user quit the pager: the rest of the result is not wanted
  child.stdin.on('error', () => {});
  return {
    write: (text) => {
      if (failed) process.stdout.write(text);
      else {
        buffered += text;
        child.stdin.write(text);
      }
    },
    close: async () => {
      child.stdin.end();
      await done;
    },
  };
}
