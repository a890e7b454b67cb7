export { Worker } from './worker.js';
export { workerConfigFromProperties, WORKER_PROPERTY_NAMES, type WorkerConfig } from './config.js';
export { runTask, type TaskResult } from './task-runner.js';
export { DEFAULT_SPILL, SPILL_PROPERTY_NAMES, type SpillConfig } from './spill-config.js';
export {
  parseFailureInjection,
  NO_INJECTION,
  type FailureInjection,
  type TaskRule,
  type WorkerRule,
} from './failure-injection.js';
export { decodeCommand, checkFragment, type CheckedCommand, type CheckedTask } from './check-task.js';
