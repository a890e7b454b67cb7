import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueryEvent } from '@quarry/protocol';
import { silentLogger } from '@quarry/common';
import { tasksFromEvents } from '../src/ui/attempts.js';
import { QueryBoard } from '../src/ui/board.js';
import { StaticFiles } from '../src/ui/static-files.js';
import { readGauge } from '../src/ui/worker-gauges.js';

const Q = 'q_ui_units';
const ref = (stage: number, partition: number, attempt: number, workerId: string) => ({
  taskId: `${stage}.${partition}.${attempt}`,
  queryAttempt: 0,
  stageId: stage,
  partition,
  attempt,
  workerId,
});
const progress = { stages: [], tasksTotal: 0, tasksDone: 0, tasksRunning: 0 };
const gone = {
  code: 'REMOTE_HOST_GONE',
  type: 'EXTERNAL' as const,
  message: 'Worker w1 stopped heartbeating',
};

/** A query's events: a lost worker, a retry, a speculative attempt that wins, the slow one cancelled. */
function story(): QueryEvent[] {
  let seq = 0;
  const at = (time: number) => ({ queryId: Q, seq: ++seq, time });
  return [
    { ...at(0), type: 'QUEUED' },
    { ...at(10), type: 'RUNNING', progress, task: { ...ref(1, 0, 0, 'w1'), state: 'RUNNING' } },
    { ...at(11), type: 'RUNNING', progress, task: { ...ref(1, 1, 0, 'w2'), state: 'RUNNING' } },
    { ...at(50), type: 'WORKER_LOST', workerId: 'w1', silentForMs: 1000, tasks: [ref(1, 0, 0, 'w1')] },
    { ...at(51), type: 'TASK_FAILED', task: ref(1, 0, 0, 'w1'), error: gone },
    { ...at(52), type: 'TASK_RETRYING', task: ref(1, 0, 0, 'w1'), nextAttempt: 1, delayMs: 0, error: gone },
    { ...at(60), type: 'RUNNING', progress, task: { ...ref(1, 0, 1, 'w3'), state: 'RUNNING' } },
    {
      ...at(70),
      type: 'TASK_SPECULATING',
      task: ref(1, 1, 1, 'w3'),
      slowAttempt: 0,
      elapsedMs: 59,
      baselineMs: 20,
    },
    { ...at(80), type: 'RUNNING', progress, task: { ...ref(1, 1, 1, 'w3'), state: 'FINISHED' } },
    { ...at(90), type: 'RUNNING', progress, task: { ...ref(1, 0, 1, 'w3'), state: 'FINISHED' } },
    // a late failure report of an attempt that already ended changes nothing
    { ...at(91), type: 'TASK_FAILED', task: ref(1, 0, 1, 'w3'), error: gone },
    { ...at(100), type: 'FINISHED', rows: 1, elapsedMs: 100, columns: [] },
  ];
}

