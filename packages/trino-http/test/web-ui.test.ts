import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startProcessCluster } from '@quarry/testkit';
import { UI_DIRECTORY } from '@quarry/web-ui';
import { call, freePort, type ProcessCluster, type TrinoBody } from './ports.js';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it): Playwright's own download does not work here. */
const CHROMIUM = process.env['QUARRY_CHROMIUM'] ?? '/usr/bin/chromium';
/** Screenshots go here (git-ignored), for a person to look at after the run. */
const SHOTS =
  process.env['QUARRY_TEST_OUTPUT'] !== undefined
    ? join(process.env['QUARRY_TEST_OUTPUT'], 'web-ui')
    : fileURLToPath(new URL('../../../test-output/web-ui/', import.meta.url));

const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q from lineitem group by 1, 2 order by 1, 2';
/** First attempts of the leaf stage's tasks take 3 s more, so that a worker dies while they run. */
const INJECTION = 'stage=2,attempt=0,when=midway,action=DELAY,ms=3000';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Attempt {
  workerId: string;
  state: string;
  attempt: number;
}
interface QueryRow {
  queryId: string;
  sql: string | null;
}
interface QueryJson {
  state: string;
  sql: string | null;
  tasks: { stageId: number; partition: number; attempts: Attempt[] }[];
}

/**
 * The web UI in a real browser: a coordinator process serves it (with a password file), a query
 * runs through the Trino protocol while one of its workers is killed with SIGKILL, and the query
 * page shows the failed attempt on the lost worker and its successful retry. Screenshots of the
 * overview and the query page are saved under test-output/web-ui/.
 */
