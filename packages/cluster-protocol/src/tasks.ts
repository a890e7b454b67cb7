import { Type } from '@sinclair/typebox';
import {
  type MessageOf,
  Count,
  ErrorDataSchema,
  Int,
  MAX_ATTEMPT,
  MAX_PARTITION,
  MAX_STAGE,
  Millis,
  SafeId,
  Strict,
  TaskIdSchema,
  Text,
  decoderFor,
  unionDecoderFor,
} from '@quarry/protocol';
import { EXCHANGE_URI_PATTERN, ExchangeFilesSchema, MAX_INLINE_BYTES } from './exchange-files.js';
import { EXCHANGE_ID_PATTERN } from './subjects.js';

/** Most splits one task may read, and most remote inputs it may have. */
export const MAX_SPLITS = 100_000;
export const MAX_INPUTS = 10_000;
/** Exchange encryption keys are AES-256: 32 bytes. */
export const EXCHANGE_KEY_BYTES = 32;
/** An exchange key sealed with the shared secret: IV (12), key (32), GCM tag (16). */
export const SEALED_KEY_BYTES = 12 + EXCHANGE_KEY_BYTES + 16;

/** A remote input of a task: the winners' files of one producer stage, for this task's partition. */
export const TaskInputSchema = Strict({ fragmentId: Int(0, MAX_STAGE), files: ExchangeFilesSchema });
export type TaskInput = MessageOf<typeof TaskInputSchema>;

/**
 * A split is connector-specific: its outer shape is checked here (which catalog, and some plain
 * data); what `info` means is the connector's to check when it reads the split.
 */
export const SplitSchema = Strict({
  catalog: Type.String({ pattern: '^[A-Za-z0-9_]{1,128}$' }),
  info: Type.Unknown(),
  /** About how many rows it yields (the connector's statistics). */
  rows: Type.Optional(Count),
});

/**
 * Everything a worker needs to run one task attempt. The plan fragment is opaque here (any object):
 * this package knows no SQL, and the worker checks the fragment before building anything from it.
 */
export const TaskSpecSchema = Strict({
  queryId: SafeId,
  /** 0, or the query attempt under retry policy QUERY. */
  queryAttempt: Int(0, MAX_ATTEMPT),
  taskId: TaskIdSchema,
  stageId: Int(0, MAX_STAGE),
  partition: Int(0, MAX_PARTITION),
  attempt: Int(0, MAX_ATTEMPT),
  fragment: Type.Object({}),
  splits: Type.Array(SplitSchema, { maxItems: MAX_SPLITS }),
  inputs: Type.Array(TaskInputSchema, { maxItems: MAX_INPUTS }),
  /** Where the output goes: exchange `s<stageId>`, spread over this many partitions. */
  output: Strict({
    exchangeId: Type.String({ pattern: EXCHANGE_ID_PATTERN }),
    partitionCount: Int(1, MAX_PARTITION),
    /** An output of at most this many bytes in all is returned inline, not written (`ExchangeFile.data`). */
    inlineMaxBytes: Type.Optional(Int(0, MAX_INLINE_BYTES)),
  }),
  /** How the query's exchange files are written and read: codec, and the per-query key (never stored). */
  exchange: Strict({
    codec: Type.Union([Type.Literal('NONE'), Type.Literal('LZ4'), Type.Literal('ZSTD')]),
    /**
     * The key sealed with the cluster's shared secret (AES-256-GCM: 12 bytes of IV, the 32-byte key,
     * a 16-byte tag), or in clear on a cluster run with `internal-communication.insecure=true`.
     */
    secretKey: Type.Optional(
      Type.Union([
        Type.Uint8Array({ minByteLength: SEALED_KEY_BYTES, maxByteLength: SEALED_KEY_BYTES }),
        Type.Uint8Array({ minByteLength: EXCHANGE_KEY_BYTES, maxByteLength: EXCHANGE_KEY_BYTES }),
      ]),
    ),
  }),
  memoryLimitBytes: Int(1, Number.MAX_SAFE_INTEGER),
  /** Session `spill_enabled`: whether state past the memory goes to local spill files; absent: the worker's `spill-enabled`. */
  spillEnabled: Type.Optional(Type.Boolean()),
});
export type TaskSpec = MessageOf<typeof TaskSpecSchema>;

