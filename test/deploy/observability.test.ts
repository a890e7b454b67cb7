import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { metricNamesIn, metricNamesInCode } from './metric-names.js';

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/: the rules checked and
 * unit-tested by Prometheus's own `promtool`, the dashboard's queries parsed by it too, and every
 * metric either one reads found in quarry's code.
 */
const DASHBOARD = 'deploy/grafana/quarry-dashboard.json';
const ALERTS = 'deploy/prometheus/quarry-alerts.yml';
const ALERT_TESTS = 'deploy/prometheus/quarry-alerts.test.yml';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const alertRules = (
  parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
).groups.flatMap((g) => g.rules);

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8' });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      "promtool is not on the PATH: install Debian's `prometheus` package (apt-get install prometheus); .ci/run does",
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('Prometheus alert rules (deploy/prometheus)', () => {
  it('pass `promtool check rules`', () => {
    const run = promtool('check', 'rules', ALERTS);
    expect(run.status, run.output).to.equal(0);
    expect(run.output).to.match(/SUCCESS: 8 rules found/);
  });

  it('fire when they should and stay quiet on a healthy cluster (`promtool test rules`)', () => {
    const run = promtool('test', 'rules', ALERT_TESTS);
    expect(run.status, run.output).to.equal(0);
  });

  it('each have a unit test in which they fire', () => {
    const tests = (
      parse(readFileSync(ALERT_TESTS, 'utf8')) as {
        tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
      }
    ).tests.flatMap((t) => t.alert_rule_test);
    const fired = new Set(tests.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname));
    expect(alertRules.map((r) => r.alert).filter((a) => !fired.has(a))).to.deep.equal([]);
  });

  it('cover what an operator must hear about', () => {
    expect(alertRules.map((r) => r.alert)).to.include.members([
      'QuarryCoordinatorDown',
      'QuarryNoCoordinatorLeader',
      'QuarryCoordinatorLeaderChanges',
      'QuarryNoWorkers',
      'QuarryWorkersLost',
      'QuarryTaskRetryRateHigh',
      'QuarryQueryFailures',
    ]);
  });
});

describe('Grafana dashboard (deploy/grafana)', () => {
  it('is an importable dashboard: a data source variable, panels with unique ids inside 24 columns', () => {
    expect(dashboard.uid).to.equal('quarry-overview');
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).to.include({
      type: 'datasource',
      query: 'prometheus',
    });
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).to.be.at.most(24);
      if (p.type === 'row') continue;
      expect(p.datasource?.uid, p.title).to.equal('${datasource}');
      expect(p.targets, p.title).to.have.length.greaterThan(0);
    }
  });

  it("has queries Prometheus parses (promtool checks them as recording rules, Grafana's interval made 5m)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-dashboard-'));
    try {
      const rules = dashboardExprs.map((expr, i) => ({
        record: `quarry:dashboard_query_${i}`,
        expr: expr.replaceAll('$__rate_interval', '5m'),
      }));
      writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const run = promtool('check', 'rules', join(dir, 'rules.yml'));
      expect(run.status, run.output).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows queries by state, task attempts, retries, lost workers, leaders and takeovers, spooled bytes and worker memory', () => {
    const used = new Set(dashboardExprs.flatMap(metricNamesIn));
    for (const name of [
      'quarry_queries',
      'quarry_queries_total',
      'quarry_tasks',
      'quarry_task_attempts_total',
      'quarry_task_retries_total',
      'quarry_query_retries_total',
      'quarry_workers',
      'quarry_workers_lost_total',
      'quarry_coordinator_leader',
      'quarry_coordinator_terms_total',
      'quarry_coordinator_takeover_seconds',
      'quarry_coordinator_adopted_tasks_total',
      'quarry_coordinator_lost_tasks_total',
      'quarry_spooled_bytes_total',
      'quarry_worker_spooled_bytes_total',
      'quarry_worker_task_slots',
      'quarry_worker_tasks_running',
      'quarry_process_resident_memory_bytes',
    ])
      expect(used.has(name), name).to.equal(true);
  });
});

describe('metric names in deploy/', () => {
  it('exist in the code: every one the dashboard, the alerts and the chart’s KEDA query read', async () => {
    const known = new Set(await metricNamesInCode());
    const values = parse(readFileSync('deploy/helm/quarry/values.yaml', 'utf8')) as {
      server: { keda: { prometheus: { query: string } } };
    };
    const sources: Record<string, string[]> = {
      [DASHBOARD]: dashboardExprs,
      [ALERTS]: alertRules.map((r) => r.expr),
      'values.yaml server.keda.prometheus.query': [values.server.keda.prometheus.query],
    };
    for (const [source, exprs] of Object.entries(sources)) {
      const names = exprs.flatMap(metricNamesIn);
      expect(names.length, source).to.be.greaterThan(0);
      expect(
        names.filter((n) => !known.has(n)),
        `${source}: metrics quarry does not expose`,
      ).to.deep.equal([]);
    }
  });

  it('would notice a misspelled metric, and not mistake a label for one', async () => {
    const known = new Set(await metricNamesInCode());
    const names = metricNamesIn('sum by (state) (rate(quarry_querys_total{quarry_label="x"}[5m]))');
    expect(names).to.deep.equal(['quarry_querys_total']);
    expect(known.has('quarry_querys_total')).to.equal(false);
    expect(known.has('quarry_queries_total')).to.equal(true);
  });
});
