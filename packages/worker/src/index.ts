export { Worker } from './worker.js';
export { workerConfigFromProperties, WORKER_PROPERTY_NAMES, type WorkerConfig } from './config.js';
export { runTask, type TaskResult } from './task-runner.js';
