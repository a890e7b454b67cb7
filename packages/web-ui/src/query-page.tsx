import type { EventView, PlanView, QueryView, StageView, TaskView } from './api';
import { formatMs, formatTime, usePoll } from './poll';
import { Recovered } from './query-list';
import { Timeline, describeAttempt, taskLabel } from './timeline';

const ended = (q: QueryView) => q.state === 'FINISHED' || q.state === 'FAILED';

/** One query: SQL, plan, stages, tasks and every attempt on a timeline; live until it ends. */
export function QueryPage(p: { queryId: string }) {
  const { data: q, error } = usePoll<QueryView>(
    `api/queries/${p.queryId}`,
    1000,
    (d) => !ended(d) || 'pending' in d.plan,
  );
  return (
    <section data-testid="query-page" data-state={q?.state}>
      <p>
        <a href="#/">← all queries</a>
      </p>
      <h2>
        Query <code>{p.queryId}</code>{' '}
        {q && (
          <span class={`badge ${q.state}`} data-testid="query-state">
            {q.state}
          </span>
        )}
      </h2>
      {error && <p class="error">{error}</p>}
      {q && <QueryDetails q={q} />}
    </section>
  );
}

function QueryDetails(p: { q: QueryView }) {
  const { q } = p;
  const to = q.endedAt ?? Date.now();
  return (
    <>
      <dl class="facts">
        <dt>User</dt>
        <dd>{q.user ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{formatTime(q.created)}</dd>
        <dt>Elapsed</dt>
        <dd>{formatMs(q.elapsedMs ?? to - q.created)}</dd>
        <dt>Rows</dt>
        <dd>{q.rows ?? '—'}</dd>
        <dt>Recovered from</dt>
        <dd>
          <Recovered counts={q.counts} />
        </dd>
      </dl>
      {q.error && (
        <p class="error" data-testid="query-error">
          {q.error.code} ({q.error.type}): {q.error.message}
        </p>
      )}
      <h3>SQL</h3>
      <pre class="sql" data-testid="sql">
        {q.sql ?? '(not known here, or not yours to read)'}
      </pre>
      <h3>Plan</h3>
      <Plan plan={q.plan} />
      <h3>Stages</h3>
      <Stages stages={q.stages} />
      <h3>Timeline</h3>
      {q.truncated && <p class="dim">Only the first events of this query are kept here.</p>}
      <Timeline tasks={q.tasks} events={q.events} from={q.created} to={to} />
      <h3>Tasks and attempts</h3>
      <Tasks tasks={q.tasks} />
      <h3>Events</h3>
      <Events events={q.events} from={q.created} />
    </>
  );
}

function Plan(p: { plan: PlanView }) {
  if ('text' in p.plan)
    return (
      <>
        <p class="dim">As EXPLAIN shows it; stage numbers are those of the tasks below.</p>
        <pre data-testid="plan">{p.plan.text}</pre>
      </>
    );
  if ('pending' in p.plan) return <p class="dim">Planning…</p>;
  return <p class="dim">{p.plan.unavailable}</p>;
}

function Stages(p: { stages: StageView[] }) {
  if (p.stages.length === 0) return <p class="dim">No stage has run yet.</p>;
  return (
    <table data-testid="stages">
      <thead>
        <tr>
          <th>Stage</th>
          <th>State</th>
          <th>Tasks done / running / all</th>
        </tr>
      </thead>
      <tbody>
        {p.stages.map((s) => (
          <tr key={s.stageId}>
            <td>{s.stageId}</td>
            <td>
              <span class={`badge ${s.state}`}>{s.state}</span>
            </td>
            <td>
              {s.tasksDone} / {s.tasksRunning} / {s.tasksTotal}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Tasks(p: { tasks: TaskView[] }) {
  if (p.tasks.length === 0) return <p class="dim">No task has started yet.</p>;
  return (
    <table data-testid="tasks">
      <thead>
        <tr>
          <th>Task</th>
          <th>Attempts</th>
        </tr>
      </thead>
      <tbody>
        {p.tasks.map((t) => (
          <tr
            key={taskLabel(t)}
            data-testid="task-row"
            data-task={taskLabel(t)}
            data-retried={String(t.attempts.length > 1)}
          >
            <td>{taskLabel(t)}</td>
            <td>
              <ol class="attempts" start={0}>
                {t.attempts.map((a) => (
                  <li key={a.attempt} data-testid="attempt" data-state={a.state} data-worker={a.workerId}>
                    <span class={`badge ${a.state}`}>{a.state}</span>{' '}
                    {a.speculativeOf !== undefined && <span class="badge speculative">speculative</span>}{' '}
                    {a.lostWorker && <span class="badge FAILED">worker lost</span>} {describeAttempt(a)}
                  </li>
                ))}
              </ol>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function describeEvent(e: EventView): string {
  const task = e.task ? ` ${e.task.taskId} on ${e.task.workerId}` : '';
  switch (e.type) {
    case 'RUNNING':
      return e.task
        ? `task${task} ${e.task.state === 'RUNNING' ? 'started' : e.task.state?.toLowerCase()}`
        : 'running';
    case 'TASK_FAILED':
      return `task${task} failed: ${e.error?.code}: ${e.error?.message}`;
    case 'TASK_RETRYING':
      return `task${task} runs again as attempt ${e.nextAttempt} in ${formatMs(e.delayMs)}`;
    case 'TASK_SPECULATING':
      return `speculative attempt${task}`;
    case 'WORKER_LOST':
      return `worker ${e.workerId} lost (silent ${formatMs(e.silentForMs)}), ${e.tasks?.length ?? 0} task(s) on it`;
    case 'QUERY_RETRYING':
      return `query runs again as attempt ${e.nextAttempt}: ${e.error?.code}`;
    case 'COORDINATOR_FAILOVER':
      return `coordinator ${e.coordinatorId} took over (epoch ${e.epoch})`;
    case 'FAILED':
      return `failed: ${e.error?.code}: ${e.error?.message}`;
    default:
      return e.type.toLowerCase();
  }
}

function Events(p: { events: EventView[]; from: number }) {
  return (
    <ol class="events" data-testid="events">
      {p.events.map((e) => (
        <li key={e.seq} data-type={e.type} class={e.type}>
          <span class="dim">+{formatMs(e.time - p.from)}</span> <strong>{e.type}</strong> {describeEvent(e)}
        </li>
      ))}
    </ol>
  );
}
