import { Counter, Gauge, type Registry } from 'prom-client';
import { newRegistry } from '@quarry/runtime';

/** A worker's Prometheus metrics. */
export class WorkerMetrics {
  readonly registry: Registry;
  readonly tasks: Counter;
  readonly spooledBytes: Counter;
  readonly spilledBytes: Counter;
  readonly staleCommands: Counter;

  constructor(workerId: string, slots: number, running: () => number) {
    const registry = (this.registry = newRegistry({ role: 'worker', instance: workerId }));
    const r = [registry];
    this.tasks = new Counter({
      name: 'quarry_worker_tasks_total',
      help: 'Task attempts run here, by outcome',
      labelNames: ['outcome'],
      registers: r,
    });
    this.spooledBytes = new Counter({
      name: 'quarry_worker_spooled_bytes_total',
      help: 'Bytes this worker wrote to the exchange',
      registers: r,
    });
    this.spilledBytes = new Counter({
      name: 'quarry_worker_spilled_bytes_total',
      help: 'Bytes task attempts on this worker wrote to local spill files (as stored: compressed)',
      registers: r,
    });
    this.staleCommands = new Counter({
      name: 'quarry_worker_stale_commands_total',
      help: 'Commands refused because they came from a deposed coordinator (an epoch older than the newest seen, or none)',
      labelNames: ['command'],
      registers: r,
    });
    new Gauge({ name: 'quarry_worker_task_slots', help: 'Task slots (threads)', registers: r }).set(slots);
    new Gauge({
      name: 'quarry_worker_tasks_running',
      help: 'Tasks running now',
      registers: r,
      collect() {
        this.set(running());
      },
    });
  }
}
