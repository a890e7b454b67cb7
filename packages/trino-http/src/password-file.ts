import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { PropertyReader, QuarryError, checkKnownProperties, readPropertiesFile } from '@quarry/common';

/** The names a password authenticator file may hold (Trino's file authenticator). */
const AUTHENTICATOR_PROPERTIES = [
  'password-authenticator.name',
  'file.password-file',
  'file.refresh-period',
  'file.auth-token-cache.max-size',
];

/** Trino refuses bcrypt entries cheaper than this cost; so does quarry. */
const MIN_BCRYPT_COST = 8;

/**
 * Trino's file password authenticator: `password-authenticator.name=file`, `file.password-file`
 * holding `user:bcrypt-hash` lines. The file is read again when it changes (looked at every
 * `file.refresh-period`, 5 s by default); verified credentials are remembered (by a SHA-256 of user
 * and password, never the password) up to `file.auth-token-cache.max-size`, since bcrypt is slow on
 * purpose. Only bcrypt entries (`$2a$`, `$2b$`, `$2y$`) are read; Trino's PBKDF2 form is refused at start.
 */
export class PasswordFile {
  private users = new Map<string, string>();
  private loadedMtimeMs = -1;
  private checkedAt = 0;
  private readonly verified = new Set<string>();

  private constructor(
    private readonly path: string,
    private readonly refreshMs: number,
    private readonly cacheSize: number,
  ) {}

  /** Reads the authenticator configuration files; every mistake is an INVALID_CONFIGURATION naming it. */
  static fromConfigFiles(files: readonly string[]): PasswordFile {
    if (files.length !== 1) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `password-authenticator.config-files: quarry reads exactly one password authenticator, got ${files.length}`,
      );
    }
    const file = files[0]!;
    const props = readPropertiesFile(file);
    checkKnownProperties(props, file, { read: AUTHENTICATOR_PROPERTIES });
    const r = new PropertyReader(props, file);
    const name = r.optionalString('password-authenticator.name')?.trim();
    if (name !== 'file') {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${file}: password-authenticator.name=${name ?? '(missing)'} is not supported: quarry knows 'file'`,
      );
    }
    const passwords = r.optionalString('file.password-file')?.trim();
    if (!passwords) throw new QuarryError('INVALID_CONFIGURATION', `${file}: file.password-file is missing`);
    const authenticator = new PasswordFile(
      passwords,
      r.duration('file.refresh-period', '5s'),
      r.int('file.auth-token-cache.max-size', 1000, 0),
    );
    authenticator.reloadIfChanged(true);
    return authenticator;
  }

  /** True when `user` is in the file with this password. */
  async verify(user: string, password: string): Promise<boolean> {
    this.reloadIfChanged(false);
    const key = createHash('sha256').update(`${user}\u0000${password}`).digest('base64');
    if (this.verified.has(key)) return true;
    const hash = this.users.get(user);
    // compare against a hash of the same cost when the user is unknown: no timing hint of who exists
    const ok = await bcrypt.compare(password, hash ?? UNKNOWN_USER_HASH);
    if (!ok || hash === undefined) return false;
    if (this.verified.size >= this.cacheSize) this.verified.clear();
    if (this.cacheSize > 0) this.verified.add(key);
    return true;
  }

  /** Reads the password file when it changed; at start, an unreadable file stops the process. */
  private reloadIfChanged(atStart: boolean): void {
    const now = Date.now();
    if (!atStart && now - this.checkedAt < this.refreshMs) return;
    this.checkedAt = now;
    try {
      const mtime = statSync(this.path).mtimeMs;
      if (mtime === this.loadedMtimeMs) return;
      this.users = parsePasswordFile(readFileSync(this.path, 'utf8'), this.path);
      this.loadedMtimeMs = mtime;
      this.verified.clear();
    } catch (e) {
      // at start every problem stops the process; later the last good file stays in force
      if (!atStart) return;
      if (e instanceof QuarryError) throw e;
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `file.password-file: cannot read ${this.path} (${reason})`,
      );
    }
  }
}

const UNKNOWN_USER_HASH = bcrypt.hashSync('quarry: no such user', MIN_BCRYPT_COST);

/** `user:hash` lines; blank lines and `#` comments skipped; a malformed line names its number. */
export function parsePasswordFile(text: string, path: string): Map<string, string> {
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    const where = `${path} line ${i + 1}`;
    if (colon <= 0) throw new QuarryError('INVALID_CONFIGURATION', `${where}: expected user:bcrypt-hash`);
    const cost = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(hash);
    if (!cost) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${where}: the password of ${user} is not a bcrypt hash ($2y$…; quarry reads no PBKDF2 entries)`,
      );
    }
    if (Number(cost[1]) < MIN_BCRYPT_COST) {
      throw new QuarryError(
        'INVALID_CONFIGURATION',
        `${where}: bcrypt cost ${cost[1]} is below ${MIN_BCRYPT_COST}`,
      );
    }
    users.set(user, hash);
  });
  return users;
}
