export * from './subjects.js';
export * from './exchange-files.js';
export * from './heartbeat.js';
export * from './tasks.js';
