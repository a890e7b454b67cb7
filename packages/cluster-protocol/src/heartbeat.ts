import { Type } from '@sinclair/typebox';
import {
  type MessageOf,
  Count,
  Int,
  SafeId,
  Strict,
  Text,
  decoderFor,
  TASK_ID_PATTERN,
  SAFE_ID_PATTERN,
} from '@quarry/protocol';

/** Most task slots a worker may announce, and so most tasks a heartbeat may list. */
export const MAX_SLOTS = 4096;

/** A running task attempt as heartbeats list it: `<queryId>/<taskId>`. */
export const RUNNING_TASK_PATTERN = `${SAFE_ID_PATTERN.slice(0, -1)}/${TASK_ID_PATTERN.slice(1)}`;

/** On `worker.heartbeat`, every heartbeat interval; the first one announces the worker. */
export const HeartbeatSchema = Strict({
  workerId: SafeId,
  /** Changes when the process restarts under the same id. */
  incarnation: SafeId,
  seq: Count,
  slots: Int(0, MAX_SLOTS),
  runningTasks: Int(0, MAX_SLOTS),
  draining: Type.Boolean(),
  host: Text(255),
  pid: Int(0, 2 ** 31 - 1),
  rssBytes: Count,
  /** 1-minute load average divided by cores. */
  load: Type.Number({ minimum: 0, maximum: 1e6 }),
  /**
   * Memory the worker gives its tasks in all (its node memory less `memory.heap-headroom-per-node`):
   * the coordinator places a task only where its memory limit still fits beside the others'.
   */
  memoryBytes: Type.Optional(Count),
  /**
   * Memory the worker's running tasks (those in `tasks`) were given, their limits summed: the
   * coordinator adds the tasks it handed the worker since, so tasks it does not know of (adopted in a
   * failover, cancelled but still stopping) are counted too. A value past `memoryBytes` only keeps
   * tasks away from the worker that sent it.
   */
  reservedBytes: Type.Optional(Count),
  /** Running task attempts: the coordinator reconciles its slot accounting with it. */
  tasks: Type.Array(Type.String({ pattern: RUNNING_TASK_PATTERN, maxLength: 200 }), { maxItems: MAX_SLOTS }),
  /** The last heartbeat of a worker that drained and leaves: not a failure. */
  leaving: Type.Optional(Type.Boolean()),
  /**
   * Where the worker's exchange keeps files (`exchangeFingerprint`): a coordinator whose exchange is
   * elsewhere refuses the worker, since their tasks could not read each other's output.
   */
  exchange: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  /**
   * The newest coordinator epoch the worker has seen: a new leader trusts the `tasks` list of a
   * heartbeat sent after the worker learnt of it (and so after it sent its recent final reports again).
   */
  epoch: Type.Optional(Count),
});
export type Heartbeat = MessageOf<typeof HeartbeatSchema>;

export const decodeHeartbeat = decoderFor(HeartbeatSchema, { name: 'heartbeat' });

/** On `worker.<id>.ping` (ask): the failure detector's direct probe of a silent worker; no fields. */
export const PingRequestSchema = Strict({});
export type PingRequest = MessageOf<typeof PingRequestSchema>;
export const decodePingRequest = decoderFor(PingRequestSchema, { name: 'ping request' });

/** The reply to a probe: who answered (a new incarnation means the process restarted). */
export const PingReplySchema = Strict({ workerId: SafeId, incarnation: SafeId });
export type PingReply = MessageOf<typeof PingReplySchema>;
export const decodePingReply = decoderFor(PingReplySchema, { name: 'ping reply' });
