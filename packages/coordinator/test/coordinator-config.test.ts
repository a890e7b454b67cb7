import { expect } from 'chai';
import { localExchangeConfig } from '@quarry/exchange';
import { coordinatorConfigFromProperties } from '../src/config.js';

const base = {
  servers: 'nats://127.0.0.1:4222',
  prefix: 'quarry',
  exchange: localExchangeConfig('/tmp/quarry-exchange'),
  exchangeConfigured: true,
};

const config = (props: Record<string, string>) =>
  coordinatorConfigFromProperties({ 'internal-communication.insecure': 'true', ...props }, base);

describe('coordinator configuration: planner threads and per-user concurrency', () => {
  it('defaults to two planner threads of 1GB each and no cap per user', () => {
    const c = config({});
    expect([c.plannerThreads, c.plannerHeapBytes, c.maxConcurrentQueriesPerUser]).to.deep.equal([
      2,
      1024 ** 3,
      0,
    ]);
  });

  it('reads coordinator.planner-threads, coordinator.planner-heap-size and query.max-concurrent-queries-per-user', () => {
    const c = config({
      'coordinator.planner-threads': '4',
      'coordinator.planner-heap-size': '256MB',
      'query.max-concurrent-queries-per-user': '3',
    });
    expect([c.plannerThreads, c.plannerHeapBytes, c.maxConcurrentQueriesPerUser]).to.deep.equal([
      4,
      256 * 1024 ** 2,
      3,
    ]);
  });

  it('rejects bad values, naming the property', () => {
    expect(() => config({ 'coordinator.planner-threads': '0' })).to.throw(/coordinator\.planner-threads/);
    expect(() => config({ 'coordinator.planner-heap-size': '16MB' })).to.throw(
      /coordinator\.planner-heap-size must be at least 32MB/,
    );
    expect(() => config({ 'coordinator.planner-heap-size': 'lots' })).to.throw(
      /coordinator\.planner-heap-size/,
    );
    expect(() => config({ 'query.max-concurrent-queries-per-user': '-1' })).to.throw(
      /query\.max-concurrent-queries-per-user/,
    );
  });
});
