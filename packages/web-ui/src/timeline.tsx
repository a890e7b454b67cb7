import type { AttemptView, EventView, TaskView } from './api';
import { formatMs } from './poll';

/** Events drawn as markers across the whole timeline: what happened to the query, not one task. */
const MARKED: Readonly<Record<string, string>> = {
  WORKER_LOST: 'worker lost',
  COORDINATOR_FAILOVER: 'coordinator failover',
  QUERY_RETRYING: 'query retry',
  TASK_SPECULATING: 'speculative attempt',
};

export const taskLabel = (t: TaskView) =>
  `${t.queryAttempt > 0 ? `q${t.queryAttempt}.` : ''}${t.stageId}.${t.partition}`;

/**
 * Every task attempt as a bar from its start to its end (or now), one row per task; failed,
 * cancelled and speculative attempts stand out, and lost workers, failovers and query retries
 * are lines across all rows.
 */
export function Timeline(p: { tasks: TaskView[]; events: EventView[]; from: number; to: number }) {
  const span = Math.max(1, p.to - p.from);
  const x = (t: number) => `${Math.min(100, Math.max(0, (100 * (t - p.from)) / span))}%`;
  const markers = p.events.filter((e) => e.type in MARKED);
  return (
    <div class="timeline" data-testid="timeline">
      <div class="tl-row tl-axis">
        <span class="tl-label" />
        <span class="tl-track">
          <span class="tl-tick" style={{ left: '0%' }}>
            0
          </span>
          <span class="tl-tick end">{formatMs(span)}</span>
          {markers.map((e) => (
            <span
              key={e.seq}
              class={`tl-marker ${e.type}`}
              style={{ left: x(e.time) }}
              title={`${MARKED[e.type]} at +${formatMs(e.time - p.from)}${e.workerId ? `: ${e.workerId}` : ''}${e.coordinatorId ? `: ${e.coordinatorId} took over` : ''}`}
              data-testid="timeline-marker"
              data-type={e.type}
            >
              {MARKED[e.type]}
            </span>
          ))}
        </span>
      </div>
      {p.tasks.map((t) => (
        <div class="tl-row" key={taskLabel(t)}>
          <span class="tl-label">{taskLabel(t)}</span>
          <span class="tl-track">
            {markers.map((e) => (
              <span key={e.seq} class={`tl-line ${e.type}`} style={{ left: x(e.time) }} />
            ))}
            {t.attempts.map((a) => (
              <Bar key={a.attempt} a={a} left={x(a.startedAt)} right={x(a.endedAt ?? p.to)} />
            ))}
          </span>
        </div>
      ))}
    </div>
  );
}

function Bar(p: { a: AttemptView; left: string; right: string }) {
  const { a } = p;
  const kind = a.speculativeOf !== undefined ? ' speculative' : '';
  return (
    <span
      class={`tl-bar ${a.state}${kind}`}
      style={{ left: p.left, width: `max(3px, calc(${p.right} - ${p.left}))` }}
      title={describeAttempt(a)}
      data-testid="timeline-bar"
      data-task-id={a.taskId}
      data-state={a.state}
    />
  );
}

export function describeAttempt(a: AttemptView): string {
  const parts = [`attempt ${a.attempt} (${a.taskId}) on ${a.workerId}: ${a.state}`];
  if (a.endedAt !== undefined) parts.push(`ran ${formatMs(a.endedAt - a.startedAt)}`);
  if (a.error) parts.push(`${a.error.code}: ${a.error.message}`);
  if (a.lostWorker) parts.push('its worker was lost');
  if (a.speculativeOf !== undefined) parts.push(`speculative, beside slow attempt ${a.speculativeOf}`);
  if (a.retriedAs !== undefined) parts.push(`retried as attempt ${a.retriedAs}`);
  return parts.join('; ');
}