/** On `worker.<id>.tasks` (ask), one schema per `type`. */
/**
 * The lease epoch of the coordinator giving a command (see {@link LeaderAnnouncementSchema}): a worker
 * refuses commands of an epoch older than the newest it has seen, so a deposed leader cannot act.
 */
const epoch = { epoch: Type.Optional(Count) };

export const WorkerCommandSchemas = {
  run: Strict({ type: Type.Literal('run'), task: TaskSpecSchema, ...epoch }),
  /** Cancels the named task attempts of a query, or all of its tasks when `taskIds` is absent. */
  cancel: Strict({
    type: Type.Literal('cancel'),
    queryId: SafeId,
    taskIds: Type.Optional(Type.Array(TaskIdSchema, { maxItems: MAX_SPLITS })),
    ...epoch,
  }),
};

/**
 * On `coordinator.leader`, from the leading coordinator when it takes the lease and then every
 * second: who leads, under which epoch (a number that only grows). A worker that sees a newer epoch
 * refuses older ones from then on, heartbeats at once and sends again its final task reports of
 * the last minute, which a leader that died may never have read.
 */
export const LeaderAnnouncementSchema = Strict({ coordinatorId: SafeId, epoch: Count, time: Millis });
export type LeaderAnnouncement = MessageOf<typeof LeaderAnnouncementSchema>;
export type WorkerCommand = MessageOf<(typeof WorkerCommandSchemas)[keyof typeof WorkerCommandSchemas]>;

export const RunTaskReplySchema = Strict({ accepted: Type.Boolean(), reason: Type.Optional(Text(1000)) });
export type RunTaskReply = MessageOf<typeof RunTaskReplySchema>;

export const CancelTasksReplySchema = Strict({ cancelled: Count });
export type CancelTasksReply = MessageOf<typeof CancelTasksReplySchema>;

export const TaskStatsSchema = Strict({
  rowsIn: Count,
  rowsOut: Count,
  bytesOut: Count,
  wallMs: Millis,
  peakMemoryBytes: Count,
  /** Bytes written to local spill files (compressed, as stored). */
  spilledBytes: Type.Optional(Count),
});
export type TaskStats = MessageOf<typeof TaskStatsSchema>;

const attempt = {
  queryId: SafeId,
  queryAttempt: Int(0, MAX_ATTEMPT),
  taskId: TaskIdSchema,
  stageId: Int(0, MAX_STAGE),
  partition: Int(0, MAX_PARTITION),
  attempt: Int(0, MAX_ATTEMPT),
  workerId: SafeId,
  stats: Type.Optional(TaskStatsSchema),
};

/**
 * On `coordinator.task-status`, from the worker running the attempt, one schema per `state`:
 * RUNNING when it starts and then about every second with growing `stats` (progress), then
 * FINISHED (with the files written) or FAILED (with the error) once.
 */
export const TaskUpdateSchemas = {
  RUNNING: Strict({ ...attempt, state: Type.Literal('RUNNING') }),
  FINISHED: Strict({ ...attempt, state: Type.Literal('FINISHED'), outputs: ExchangeFilesSchema }),
  FAILED: Strict({
    ...attempt,
    state: Type.Literal('FAILED'),
    error: ErrorDataSchema,
    /**
     * A producer's file the attempt could not read, missing or corrupt: the coordinator runs that
     * producer again (retry policy TASK) instead of retrying this task against the same bad file.
     */
    lostInput: Type.Optional(Type.String({ pattern: EXCHANGE_URI_PATTERN, maxLength: 4096 })),
  }),
};
export type TaskUpdate = MessageOf<(typeof TaskUpdateSchemas)[keyof typeof TaskUpdateSchemas]>;

export const decodeTaskSpec = decoderFor(TaskSpecSchema, { name: 'task spec' });
export const decodeWorkerCommand = unionDecoderFor('type', WorkerCommandSchemas, { name: 'worker command' });
export const decodeRunTaskReply = decoderFor(RunTaskReplySchema, { name: 'run reply' });
export const decodeCancelTasksReply = decoderFor(CancelTasksReplySchema, { name: 'cancel reply' });
export const decodeLeaderAnnouncement = decoderFor(LeaderAnnouncementSchema, { name: 'leader announcement' });
export const decodeTaskUpdate = unionDecoderFor('state', TaskUpdateSchemas, { name: 'task update' });
