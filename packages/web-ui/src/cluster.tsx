import type { ClusterView, CoordinatorView, WorkerView } from './api';
import { formatBytes, formatMs, usePoll } from './poll';

/** Workers (slots, memory, blocked, draining), coordinators (who leads) and query counts. */
export function ClusterOverview() {
  const { data, error } = usePoll<ClusterView>('api/cluster', 2000);
  return (
    <section data-testid="cluster">
      <h2>Cluster</h2>
      {error && <p class="error">{error}</p>}
      {data?.unavailable && <p class="error">Cluster info unavailable: {data.unavailable}</p>}
      {data && (
        <>
          <div class="cards">
            <Card label="Running queries" value={data.queries.running} id="running" />
            <Card label="Queued queries" value={data.queries.queued} id="queued" />
            <Card label="Finished" value={data.queries.finished} id="finished" />
            <Card label="Failed" value={data.queries.failed} id="failed" />
            <Card label="Workers" value={data.workers.length} id="workers" />
            <Card label="Task slots" value={data.workers.reduce((n, w) => n + w.slots, 0)} id="slots" />
          </div>
          <Coordinators list={data.coordinators ?? []} leader={data.coordinatorId} />
          <Workers list={data.workers} />
        </>
      )}
    </section>
  );
}

function Card(p: { label: string; value: number; id: string }) {
  return (
    <div class="card" data-testid={`count-${p.id}`}>
      <div class="value">{p.value}</div>
      <div class="label">{p.label}</div>
    </div>
  );
}

function Coordinators(p: { list: CoordinatorView[]; leader: string | null }) {
  if (p.list.length === 0) return <p>Leading coordinator: {p.leader ?? '—'}</p>;
  return (
    <table data-testid="coordinators">
      <thead>
        <tr>
          <th>Coordinator</th>
          <th>Role</th>
          <th>Epoch</th>
          <th>Host</th>
          <th>Seen</th>
        </tr>
      </thead>
      <tbody>
        {p.list.map((c) => (
          <tr key={c.coordinatorId} class={c.role}>
            <td>{c.coordinatorId}</td>
            <td>{c.role === 'leader' ? <strong>leader</strong> : 'standby'}</td>
            <td>{c.epoch}</td>
            <td>
              {c.host} (pid {c.pid})
            </td>
            <td>{formatMs(c.seenAgeMs)} ago</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Workers(p: { list: WorkerView[] }) {
  return (
    <table data-testid="workers">
      <thead>
        <tr>
          <th>Worker</th>
          <th>Slots (busy / all)</th>
          <th>Memory for tasks</th>
          <th>RSS</th>
          <th>Load</th>
          <th>State</th>
          <th>Heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {p.list.length === 0 && (
          <tr>
            <td colSpan={7}>No worker has announced itself.</td>
          </tr>
        )}
        {p.list.map((w) => (
          <tr key={w.workerId} data-testid="worker">
            <td>
              {w.workerId}
              <div class="dim">
                {w.host} (pid {w.pid})
              </div>
            </td>
            <td>
              <SlotBar busy={w.runningTasks} all={w.slots} /> {w.runningTasks} / {w.slots}
            </td>
            <td data-testid="worker-memory">{formatBytes(w.memoryBytes)}</td>
            <td>{formatBytes(w.rssBytes)}</td>
            <td>{w.load === undefined ? '—' : w.load.toFixed(2)}</td>
            <td>
              {w.blocked ? (
                <span class="badge FAILED" title={w.blocked.reason}>
                  blocked {formatMs(w.blocked.remainingMs)}: {w.blocked.reason}
                </span>
              ) : w.draining ? (
                <span class="badge QUEUED">draining</span>
              ) : (
                <span class="badge FINISHED">active</span>
              )}
            </td>
            <td>{formatMs(w.heartbeatAgeMs)} ago</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SlotBar(p: { busy: number; all: number }) {
  const pct = p.all === 0 ? 0 : Math.min(100, (100 * p.busy) / p.all);
  return (
    <span class="slotbar">
      <span style={{ width: `${pct}%` }} />
    </span>
  );
}
