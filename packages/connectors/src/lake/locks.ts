/**
 * In-process locks by key (a table's or schema's URI), shared by every lake connector of the
 * process. Within one cluster every metadata change runs on the coordinator, so these serialize all
 * of them; the storage's exclusive create of each new version guards against other processes.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => {});
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
