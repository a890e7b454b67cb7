import { useState } from 'preact/hooks';
import type { QueryListView, QuerySummary } from './api';
import { formatMs, formatTime, usePoll } from './poll';

const STATES = ['', 'QUEUED', 'PLANNING', 'RUNNING', 'FINISHED', 'FAILED'];

/** The cluster's queries, newest first, filtered by state, user and text (id or SQL). */
export function QueryList() {
  const [state, setState] = useState('');
  const [user, setUser] = useState('');
  const [text, setText] = useState('');
  const params = new URLSearchParams({ limit: '200' });
  if (state) params.set('state', state);
  if (user.trim()) params.set('user', user.trim());
  if (text.trim()) params.set('text', text.trim());
  const { data, error } = usePoll<QueryListView>(`api/queries?${params.toString()}`, 2000);
  return (
    <section data-testid="queries">
      <h2>Queries</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          State{' '}
          <select
            name="state"
            value={state}
            onChange={(e) => setState((e.target as HTMLSelectElement).value)}
          >
            {STATES.map((s) => (
              <option value={s}>{s || 'any'}</option>
            ))}
          </select>
        </label>
        <label>
          User{' '}
          <input name="user" value={user} onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Text{' '}
          <input
            name="text"
            placeholder="query id or SQL"
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </label>
        {data && (
          <span class="dim">
            {data.queries.length} of {data.total}
          </span>
        )}
      </form>
      {error && <p class="error">{error}</p>}
      {data && <QueryTable queries={data.queries} />}
    </section>
  );
}

function QueryTable(p: { queries: QuerySummary[] }) {
  if (p.queries.length === 0) return <p>No query matches.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Query</th>
          <th>State</th>
          <th>User</th>
          <th>SQL</th>
          <th>Created</th>
          <th>Elapsed</th>
          <th>Tasks</th>
          <th>Recovered from</th>
        </tr>
      </thead>
      <tbody>
        {p.queries.map((q) => (
          <tr key={q.queryId} data-testid="query-row" data-query-id={q.queryId}>
            <td>
              <a href={`#/queries/${q.queryId}`}>{q.queryId}</a>
            </td>
            <td>
              <span class={`badge ${q.state}`}>{q.state}</span>
              {q.error && <div class="dim">{q.error.code}</div>}
            </td>
            <td>{q.user ?? '—'}</td>
            <td class="sql">{q.sql ?? <span class="dim">(not shown)</span>}</td>
            <td>{formatTime(q.created)}</td>
            <td>{formatMs(q.elapsedMs ?? (q.endedAt ? q.endedAt - q.created : Date.now() - q.created))}</td>
            <td>
              {q.tasksDone} / {q.tasksTotal}
            </td>
            <td>
              <Recovered counts={q.counts} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Recovered(p: { counts: QuerySummary['counts'] }) {
  const c = p.counts;
  const parts = [
    c.taskFailures && `${c.taskFailures} failed attempt${c.taskFailures > 1 ? 's' : ''}`,
    c.retries && `${c.retries} retr${c.retries > 1 ? 'ies' : 'y'}`,
    c.lostWorkers && `${c.lostWorkers} lost worker${c.lostWorkers > 1 ? 's' : ''}`,
    c.speculative && `${c.speculative} speculative`,
    c.failovers && `${c.failovers} failover${c.failovers > 1 ? 's' : ''}`,
  ].filter(Boolean);
  return <span class="dim">{parts.length ? parts.join(', ') : '—'}</span>;
}
