import type { ClusterInfo, ClusterLoad } from '@quarry/protocol';
import type { QueryExecution } from './query.js';
import type { WorkerRegistry } from './worker-registry.js';

/** `coordinator.info`: the worker registry and query counts. */
export function clusterInfo(
  coordinatorId: string,
  registry: WorkerRegistry,
  queries: Iterable<QueryExecution>,
): ClusterInfo {
  const all = [...queries];
  return {
    coordinatorId,
    workers: registry.list().map((w) => {
      const blocked = registry.blocklist.entry(w.id);
      return {
        workerId: w.id,
        slots: w.heartbeat.slots,
        runningTasks: w.assigned,
        draining: w.heartbeat.draining,
        heartbeatAgeMs: w.heartbeatAgeMs,
        host: w.heartbeat.host,
        pid: w.heartbeat.pid,
        ...(blocked
          ? { blocked: { remainingMs: Math.max(0, blocked.until - Date.now()), reason: blocked.reason } }
          : {}),
      };
    }),
    queries: {
      running: all.filter((q) => q.state === 'RUNNING').length,
      queued: all.filter((q) => q.state === 'QUEUED' || q.state === 'PLANNING').length,
    },
  };
}

/** `cluster.load`: what an autoscaler needs to decide. */
export function clusterLoad(registry: WorkerRegistry, queries: Iterable<QueryExecution>): ClusterLoad {
  const workers = registry.list();
  let queuedTasks = 0;
  let runningTasks = 0;
  let queued = 0;
  let running = 0;
  for (const q of queries) {
    if (q.state === 'QUEUED' || q.state === 'PLANNING') queued++;
    if (q.state !== 'RUNNING') continue;
    running++;
    if (!q.scheduler) continue;
    runningTasks += q.scheduler.running().length;
    for (const s of q.scheduler.stages.values())
      queuedTasks += s.tasks.filter((t) => t.status === 'PENDING').length;
  }
  const slots = workers.reduce((n, w) => n + (w.heartbeat.draining ? 0 : w.heartbeat.slots), 0);
  return {
    time: Date.now(),
    workers: workers.length,
    drainingWorkers: workers.filter((w) => w.heartbeat.draining).length,
    slots,
    freeSlots: Math.max(0, slots - workers.reduce((n, w) => n + w.assigned, 0)),
    runningTasks,
    queuedTasks,
    queries: { running, queued },
  };
}
