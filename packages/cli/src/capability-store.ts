import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The capabilities of the queries this user submitted with the CLI, kept in a file of theirs so
 * that a later `quarry cancel <id>` or `quarry queries` (another process) can prove ownership, as a
 * browser keeps its cookies: `$QUARRY_STATE_DIR`, else `$XDG_STATE_HOME/quarry`, else
 * `~/.local/state/quarry`, file `capabilities.json`, readable by the user only. The newest 1000 per
 * cluster (NATS servers and subject prefix) are kept. A file that cannot be read or written is
 * treated as empty: the query itself still works, only the later commands cannot find it.
 */
const KEEP = 1000;

type Stored = Record<string, Record<string, string>>;

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['QUARRY_STATE_DIR']) return env['QUARRY_STATE_DIR'];
  return join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'quarry');
}

export class CapabilityStore {
  private readonly file: string;

  constructor(
    private readonly cluster: string,
    dir: string = stateDir(),
  ) {
    this.file = join(dir, 'capabilities.json');
  }

  /** The capabilities kept for this cluster, oldest first, by query id. */
  load(): [string, string][] {
    return Object.entries(this.read()[this.cluster] ?? {});
  }

  save(queryId: string, capability: string): void {
    const all = this.read();
    const mine = { ...(all[this.cluster] ?? {}) };
    delete mine[queryId];
    mine[queryId] = capability;
    const kept = Object.entries(mine).slice(-KEEP);
    all[this.cluster] = Object.fromEntries(kept);
    try {
      mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.file);
    } catch {
      // not kept: later commands will not find this query's capability
    }
  }

  private read(): Stored {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Stored) : {};
    } catch {
      return {};
    }
  }
}
