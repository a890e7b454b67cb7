/**
 * The commands that talk to a cluster as a client, and the shell: one entry, so that the build can
 * bundle them into one file (esbuild, the `build` script in package.json) that starts faster than the ~450 modules it holds.
 */
export { runCancel, runCoordinators, runEvents, runQueries, runWorkers } from './commands/admin.js';
export { runQuery } from './commands/query.js';
export { runShell } from './commands/shell.js';
