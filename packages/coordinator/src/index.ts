export { Coordinator, type CoordinatorOptions } from './coordinator.js';
export {
  coordinatorConfigFromProperties,
  COORDINATOR_PROPERTY_NAMES,
  type CoordinatorConfig,
} from './config.js';
export { AttemptStore, type AttemptRecord, type TaskRecordView } from './attempt-store.js';
export { QueryScheduler, type TaskRecord, type StageRecord } from './scheduler.js';
export { WorkerRegistry } from './worker-registry.js';
export { parseSubmission } from './submission.js';
export {
  retrySettingsFromProperties,
  withSessionRetrySettings,
  decideOnFailure,
  backoffMs,
  RETRY_PROPERTY_NAMES,
  type RetrySettings,
  type RetryPolicyName,
} from './retry-policy.js';
export type { TaskAttemptId } from './attempt-store.js';
export { PlannerPool, type PlannerPoolOptions, type PlanJob } from './planner-pool.js';
