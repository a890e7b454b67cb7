export * from './codec.js';
export * from './mailbox.js';
export * from './actors.js';
export * from './failure-detector.js';
export type { Subscription, NatsConnection } from '@nats-io/transport-node';
export * from './streams.js';
export * from './connection.js';
export * from './metrics.js';
export type { Registry } from 'prom-client';
