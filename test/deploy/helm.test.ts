import { expect } from 'chai';
import { Ajv } from 'ajv';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkKnownProperties, readPropertiesFile, withEnvOverrides } from '@quarry/common';
import { loadCatalogs } from '@quarry/connectors';
import { COORDINATOR_PROPERTY_NAMES, coordinatorConfigFromProperties } from '@quarry/coordinator';
import { EXCHANGE_PROPERTY_NAMES, exchangeConfigFromProperties } from '@quarry/exchange';
import { WORKER_PROPERTY_NAMES, workerConfigFromProperties } from '@quarry/worker';
import { renderChart, renderHelpersAlone, templateData, type RenderedObject } from './helm-render.js';
import { validateObject } from './k8s-schemas.js';
import { metricNamesInCode, metricNamesIn } from './metric-names.js';

/**
 * The Helm chart, checked without a helm binary: its templates rendered by Go's text/template as
 * `helm template` would (helm-render.ts), every object checked against the Kubernetes schemas, and
 * the property files it writes read by quarry's own configuration readers.
 */
const CHART = 'deploy/helm/quarry';
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const render = (valuesFiles: string[] = []) => renderChart(CHART, { release: 'prod', valuesFiles });
const find = (objects: RenderedObject[], kind: string, name: string): Obj => {
  const found = objects.find((o) => o.object.kind === kind && (o.object as Obj)['metadata'].name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => o.template).join(', ')}`);
  return found.object as Obj;
};
const kinds = (objects: RenderedObject[]) => objects.map((o) => o.object.kind).sort();
const envOf = (deployment: Obj) => deployment['spec'].template.spec.containers[0].env as Obj[];
const envNames = (deployment: Obj) => envOf(deployment).map((e) => e['name'] as string);

/**
 * The files a pod finds in its config directory: the projected volume's ConfigMaps (each key, or
 * each listed item at its path), written into `dir` as the kubelet would.
 */
function materializeConfigDir(objects: RenderedObject[], deployment: Obj, dir: string): void {
  const volume = (deployment['spec'].template.spec.volumes as Obj[]).find((v) => v['name'] === 'config')!;
  for (const source of volume['projected'].sources as Obj[]) {
    const data = find(objects, 'ConfigMap', source['configMap'].name)['data'] as Record<string, string>;
    const items =
      (source['configMap'].items as Obj[] | undefined) ??
      Object.keys(data).map((key) => ({ key, path: key }));
    for (const item of items) {
      mkdirSync(dirname(join(dir, item['path'])), { recursive: true });
      writeFileSync(join(dir, item['path']), data[item['key']]!);
    }
  }
}

/** Reads a role's config directory as the CLI does; throws as the process would at start. */
async function loadAsQuarry(dir: string, env: NodeJS.ProcessEnv) {
  const file = readPropertiesFile(join(dir, 'config.properties'), { env });
  // QUARRY_<PROPERTY> variables (the chart sets QUARRY_NODE_ID) override the file, as in the CLI
  const config = withEnvOverrides(file, [...COORDINATOR_PROPERTY_NAMES, ...WORKER_PROPERTY_NAMES], env);
  const read = [...new Set([...COORDINATOR_PROPERTY_NAMES, ...WORKER_PROPERTY_NAMES])];
  checkKnownProperties(config, 'config.properties', { read });
  const exchangeProps = readPropertiesFile(join(dir, 'exchange-manager.properties'), { env });
  checkKnownProperties(exchangeProps, 'exchange-manager.properties', { read: EXCHANGE_PROPERTY_NAMES });
  const exchange = exchangeConfigFromProperties(exchangeProps);
  const base = { servers: 'nats://nats:4222', prefix: 'quarry', exchange, exchangeConfigured: true };
  // as the CLI: etc/catalog when it exists (the chart projects it only when there are catalogs)
  const catalogs = loadCatalogs(existsSync(join(dir, 'catalog')) ? join(dir, 'catalog') : undefined);
  const names = catalogs.names();
  await catalogs.close();
  return {
    coordinator: coordinatorConfigFromProperties(config, base),
    worker: workerConfigFromProperties(config, base),
    exchange,
    catalogs: names,
  };
}

describe('Helm chart deploy/helm/quarry', function () {
  this.timeout(60_000);
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'quarry-helm-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('keeps _helpers.tpl to definitions (Helm discards what it prints; the renderer must too)', async () => {
    const printed = await renderHelpersAlone(CHART, templateData(CHART, 'prod', []));
    expect(printed.trim()).to.equal('');
  });

  it('renders the default values into valid objects: two coordinators, two workers, no autoscaler', async () => {
    const { objects, texts } = await render();
    for (const [file, text] of Object.entries(texts)) expect(text, file).to.not.include('<no value>');
    for (const { object } of objects) validateObject(object);
    expect(kinds(objects)).to.deep.equal([
      'ConfigMap',
      'ConfigMap',
      'Deployment',
      'Deployment',
      'PodDisruptionBudget',
      'PodDisruptionBudget',
      'Service',
      'Service',
    ]);
    const coordinator = find(objects, 'Deployment', 'prod-quarry-coordinator');
    const worker = find(objects, 'Deployment', 'prod-quarry-worker');
    // one leads and one stands by; a rollout starts a standby before it stops an old pod
    expect(coordinator['spec'].replicas).to.equal(2);
    expect(coordinator['spec'].strategy).to.deep.equal({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const spread = coordinator['spec'].template.spec.affinity.podAntiAffinity
      .preferredDuringSchedulingIgnoredDuringExecution as Obj[];
    expect(spread.map((t) => t['podAffinityTerm'].topologyKey)).to.deep.equal(['kubernetes.io/hostname']);
    expect(find(objects, 'PodDisruptionBudget', 'prod-quarry-coordinator')['spec'].maxUnavailable).to.equal(
      1,
    );
    expect(worker['spec'].replicas).to.equal(2);
    expect(coordinator['spec'].template.spec.containers[0].args).to.deep.equal([
      'coordinator',
      '--config-dir',
      '/etc/quarry',
    ]);
    expect(worker['spec'].template.spec.containers[0].args).to.deep.equal([
      'worker',
      '--config-dir',
      '/etc/quarry',
    ]);
    // a worker drains on SIGTERM: its grace period must let running tasks finish
    expect(worker['spec'].template.spec.terminationGracePeriodSeconds).to.be.at.least(300);
    expect(envNames(worker)).to.include.members(['NATS_URL', 'QUARRY_PREFIX', 'QUARRY_NODE_ID']);
    expect(envNames(worker)).to.not.include('AWS_ACCESS_KEY_ID');
  });

  it('writes property files that quarry reads without complaint, for either role', async () => {
    const { objects } = await render();
    for (const role of ['coordinator', 'worker']) {
      const dir = join(scratch, role);
      materializeConfigDir(objects, find(objects, 'Deployment', `prod-quarry-${role}`), dir);
      const loaded = await loadAsQuarry(dir, {});
      expect(loaded.coordinator.retry.policy).to.equal('TASK');
      expect(loaded.exchange.baseDirectories).to.deep.equal(['s3://quarry-exchange']);
      expect(loaded.worker.metricsPort).to.equal(9464);
      if (role === 'worker') expect(loaded.worker.slots).to.equal(4);
      if (role === 'coordinator') {
        expect(loaded.coordinator.redisUrl).to.equal('redis://redis-master:6379');
        expect(loaded.coordinator.leaseTimeoutMs, 'quarry’s default lease').to.equal(1500);
      }
      expect(loaded.catalogs).to.deep.equal(['tpch']);
    }
  });

  it('renders a production values file: secrets by reference, catalogs, KEDA on the cluster load', async () => {
    const { objects, texts } = await render([`${CHART}/ci/keda-values.yaml`]);
    for (const [file, text] of Object.entries(texts)) expect(text, file).to.not.include('<no value>');
    for (const { object } of objects) validateObject(object);
    expect(kinds(objects)).to.include.members(['ScaledObject']).and.not.include('HorizontalPodAutoscaler');
    const worker = find(objects, 'Deployment', 'prod-quarry-worker');
    const coordinator = find(objects, 'Deployment', 'prod-quarry-coordinator');
    expect(worker['spec'].replicas, 'the autoscaler owns the worker count').to.equal(undefined);
    expect(worker['spec'].template.spec.containers[0].image).to.equal('registry.example.com/quarry:0.1.0');
    const secretRef = (d: Obj, name: string) =>
      envOf(d).find((e) => e['name'] === name)?.['valueFrom']?.secretKeyRef as Obj | undefined;
    expect(secretRef(worker, 'AWS_SECRET_ACCESS_KEY')).to.deep.equal({
      name: 'quarry-s3',
      key: 'secret-access-key',
    });
    expect(secretRef(worker, 'QUARRY_SHARED_SECRET')).to.deep.equal({
      name: 'quarry-internal',
      key: 'shared-secret',
    });
    expect(secretRef(coordinator, 'QUARRY_SHARED_SECRET')?.['name']).to.equal('quarry-internal');
    expect(secretRef(coordinator, 'NATS_PASSWORD')).to.deep.equal({ name: 'quarry-nats', key: 'password' });
    expect(secretRef(coordinator, 'REDIS_PASSWORD')).to.deep.equal({ name: 'redis', key: 'redis-password' });
    expect(envNames(worker)).to.not.include('REDIS_PASSWORD');

    const scaled = find(objects, 'ScaledObject', 'prod-quarry-worker');
    expect(scaled['spec'].scaleTargetRef.name).to.equal('prod-quarry-worker');
    const trigger = scaled['spec'].triggers[0] as Obj;
    expect(trigger['metadata'].threshold).to.equal('8');
    for (const name of metricNamesIn(trigger['metadata'].query))
      expect(await metricNamesInCode(), `KEDA query metric ${name}`).to.include(name);

    const dir = join(scratch, 'coordinator');
    materializeConfigDir(objects, coordinator, dir);
    const loaded = await loadAsQuarry(dir, { REDIS_PASSWORD: 's3cret' });
    expect(loaded.coordinator.redisUrl).to.equal('redis://:s3cret@redis-master.storage.svc:6379');
    expect(loaded.coordinator.leaseTimeoutMs, 'coordinator.leaseTimeout').to.equal(3000);
    expect(coordinator['spec'].replicas).to.equal(3);
    expect(loaded.exchange.baseDirectories).to.deep.equal([
      's3://quarry-exchange-1',
      's3://quarry-exchange-2',
    ]);
    expect(loaded.exchange.compressionCodec).to.equal('ZSTD');
    expect(loaded.catalogs).to.deep.equal(['lake', 'tpch']);
    const workerDir = join(scratch, 'worker');
    materializeConfigDir(objects, worker, workerDir);
    const podName = 'prod-quarry-worker-7d9c5b8f6-x2k4f'; // what metadata.name gives QUARRY_NODE_ID
    const loadedWorker = (await loadAsQuarry(workerDir, { QUARRY_NODE_ID: podName })).worker;
    expect(loadedWorker.slots).to.equal(8);
    expect(loadedWorker.workerId).to.equal(podName);
  });

  it('renders an HPA on CPU when asked, and no worker count for it to fight over', async () => {
    const { objects } = await render([`${CHART}/ci/hpa-values.yaml`]);
    for (const { object } of objects) validateObject(object);
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'prod-quarry-worker');
    expect(hpa['spec'].scaleTargetRef).to.deep.equal({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'prod-quarry-worker',
    });
    expect(hpa['spec'].minReplicas).to.equal(3);
    expect(hpa['spec'].metrics[0].resource.target.averageUtilization).to.equal(60);
    expect(find(objects, 'Deployment', 'prod-quarry-worker')['spec'].replicas).to.equal(undefined);
    const config = find(objects, 'ConfigMap', 'prod-quarry-worker')['data']['config.properties'] as string;
    expect(config, 'no task-slots line when the value is empty').to.not.match(/worker\.task-slots/);
  });

  it('runs a single coordinator when asked: no anti-affinity, no budget, the same handover on rollout', async () => {
    const one = join(scratch, 'one.yaml');
    writeFileSync(
      one,
      'coordinator:\n  replicas: 1\n  spreadAcrossNodes: false\n  podDisruptionBudget:\n    enabled: false\n',
    );
    const { objects } = await render([one]);
    for (const { object } of objects) validateObject(object);
    const coordinator = find(objects, 'Deployment', 'prod-quarry-coordinator');
    expect(coordinator['spec'].replicas).to.equal(1);
    expect(coordinator['spec'].template.spec.affinity).to.equal(undefined);
    expect(coordinator['spec'].strategy.type).to.equal('RollingUpdate');
    expect(
      objects
        .filter((o) => o.object.kind === 'PodDisruptionBudget')
        .map((o) => (o.object as Obj)['metadata'].name),
    ).to.deep.equal(['prod-quarry-worker']);
  });

  it('selects its own pods: every selector matches the pod labels of its role', async () => {
    const { objects } = await render([`${CHART}/ci/keda-values.yaml`]);
    for (const role of ['coordinator', 'worker']) {
      const pods = find(objects, 'Deployment', `prod-quarry-${role}`)['spec'].template.metadata.labels as Obj;
      const selectors = [
        find(objects, 'Deployment', `prod-quarry-${role}`)['spec'].selector.matchLabels as Obj,
        find(objects, 'Service', `prod-quarry-${role}`)['spec'].selector as Obj,
      ];
      selectors.push(
        find(objects, 'PodDisruptionBudget', `prod-quarry-${role}`)['spec'].selector.matchLabels,
      );
      if (role === 'coordinator')
        selectors.push(
          find(objects, 'Deployment', 'prod-quarry-coordinator')['spec'].template.spec.affinity
            .podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector
            .matchLabels,
        );
      for (const selector of selectors) expect(pods).to.include(selector);
      expect(pods['app.kubernetes.io/component']).to.equal(role);
    }
  });

  it('has values that match values.schema.json, which refuses a misspelled key as helm install would', () => {
    // Helm checks the merged values against the chart's values.schema.json (JSON Schema draft 7)
    const schema = JSON.parse(readFileSync(`${CHART}/values.schema.json`, 'utf8')) as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const files of [[], [`${CHART}/ci/keda-values.yaml`], [`${CHART}/ci/hpa-values.yaml`]]) {
      const values = templateData(CHART, 'prod', files)['Values'];
      expect(validate(values), `${files.join()}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }
    const typo = join(scratch, 'typo.yaml');
    writeFileSync(
      typo,
      'server:\n  worker: 5\nadditionalConfigProperties: [retry-policy TASK]\ncoordinator:\n  leaseTimeout: soon\n',
    );
    expect(validate(templateData(CHART, 'prod', [typo])['Values'])).to.equal(false);
    const complaints = validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
    expect(complaints).to.include('/server must NOT have additional properties');
    expect(complaints.some((c) => c.startsWith('/coordinator/leaseTimeout must match pattern'))).to.equal(
      true,
    );
    expect(complaints.some((c) => c.startsWith('/additionalConfigProperties/0 must match pattern'))).to.equal(
      true,
    );
  });

  it('names every object as Kubernetes allows (DNS labels of at most 63 characters)', async () => {
    for (const files of [[], [`${CHART}/ci/keda-values.yaml`]]) {
      for (const { object } of (await render(files)).objects) {
        const name = (object as Obj)['metadata'].name as string;
        expect(name).to.match(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      }
    }
  });

  it('is checked for real: a wrong quantity fails the schema, a value the templates do not know fails rendering', async () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(bad, 'worker:\n  resources:\n    requests:\n      cpu: two cores\n');
    const { objects } = await render([bad]);
    expect(() => objects.forEach(({ object }) => validateObject(object))).to.throw(
      /cpu must match format "quantity"/,
    );
    writeFileSync(bad, 'server:\n  keda: null\n');
    let error: unknown;
    await render([bad]).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/keda/);
  });
});
