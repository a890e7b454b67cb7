/**
 * The timeline of one query across the processes and threads of a local cluster: the trace marks
 * (`traceMark`, logged at level `trace`) its coordinator, workers and task threads wrote to their
 * log files, merged with the client's own marks and printed in time order, each with its offset
 * from the submission and the gap since the line before. Used by `npm run bench -- latency --timeline`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { preciseNow } from '@quarry/common';
import type { QuarryClient } from '@quarry/client';

export interface Mark {
  readonly at: number;
  readonly where: string;
  readonly what: string;
}

/** Runs `sql` under query id `queryId`, with the client's side of the timeline marked. */
export async function tracedQuery(
  client: QuarryClient,
  sql: string,
  options: { queryId: string; session: Record<string, string> },
): Promise<Mark[]> {
  const marks: Mark[] = [];
  const mark = (what: string) => marks.push({ at: preciseNow(), where: 'client', what });
  mark('submit');
  const handle = await client.submit(sql, options);
  mark('submit answered');
  try {
    await handle.done();
    mark('FINISHED event seen');
    for await (const page of handle.rows()) mark(`page of ${page.rows.length} rows read`);
  } finally {
    handle.close();
  }
  return marks;
}

/** The marks about `queryId` in the cluster's log files (JSON lines with `mark` and `at`). */
export function loggedMarks(logDir: string, queryId: string): Mark[] {
  const marks: Mark[] = [];
  for (const file of readdirSync(logDir)) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (!line.includes('"mark"') || !line.includes(queryId)) continue;
      const l = JSON.parse(line) as Record<string, unknown>;
      const task = typeof l['taskId'] === 'string' ? ` ${l['taskId']}` : '';
      const tasks = Array.isArray(l['tasks']) ? ` [${l['tasks'].join(' ')}]` : '';
      const extra = l['state'] ?? l['token'];
      marks.push({
        at: Number(l['at']),
        where: `${file.replace(/\.log$/, '')}${l['name'] === 'task-thread' ? ' thread' : ''}`,
        what: `${String(l['mark'])}${task}${tasks}${extra !== undefined ? ` ${String(extra)}` : ''}`,
      });
    }
  }
  return marks;
}

/** The marks in time order: offset from the first (ms), gap since the one before, where, what. */
export function printTimeline(title: string, marks: readonly Mark[]): void {
  const sorted = [...marks].sort((a, b) => a.at - b.at);
  const start = sorted[0]?.at ?? 0;
  console.log(`\n${title}\n     t (ms)   +gap  where                 what`);
  let last = start;
  for (const m of sorted) {
    const t = (m.at - start).toFixed(1).padStart(11);
    const gap = (m.at - last).toFixed(1).padStart(6);
    console.log(`${t} ${gap}  ${m.where.padEnd(20)}  ${m.what}`);
    last = m.at;
  }
}
