export * from './servers.js';
export * from './clusters.js';
export * from './events.js';
export * from './s3.js';
