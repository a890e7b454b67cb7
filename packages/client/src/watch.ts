export interface WatchOptions {
  /** How long the source may stay silent before `probe` runs. */
  readonly idleMs: number;
  /**
   * Checks that whoever feeds the source is still there: resolves when it is, throws when it is
   * gone. Runs again after each further `idleMs` of silence.
   */
  readonly probe: () => Promise<void>;
}

type Next<T> = { readonly result: IteratorResult<T> };

/**
 * What `source` yields, passed on as it comes; whenever it has been silent for `idleMs` the probe
 * runs, still listening meanwhile. A probe that throws ends the iteration with its error, so that a
 * wait on a source nobody feeds any more ends instead of hanging. The source is closed on the way
 * out (without waiting for it when a read of it is still pending: its owner closes it).
 */
export async function* watched<T>(source: AsyncIterable<T>, o: WatchOptions): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<Next<T>> | undefined;
  try {
    for (;;) {
      if (!pending) {
        pending = it.next().then((result) => ({ result }));
        // a read that fails after the iteration ended (the probe's error) is nobody's concern
        pending.catch(() => {});
      }
      const next = await nextOrProbe(pending, o);
      if (!next) continue;
      pending = undefined;
      if (next.result.done) return;
      yield next.result.value;
    }
  } finally {
    if (pending) void it.return?.()?.catch(() => {});
    else await it.return?.();
  }
}

/** The next item, or undefined when the source stayed silent for `idleMs` and the probe then passed. */
async function nextOrProbe<T>(pending: Promise<Next<T>>, o: WatchOptions): Promise<Next<T> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), o.idleMs);
    timer.unref();
  });
  try {
    const first = await Promise.race([pending, idle]);
    if (first) return first;
  } finally {
    clearTimeout(timer);
  }
  const probe = o.probe().then(() => undefined);
  // an item that comes while the probe runs wins; the probe's outcome is then of no interest
  probe.catch(() => {});
  return Promise.race([pending, probe]);
}
