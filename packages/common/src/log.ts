import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly name: string;
  /** Defaults to QUARRY_LOG_LEVEL, else `info`. */
  readonly level?: LevelWithSilent;
  /** JSON lines unless set; defaults to pretty when stderr is a terminal. */
  readonly pretty?: boolean;
  /** Fields bound to every line, e.g. { workerId }. */
  readonly bindings?: Record<string, unknown>;
  /** Where JSON lines go instead of stderr (a stream a test reads, say); `pretty` is then ignored. */
  readonly destination?: DestinationStream;
}

/**
 * Logs go to stderr so that stdout stays free for results. Lines about a query carry `queryId`,
 * and lines about a task also `stageId`, `taskId` and `attempt`: use `logger.child({...})`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? (process.env['QUARRY_LOG_LEVEL'] as LevelWithSilent | undefined) ?? 'info';
  const destination = options.destination ?? stderr(options.pretty);
  return pino({ name: options.name, level, base: { ...options.bindings } }, destination);
}

function stderr(prettyOption: boolean | undefined): DestinationStream {
  const usePretty = prettyOption ?? (process.stderr.isTTY && process.env['QUARRY_LOG_FORMAT'] !== 'json');
  return usePretty
    ? pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
    : pino.destination({ fd: 2, sync: false });
}

/** A logger that drops everything, for tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
