import type { StatementRunner } from './runner.js';
import { isBlank, splitStatements } from './split.js';

/**
 * Runs a script (`--execute`, `-f FILE`, or stdin that is not a terminal): its statements in order,
 * stopping at the first that fails (exit code 1). The last statement may lack its `;`. Ctrl-C
 * cancels the running statement and runs no more (exit code 130).
 */
export async function runScript(text: string, runner: StatementRunner): Promise<number> {
  const { statements, rest } = splitStatements(text);
  const all = isBlank(rest) ? statements.map((s) => s.sql) : [...statements.map((s) => s.sql), rest.trim()];
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    runner.cancel();
  };
  process.on('SIGINT', onSignal);
  try {
    for (const sql of all) {
      if (interrupted) return 130;
      if (!(await runner.run(sql))) return interrupted ? 130 : 1;
    }
    return interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