describe('web UI in headless Chromium', function () {
  this.timeout(240_000);
  let dir: string;
  let cluster: ProcessCluster;
  let base: string;
  let browser: Browser;
  const alice = { Authorization: basic('alice', 'alice-secret') };

  before(async () => {
    // fail loudly rather than skip: a run without the browser tests nothing of the UI
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    if (!existsSync(join(UI_DIRECTORY, 'index.html')))
      throw new Error(`The web UI is not built (${UI_DIRECTORY}): run npm run build`);
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'quarry-web-ui-'));
    writeFileSync(
      join(dir, 'password.db'),
      `alice:${bcrypt.hashSync('alice-secret', 8)}\nbob:${bcrypt.hashSync('bob-secret', 8)}\n`,
    );
    writeFileSync(
      join(dir, 'password-authenticator.properties'),
      `password-authenticator.name=file\nfile.password-file=${join(dir, 'password.db')}\n`,
    );
    const port = await freePort();
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      prefix: 'webui',
      env: {
        QUARRY_RETRY_POLICY: 'TASK',
        QUARRY_RETRY_INITIAL_DELAY: '100ms',
        QUARRY_FAILURE_INJECTION: INJECTION,
      },
      configProperties: {
        'http-server.http.port': String(port),
        'http-server.authentication.type': 'PASSWORD',
        'http-server.authentication.allow-insecure-over-http': 'true',
        'password-authenticator.config-files': join(dir, 'password-authenticator.properties'),
      },
    });
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    await browser?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Submits through the Trino protocol and polls to the end in the background; resolves to the last document. */
  async function runQuery(): Promise<{ queryId: string; done: Promise<TrinoBody> }> {
    const headers = { ...alice, 'X-Trino-Catalog': 'tpch', 'X-Trino-Schema': 'tiny' };
    const first = await call(`${base}/v1/statement`, { method: 'POST', body: SQL, headers });
    expect(first.status, first.text).to.equal(200);
    const done = (async () => {
      let body = first.body;
      while (body.nextUri) body = (await call(body.nextUri, { headers: alice })).body;
      return body;
    })();
    return { queryId: first.body.id, done };
  }

  async function queryJson(queryId: string): Promise<QueryJson> {
    const r = await call(`${base}/ui/api/queries/${queryId}`, { headers: alice });
    expect(r.status, r.text).to.equal(200);
    return JSON.parse(r.text) as QueryJson;
  }

  async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('asks for the password on every UI path', async () => {
    for (const path of ['/ui/', '/ui/api/cluster', '/ui/api/queries']) {
      const r = await call(`${base}${path}`);
      expect(r.status, path).to.equal(401);
      expect(r.headers.get('www-authenticate'), path).to.match(/^Basic/);
      const wrong = await call(`${base}${path}`, { headers: { Authorization: basic('alice', 'nope') } });
      expect(wrong.status, path).to.equal(401);
    }
  });

  it('shows a killed worker’s failed attempt and its successful retry on the query page', async () => {
    const { queryId, done } = await runQuery();
    // a leaf task runs on worker-2 (its first attempt is held 3 s): kill -9 that worker now
    await until('a task attempt running on worker-2', async () => {
      const q = await queryJson(queryId);
      // a held one (stage 2, attempt 0): it is still running when the kill lands
      const running = q.tasks.some(
        (t) =>
          t.stageId === 2 &&
          t.attempts.some((a) => a.attempt === 0 && a.workerId === 'worker-2' && a.state === 'RUNNING'),
      );
      return running ? true : undefined;
    });
    const victim = cluster.workers.find((w) => w.name === 'worker-2')!;
    await victim.kill();
    expect(victim.process.signalCode).to.equal('SIGKILL');
    const last = await done;
    expect(last.error, JSON.stringify(last.error)).to.equal(undefined);
    expect(last.stats.state).to.equal('FINISHED');

    const context = await browser.newContext({
      httpCredentials: { username: 'alice', password: 'alice-secret' },
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/ui/`);
    await overviewShows(page, queryId);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

    await page.click(`[data-query-id="${queryId}"] a`);
    await page.waitForSelector('[data-testid="query-state"]:text("FINISHED")');
    await queryPageShowsRetry(page);
    await page.screenshot({ path: join(SHOTS, 'query.png'), fullPage: true });
    expect(pageErrors).to.deep.equal([]);
    await context.close();
  });

  it('checks every input of the API and names what is wrong', async () => {
    const get = async (path: string, headers: Record<string, string> = alice, method = 'GET') => {
      const r = await call(`${base}${path}`, { headers, method });
      return { status: r.status, body: JSON.parse(r.text) as { error?: string; queries?: QueryRow[] } };
    };
    const wrong: [string, number, RegExp][] = [
      ['/ui/api/queries/a.b', 400, /query id/],
      [`/ui/api/queries/${'x'.repeat(129)}`, 400, /query id/],
      ['/ui/api/queries/no_such_query', 404, /Query not found: no_such_query/],
      ['/ui/api/queries/no_such_query?x=1', 400, /no parameters/],
      ['/ui/api/queries?state=DONE', 400, /state must be one of/],
      ['/ui/api/queries?user=a%20b', 400, /user must be/],
      ['/ui/api/queries?limit=0', 400, /limit must be/],
      ['/ui/api/queries?limit=1e3', 400, /limit must be/],
      ['/ui/api/queries?state=RUNNING&state=FAILED', 400, /'state' is given more than once/],
      ['/ui/api/queries?sort=x', 400, /Unknown parameter 'sort'/],
      [`/ui/api/queries?text=${'y'.repeat(201)}`, 400, /at most 200/],
      ['/ui/api/nodes', 404, /No such API/],
    ];
    for (const [path, status, message] of wrong) {
      const r = await get(path);
      expect(r.status, path).to.equal(status);
      expect(r.body.error, path).to.match(message);
    }
    expect((await get('/ui/api/cluster', alice, 'POST')).status).to.equal(405);
    // filters: alice's finished query is found by user, state and text; bob sees it, not its SQL
    const mine = await get(`/ui/api/queries?user=alice&state=FINISHED&text=L_RETURNFLAG`);
    expect(mine.body.queries!.map((q) => q.sql)).to.include(SQL);
    expect((await get('/ui/api/queries?user=bob')).body.queries).to.deep.equal([]);
    const all = (await get('/ui/api/queries')).body.queries!.map((q) => q.queryId);
    expect(
      all.filter((id) => id.startsWith('uiplan_')),
      'the plans’ EXPLAINs are not listed',
    ).to.deep.equal([]);
    const asBob = await get('/ui/api/queries', { Authorization: basic('bob', 'bob-secret') });
    expect(asBob.body.queries!.length).to.be.greaterThan(0);
    for (const q of asBob.body.queries!) expect(q.sql, q.queryId).to.equal(null);
    const bobSearch = await get('/ui/api/queries?text=lineitem', {
      Authorization: basic('bob', 'bob-secret'),
    });
    expect(bobSearch.body.queries, 'a search does not read SQL bob may not see').to.deep.equal([]);
    // no path leaves the UI's folder, however it is spelled
    for (const path of [
      '/ui/../../etc/passwd',
      '/ui/assets/%2e%2e/%2e%2e/package.json',
      '/ui/..%2fpackage.json',
    ])
      expect(await rawStatus(path), path).to.equal(404);
  });

  /** The status of a GET sent exactly as written (fetch would resolve the dots first). */
  async function rawStatus(path: string): Promise<number> {
    const { request } = await import('node:http');
    return new Promise((resolve, reject) => {
      const req = request(`${base}/`, { path, headers: alice }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** The overview: both workers were there, the query is in the list with its user and SQL. */
  async function overviewShows(page: Page, queryId: string): Promise<void> {
    await page.waitForSelector('[data-testid="worker"]');
    // memory from the workers' heartbeats
    await page.waitForSelector('[data-testid="worker-memory"]:text-matches("^[0-9.]+ [KMGT]iB$")');
    await page.waitForSelector(`[data-query-id="${queryId}"]`);
    const row = page.locator(`[data-query-id="${queryId}"]`);
    expect(await row.textContent())
      .to.contain('alice')
      .and.contain('l_returnflag');
    expect(await page.locator('[data-testid="count-finished"] .value').textContent()).to.match(/^[1-9]/);
    // the state filter narrows the list (the list polls: wait for the filtered answer)
    await page.selectOption('select[name="state"]', 'FAILED');
    await page.waitForSelector(`[data-query-id="${queryId}"]`, { state: 'detached' });
    await page.selectOption('select[name="state"]', 'FINISHED');
    await page.fill('input[name="user"]', 'alice');
    await page.waitForSelector(`[data-query-id="${queryId}"]`);
  }

  /** A task with a FAILED attempt on worker-2 (lost) and a FINISHED later attempt elsewhere. */
  async function queryPageShowsRetry(page: Page): Promise<void> {
    await page.waitForSelector('[data-testid="plan"]');
    const retried = page.locator('[data-testid="task-row"][data-retried="true"]');
    await retried.first().waitFor();
    const rows = await retried.evaluateAll((trs) =>
      trs.map((tr) =>
        [...tr.querySelectorAll('[data-testid="attempt"]')].map((li) => ({
          state: li.getAttribute('data-state'),
          worker: li.getAttribute('data-worker'),
          text: li.textContent ?? '',
        })),
      ),
    );
    const recovered = rows.find(
      (attempts) =>
        attempts[0]?.state === 'FAILED' &&
        attempts[0].worker === 'worker-2' &&
        attempts.at(-1)?.state === 'FINISHED' &&
        attempts.at(-1)?.worker !== 'worker-2',
    );
    expect(recovered, JSON.stringify(rows)).to.not.equal(undefined);
    expect(recovered![0]!.text).to.contain('REMOTE_HOST_GONE').and.contain('retried as attempt 1');
    // on the timeline: the failed bar, and the lost worker across it
    expect(await page.locator('[data-testid="timeline-bar"][data-state="FAILED"]').count()).to.be.greaterThan(
      0,
    );
    expect(await page.locator('[data-testid="timeline-marker"][data-type="WORKER_LOST"]').count()).to.equal(
      1,
    );
    expect(await page.locator('[data-testid="plan"]').textContent()).to.contain('Stage 2');
    expect(await page.locator('[data-testid="sql"]').textContent()).to.equal(SQL);
  }
});
