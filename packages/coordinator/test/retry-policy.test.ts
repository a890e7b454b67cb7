import { expect } from 'chai';
import { localExchangeConfig } from '@quarry/exchange';
import { coordinatorConfigFromProperties } from '../src/config.js';
import {
  backoffMs,
  decideOnFailure,
  retrySettingsFromProperties,
  withSessionRetrySettings,
} from '../src/retry-policy.js';

const external = { code: 'EXCHANGE_IO_ERROR', type: 'EXTERNAL' as const, message: 'disk on fire' };
const hostGone = { code: 'REMOTE_HOST_GONE', type: 'EXTERNAL' as const, message: 'worker w1 lost' };
const user = { code: 'DIVISION_BY_ZERO', type: 'USER_ERROR' as const, message: 'Division by zero' };

describe('retry policy', () => {
  it("has Trino's defaults", () => {
    expect(retrySettingsFromProperties({})).to.deep.equal({
      policy: 'NONE',
      queryRetryAttempts: 4,
      taskRetryAttemptsPerTask: 4,
      initialDelayMs: 10_000,
      maxDelayMs: 60_000,
      scaleFactor: 2,
    });
  });

  it("reads Trino's property names, case-insensitively for the policy", () => {
    const s = retrySettingsFromProperties({
      'retry-policy': 'task',
      'query-retry-attempts': '2',
      'task-retry-attempts-per-task': '7',
      'retry-initial-delay': '500ms',
      'retry-max-delay': '5s',
      'retry-delay-scale-factor': '3',
    });
    expect(s).to.deep.equal({
      policy: 'TASK',
      queryRetryAttempts: 2,
      taskRetryAttemptsPerTask: 7,
      initialDelayMs: 500,
      maxDelayMs: 5000,
      scaleFactor: 3,
    });
  });

  it('rejects bad values naming the property', () => {
    expect(() => retrySettingsFromProperties({ 'retry-policy': 'SOMETIMES' })).to.throw(
      "retry-policy='SOMETIMES' is invalid: expected one of NONE, QUERY, TASK",
    );
    expect(() => retrySettingsFromProperties({ 'task-retry-attempts-per-task': '-1' })).to.throw(
      'task-retry-attempts-per-task',
    );
    expect(() => retrySettingsFromProperties({ 'retry-initial-delay': 'soon' })).to.throw(
      "retry-initial-delay: 'soon' is not a duration",
    );
    expect(() => retrySettingsFromProperties({ 'retry-delay-scale-factor': '0.5' })).to.throw(
      'retry-delay-scale-factor',
    );
  });

  it('lets session properties override the cluster settings for one query', () => {
    const base = retrySettingsFromProperties({ 'retry-policy': 'NONE' });
    expect(withSessionRetrySettings(base, {})).to.equal(base);
    const s = withSessionRetrySettings(base, { retry_policy: 'QUERY', retry_initial_delay: '1s' });
    expect([s.policy, s.initialDelayMs, s.maxDelayMs]).to.deep.equal(['QUERY', 1000, 60_000]);
    expect(() => withSessionRetrySettings(base, { retry_policy: 'MAYBE' })).to.throw(
      /session property retry-policy='MAYBE' is invalid/,
    );
  });

  it('backs off exponentially up to the maximum', () => {
    const s = retrySettingsFromProperties({ 'retry-initial-delay': '1s', 'retry-max-delay': '5s' });
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(s, n))).to.deep.equal([1000, 2000, 4000, 5000, 5000]);
  });

  it('decides: NONE fails, user errors fail, TASK retries the task, QUERY the query, within the limits', () => {
    const counts = (taskFailures: number, queryFailures = 1) => ({
      taskFailures,
      queryFailures,
      taskName: '1.0',
    });
    const none = retrySettingsFromProperties({});
    const task = retrySettingsFromProperties({
      'retry-policy': 'TASK',
      'task-retry-attempts-per-task': '2',
      'retry-initial-delay': '1s',
    });
    const query = retrySettingsFromProperties({
      'retry-policy': 'QUERY',
      'query-retry-attempts': '1',
      'retry-initial-delay': '1s',
    });
    expect(decideOnFailure(none, external, counts(1)).action).to.equal('fail');
    expect(decideOnFailure(task, user, counts(1))).to.deep.equal({ action: 'fail', error: user });
    expect(decideOnFailure(query, user, counts(1))).to.deep.equal({ action: 'fail', error: user });
    expect(decideOnFailure(task, external, counts(1))).to.deep.equal({ action: 'retry-task', delayMs: 1000 });
    expect(decideOnFailure(task, external, counts(2))).to.deep.equal({ action: 'retry-task', delayMs: 2000 });
    expect(decideOnFailure(task, hostGone, counts(2))).to.deep.equal(
      { action: 'retry-task', delayMs: 0 },
      'a lost worker: at once',
    );
    const exhausted = decideOnFailure(task, external, counts(3));
    expect(exhausted.action).to.equal('fail');
    expect(exhausted.action === 'fail' && exhausted.error.message).to.equal(
      'Task 1.0 failed 3 times (task-retry-attempts-per-task=2); last error: disk on fire',
    );
    expect(decideOnFailure(query, external, counts(1, 1))).to.deep.equal({
      action: 'retry-query',
      delayMs: 1000,
    });
    expect(decideOnFailure(query, external, counts(1, 2)).action).to.equal('fail');
  });

  it('refuses retry-policy=TASK at start when no exchange manager is configured', () => {
    const base = { servers: 'nats://x', prefix: 'q', exchange: localExchangeConfig('/tmp/x') };
    expect(() =>
      coordinatorConfigFromProperties({ 'retry-policy': 'TASK' }, { ...base, exchangeConfigured: false }),
    ).to.throw(/retry-policy=TASK needs an exchange manager: configure exchange-manager.properties/);
    expect(
      coordinatorConfigFromProperties({ 'retry-policy': 'TASK' }, { ...base, exchangeConfigured: true }).retry
        .policy,
    ).to.equal('TASK');
    expect(
      coordinatorConfigFromProperties({ 'retry-policy': 'QUERY' }, { ...base, exchangeConfigured: false })
        .retry.policy,
    ).to.equal('QUERY');
    // task memory growth after running out, as Trino's fault-tolerant execution
    const defaults = coordinatorConfigFromProperties({}, { ...base, exchangeConfigured: false });
    expect([defaults.taskMemoryGrowthFactor, defaults.maxTaskMemoryBytes]).to.deep.equal([3, 2 * 1024 ** 3]);
    const grown = coordinatorConfigFromProperties(
      { 'fault-tolerant-execution-task-memory-growth-factor': '1.5', 'query.max-memory-per-node': '8GB' },
      { ...base, exchangeConfigured: false },
    );
    expect([grown.taskMemoryGrowthFactor, grown.maxTaskMemoryBytes]).to.deep.equal([1.5, 8 * 1024 ** 3]);
    expect(() =>
      coordinatorConfigFromProperties(
        { 'task.max-memory': '1GB', 'query.max-memory-per-node': '512MB' },
        { ...base, exchangeConfigured: false },
      ),
    ).to.throw(/query\.max-memory-per-node \(512MB\) must be at least task\.max-memory \(1GB\)/);
    expect(() =>
      coordinatorConfigFromProperties(
        { 'fault-tolerant-execution-task-memory-growth-factor': '0.5' },
        { ...base, exchangeConfigured: false },
      ),
    ).to.throw(/fault-tolerant-execution-task-memory-growth-factor='0.5' is invalid/);
    // the memory estimate's quantile and the wait for a worker with the memory, Trino's names
    expect([defaults.taskMemoryEstimationQuantile, defaults.allowedNoMatchingNodeMs]).to.deep.equal([
      0.9, 120_000,
    ]);
    const tuned = coordinatorConfigFromProperties(
      {
        'fault-tolerant-execution-task-memory-estimation-quantile': '0.5',
        'node-scheduler.allowed-no-matching-node-period': '30s',
      },
      { ...base, exchangeConfigured: false },
    );
    expect([tuned.taskMemoryEstimationQuantile, tuned.allowedNoMatchingNodeMs]).to.deep.equal([0.5, 30_000]);
    for (const bad of ['1.5', '-0.1', 'most'])
      expect(() =>
        coordinatorConfigFromProperties(
          { 'fault-tolerant-execution-task-memory-estimation-quantile': bad },
          { ...base, exchangeConfigured: false },
        ),
      ).to.throw(/fault-tolerant-execution-task-memory-estimation-quantile/);
    expect(() =>
      coordinatorConfigFromProperties(
        { 'node-scheduler.allowed-no-matching-node-period': 'soon' },
        { ...base, exchangeConfigured: false },
      ),
    ).to.throw(/node-scheduler\.allowed-no-matching-node-period/);
    // Trino's other properties in the same file are accepted and ignored
    expect(() =>
      coordinatorConfigFromProperties(
        { coordinator: 'true', 'http-server.http.port': '8080' },
        { ...base, exchangeConfigured: false },
      ),
    ).to.not.throw();
  });
});
