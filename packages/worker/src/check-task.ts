import { QuarryError } from '@quarry/common';
import { decodeWorkerCommand, type TaskSpec, type WorkerCommand } from '@quarry/cluster-protocol';
import { validatePlanFragment, type PlanFragment } from '@quarry/sql';

/** A task spec whose plan fragment passed {@link checkFragment}: what task threads run. */
export type CheckedTask = Omit<TaskSpec, 'fragment'> & { readonly fragment: PlanFragment };

/** A worker command, its task (if any) checked; `epoch` is the lease epoch of the coordinator giving it. */
export type CheckedCommand =
  | { readonly type: 'run'; readonly task: CheckedTask; readonly epoch?: number }
  | Extract<WorkerCommand, { type: 'cancel' }>;

/**
 * The one place a task's plan fragment is checked after its message decoded: the cluster protocol
 * knows no SQL and carries the fragment as an opaque object. Nothing is built from a fragment that
 * has not passed here. Throws INVALID_MESSAGE.
 */
export function checkFragment(fragment: unknown): PlanFragment {
  if (typeof fragment !== 'object' || fragment === null || Array.isArray(fragment))
    throw new QuarryError('INVALID_MESSAGE', 'Invalid task spec at /fragment: Expected object');
  // known node kinds, channels in range, known types, well-formed expressions, bounded size
  return validatePlanFragment(fragment);
}

/**
 * The decoder of `worker.<id>.tasks`: the command's schema, then the fragment of a `run`. An
 * invalid command is refused (and counted) before the worker does anything with it.
 */
export function decodeCommand(value: unknown): CheckedCommand {
  const command = decodeWorkerCommand(value);
  if (command.type !== 'run') return command;
  return { ...command, task: { ...command.task, fragment: checkFragment(command.task.fragment) } };
}
