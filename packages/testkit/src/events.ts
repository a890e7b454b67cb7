import { decodeQueryEvent, type QueryEvent } from '@quarry/protocol';
import { ActorSystem, decodeLenient } from '@quarry/runtime';

/** Collects every status event of every query under a prefix, in arrival order. */
export class EventCollector {
  readonly events: QueryEvent[] = [];
  /** Why messages on the status subjects were not valid events. */
  readonly invalid: Error[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly system: ActorSystem) {}

  static async start(servers: string, prefix: string): Promise<EventCollector> {
    const system = await ActorSystem.connect({ servers, prefix });
    const c = new EventCollector(system);
    system.nc.subscribe(`${prefix}.query.*.status`, {
      callback: (_err, msg) => {
        try {
          c.events.push(decodeQueryEvent(decodeLenient(msg.data).value));
        } catch (e) {
          c.invalid.push(e as Error); // a forged or malformed event: kept apart, for tests to look at
          return;
        }
        for (const w of c.waiters.splice(0)) w();
      },
    });
    await system.nc.flush();
    return c;
  }

  of(queryId: string): QueryEvent[] {
    return this.events.filter((e) => e.queryId === queryId);
  }

  /** Waits until some event matches, or fails after `timeoutMs`. */
  async waitFor(predicate: (e: QueryEvent) => boolean, timeoutMs = 20_000): Promise<QueryEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching status event within ${timeoutMs} ms; saw: ${this.events.map((e) => `${e.queryId}:${e.type}`).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  async close(): Promise<void> {
    await this.system.close();
  }
}
