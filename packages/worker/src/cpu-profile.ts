import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** V8 samples the task thread's stack this often (µs): fine enough for tasks of 100 ms and more. */
const SAMPLING_INTERVAL_US = 1000;

/** Which task a profile is of: names its file, `<dir>/<queryId>/<taskId>.cpuprofile`. */
export interface ProfiledTask {
  readonly queryId: string;
  readonly taskId: string;
}

/**
 * CPU profiles of the tasks of one task thread (`task.cpu-profile-dir`, off by default; the tpch
 * bench's `--profile` reads them). The thread profiles itself through an inspector session of its
 * own: V8 samples the thread's stack from the task's start to its end — other threads, the worker's
 * main thread among them, are not sampled — and the profile is written as
 * `<dir>/<queryId>/<taskId>.cpuprofile`, Chrome DevTools' format, which any profile viewer opens.
 *
 * Call order: `start`, then `stop` once, for each task; a thread runs one task at a time, and a
 * `start` while a profile is running profiles nothing (false). `stop` writes the file before it
 * resolves, so a task that reports its outcome after it has its profile on disk. The ids come from
 * a checked task spec (letters, digits, `_`, `-`, `.`), so they name no other directory.
 */
export class TaskProfiler {
  private session: Session | undefined;
  private running = false;

  constructor(private readonly dir: string) {}

  /** Starts sampling; false when a profile is already running (nothing is recorded then). */
  async start(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    if (!this.session) {
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      this.session = session;
    }
    await this.session.post('Profiler.start');
    return true;
  }

  /** Stops sampling and writes the profile of `task`; resolves with the file's path. */
  async stop(task: ProfiledTask): Promise<string> {
    if (!this.running || !this.session) throw new Error('TaskProfiler.stop without start (this is a bug)');
    try {
      const { profile } = await this.session.post('Profiler.stop');
      const dir = join(this.dir, task.queryId);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${task.taskId}.cpuprofile`);
      await writeFile(path, JSON.stringify(profile));
      return path;
    } finally {
      this.running = false;
    }
  }
}
