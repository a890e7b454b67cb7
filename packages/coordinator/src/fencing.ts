import type { Redis } from 'ioredis';
import { QuarryError } from '@quarry/common';

/**
 * Redis writes of a leading coordinator, fenced by its lease epoch: each write is a Lua script that
 * first compares the caller's epoch with `<prefix>:leader:epoch` (leadership.ts) and changes nothing
 * when a newer leader has taken over. A refused write throws STALE_EPOCH, on which the coordinator
 * steps down. Without an epoch (`fence(undefined)`: a coordinator that has not led yet) nothing is
 * checked, which only tests of the store itself rely on.
 */
export type RedisArg = string | number | Buffer;

/** One Redis command of a fenced batch: name, key, arguments. */
export type FencedOp = readonly [string, string, ...RedisArg[]];

/**
 * Every script here starts by taking the epoch from ARGV[1] (and the epoch key from KEYS[1]): the
 * rest of the script sees its own arguments from ARGV[1] on, as if the check were not there.
 */
const CHECK = `
local FENCE = table.remove(ARGV, 1)
if FENCE ~= '' and redis.call('GET', KEYS[1]) ~= FENCE then return -2 end
`;

/**
 * A batch of commands run atomically: ARGV[1] is their JSON `[[cmd, key, arg…], …]`, where an
 * argument `{"a": n}` stands for ARGV[1 + n] (binary values travel as plain arguments).
 */
const EXEC = `
local ops = cjson.decode(ARGV[1])
for _, op in ipairs(ops) do
  local args = {}
  for i, a in ipairs(op) do
    if type(a) == 'table' then args[i] = ARGV[1 + a.a] else args[i] = a end
  end
  redis.call(unpack(args))
end
return 1`;

export class FencedRedis {
  private epoch: number | undefined;
  /** Told when Redis refused a write as stale (the coordinator steps down). */
  onStale: () => void = () => {};
  private readonly loaded = new Map<string, string>();

  constructor(
    readonly redis: Redis,
    readonly epochKey: string,
  ) {}

  /** From now on, writes check `epoch` (undefined: no check). */
  fence(epoch: number | undefined): void {
    this.epoch = epoch;
  }

  get fencedEpoch(): number | undefined {
    return this.epoch;
  }

  /**
   * Runs `body` (a Lua script using KEYS[2…] and ARGV[1…]) behind the epoch check; -2 from the check
   * becomes STALE_EPOCH. `keys` are the script's own keys (KEYS[2] on).
   */
  async script(body: string, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown> {
    const source = `${CHECK}${body}`;
    let sha = this.loaded.get(source);
    const allKeys = [this.epochKey, ...keys];
    const allArgs = [this.epoch === undefined ? '' : String(this.epoch), ...args];
    let result: unknown;
    try {
      sha ??= (await this.redis.script('LOAD', source)) as string;
      this.loaded.set(source, sha);
      result = await this.redis.evalsha(sha, allKeys.length, ...allKeys, ...allArgs);
    } catch (e) {
      if (!/NOSCRIPT/.test((e as Error).message)) throw e;
      result = await this.redis.eval(source, allKeys.length, ...allKeys, ...allArgs);
    }
    if (result === -2) {
      this.onStale();
      throw new QuarryError(
        'STALE_EPOCH',
        `Redis refused a write of epoch ${this.epoch}: a newer coordinator leads (${this.epochKey})`,
      );
    }
    return result;
  }

  /** Runs the commands atomically behind the epoch check. Buffers travel as extra arguments. */
  async exec(ops: readonly FencedOp[]): Promise<void> {
    const binaries: Buffer[] = [];
    const encoded = ops.map((op) =>
      op.map((a) => {
        if (!Buffer.isBuffer(a)) return a;
        binaries.push(a);
        return { a: binaries.length };
      }),
    );
    await this.script(EXEC, [], [JSON.stringify(encoded), ...binaries]);
  }
}

/** Whether an error is a refusal of a deposed leader's write or command. */
export function isStaleEpoch(e: unknown): boolean {
  return e instanceof QuarryError && e.code === 'STALE_EPOCH';
}
