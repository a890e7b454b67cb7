/**
 * Runs jobs one at a time, in arrival order: the mailbox of an actor. A job that throws does not
 * stop the ones after it; the error goes to `onError`.
 */
export class Mailbox {
  private readonly queue: (() => Promise<void>)[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onError: (e: unknown) => void = () => {}) {}

  get size(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  post(job: () => Promise<void> | void): void {
    this.queue.push(async () => job());
    if (!this.running) void this.drainQueue();
  }

  /** Runs a job in turn and resolves with its result (or rejects with its error). */
  run<T>(job: () => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.post(async () => {
        try {
          resolve(await job());
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  /** Resolves once every job posted so far has run. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drainQueue(): Promise<void> {
    this.running = true;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      try {
        await job();
      } catch (e) {
        this.onError(e);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
