import type { QuarryClient } from '@quarry/client';
import { SAFE_ID_PATTERN } from '@quarry/protocol';

/** What the overview shows of a worker beyond `ClusterInfo`: its memory and load. */
export interface WorkerGauge {
  /** The memory its tasks may hold together. */
  readonly memoryBytes?: number;
  readonly rssBytes?: number;
  /** 1-minute load average per core. */
  readonly load?: number;
  readonly at: number;
}

/**
 * The workers' heartbeats (`<prefix>.worker.heartbeat`, docs/PROTOCOL.md) hold their memory, RSS and
 * load, which the coordinator's `ClusterInfo` does not carry. The gateway runs in a coordinator
 * process, with its NATS user, and listens to them for the overview only: it reads those three
 * numbers and the worker's id, each checked, and nothing else (no signature check: a forged
 * heartbeat could only change what this page shows, never the cluster). Without permission to
 * subscribe, the page shows no memory. Carrying them in `ClusterInfo` would make this unnecessary.
 */
export class WorkerGauges {
  private readonly gauges = new Map<string, WorkerGauge>();
  private stop: (() => void) | undefined;

  start(client: QuarryClient): this {
    const ref = client.system.listen(client.system.subject('worker.heartbeat'), readGauge, (g) => {
      this.gauges.set(g.workerId, g.gauge);
      if (this.gauges.size > 10_000) this.gauges.delete(this.gauges.keys().next().value!);
    });
    this.stop = () => ref.stop();
    return this;
  }

  /** The newest numbers of a worker, if a heartbeat of it came in the last minute. */
  of(workerId: string): WorkerGauge | undefined {
    const g = this.gauges.get(workerId);
    return g && Date.now() - g.at < 60_000 ? g : undefined;
  }

  close(): void {
    this.stop?.();
  }
}

const SAFE_ID = new RegExp(SAFE_ID_PATTERN);
const gaugeNumber = (v: unknown, max: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max ? v : undefined;

/** The worker id and gauges of a heartbeat; throws (the message is dropped) when there is no valid id. */
export function readGauge(message: unknown): { workerId: string; gauge: WorkerGauge } {
  const m = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
  const workerId = m['workerId'];
  if (typeof workerId !== 'string' || !SAFE_ID.test(workerId)) throw new Error('not a heartbeat');
  const memoryBytes = gaugeNumber(m['memoryBytes'], Number.MAX_SAFE_INTEGER);
  const rssBytes = gaugeNumber(m['rssBytes'], Number.MAX_SAFE_INTEGER);
  const load = gaugeNumber(m['load'], 1e6);
  return {
    workerId,
    gauge: {
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      ...(rssBytes !== undefined ? { rssBytes } : {}),
      ...(load !== undefined ? { load } : {}),
      at: Date.now(),
    },
  };
}