describe('trino-http: the web UI pieces', () => {
  it('rebuilds every task attempt from the status events', () => {
    const [t0, t1] = tasksFromEvents(story());
    expect(t0!.attempts).to.deep.equal([
      {
        taskId: '1.0.0',
        attempt: 0,
        workerId: 'w1',
        state: 'FAILED',
        startedAt: 10,
        endedAt: 51,
        lostWorker: true,
        error: { code: 'REMOTE_HOST_GONE', message: gone.message },
        retriedAs: 1,
      },
      { taskId: '1.0.1', attempt: 1, workerId: 'w3', state: 'FINISHED', startedAt: 60, endedAt: 90 },
    ]);
    // the slow attempt still ran when the query ended: the speculative one won
    expect(t1!.attempts.map((a) => [a.taskId, a.state, a.speculativeOf, a.endedAt])).to.deep.equal([
      ['1.1.0', 'CANCELED', undefined, 100],
      ['1.1.1', 'FINISHED', 0, 80],
    ]);
  });

  it('keeps each query once from its events, counts what it overcame, and forgets old ended ones first', () => {
    // not started: fed by hand, it needs no client
    const board = new QueryBoard({ client: undefined as never, logger: silentLogger(), maxQueries: 2 });
    for (const e of [...story(), ...story()]) board.apply(e);
    const q = board.get(Q)!;
    expect(q.events.length, 'a replayed event counts once').to.equal(story().length);
    expect(q).to.include({ state: 'FINISHED', endedAt: 100, rows: 1 });
    expect(q.counts).to.deep.equal({
      taskFailures: 2,
      retries: 1,
      lostWorkers: 1,
      speculative: 1,
      failovers: 0,
    });
    board.apply({ queryId: 'uiplan_1', seq: 1, time: 5, type: 'QUEUED' });
    expect(board.get('uiplan_1'), 'the UI’s own EXPLAINs are not listed').to.equal(undefined);
    board.apply({ queryId: 'running_old', seq: 1, time: 1, type: 'QUEUED' });
    board.apply({ queryId: 'newest', seq: 1, time: 200, type: 'QUEUED' });
    expect(board.list().map((x) => x.queryId)).to.deep.equal(['newest', 'running_old']);
  });

  it('reads a worker’s memory and load from its heartbeat, each number checked', () => {
    const g = readGauge({ workerId: 'w-1', memoryBytes: 2 ** 30, rssBytes: 5e8, load: 0.5, slots: 2 });
    expect(g.workerId).to.equal('w-1');
    expect(g.gauge).to.include({ memoryBytes: 2 ** 30, rssBytes: 5e8, load: 0.5 });
    const odd = readGauge({ workerId: 'w-2', memoryBytes: -1, rssBytes: NaN, load: '1' });
    expect(Object.keys(odd.gauge)).to.deep.equal(['at']);
    for (const bad of [null, 'x', {}, { workerId: '../w' }, { workerId: 'x'.repeat(129) }])
      expect(() => readGauge(bad), JSON.stringify(bad)).to.throw('not a heartbeat');
  });

  describe('static files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'quarry-ui-files-'));
      mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
      writeFileSync(join(dir, 'built', 'index.html'), '<!doctype html><p>ui</p>');
      writeFileSync(join(dir, 'built', 'assets', 'index-abc.js'), 'console.log(1)');
      writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('serves the build, with types, caching and security headers', async () => {
      const files = new StaticFiles(join(dir, 'built'));
      const index = await files.serve('/ui/');
      expect(index.status).to.equal(200);
      expect(String(index.body)).to.contain('<p>ui</p>');
      expect(index.headers?.['Content-Type']).to.equal('text/html; charset=utf-8');
      expect(index.headers?.['Cache-Control']).to.equal('no-cache');
      expect(index.headers?.['Content-Security-Policy']).to.contain("default-src 'self'");
      const js = await files.serve('/ui/assets/index-abc.js');
      expect(js.headers?.['Content-Type']).to.equal('text/javascript; charset=utf-8');
      expect(js.headers?.['Cache-Control']).to.contain('immutable');
    });

    it('refuses every path outside the build, and names the missing file', async () => {
      const files = new StaticFiles(join(dir, 'built'));
      for (const path of [
        '/ui/../secret.txt',
        '/ui/assets/../../secret.txt',
        '/ui/%2e%2e/secret.txt',
        '/ui/assets/',
        '/ui/.hidden',
        '/ui/assets',
        '/ui/nope.js',
        '/ui/a\\..\\secret.txt',
      ]) {
        const r = await files.serve(path);
        expect(r.status, path).to.equal(404);
        expect(r.body, path).to.equal(`Not found: ${path}`);
      }
    });

    it('says how to build the UI when it is not built', async () => {
      const r = await new StaticFiles(join(dir, 'nothing-here')).serve('/ui/');
      expect(r.status).to.equal(503);
      expect(String(r.body)).to.contain('The web UI is not built').and.contain('npm run build');
      expect(r.headers?.['Content-Type']).to.equal('text/html; charset=utf-8');
    });
  });
});
