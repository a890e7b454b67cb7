import { mkdir, writeFile } from 'node:fs/promises';
import { Session, type Profiler } from 'node:inspector/promises';
import { join } from 'node:path';

/** V8 samples the task thread's stack this often (µs): fine enough for tasks of 100 ms and more. */
const SAMPLING_INTERVAL_US = 1000;
/** The thread's own profile is started anew this often (between tasks), so that it stays small. */
const THREAD_PROFILE_MS = 60_000;
/** The longest wait for V8 to hand over a task's profile. */
const HANDOVER_MS = 10_000;

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
 * Why two profiles: starting V8's profiler when none runs records every function compiled so far
 * (after a full GC), 30–300 ms in a warm thread, which would be most of a short task. So the thread
 * keeps a profile of its own running from its start (when it has little code), replaced by a new one
 * each minute, between tasks or while the thread waits (`rotate`), the new one started before the old one ends; each task gets
 * a profile of its own beside it, whose start then costs nothing. Profiles are started and ended
 * with `console.profile`, and V8 hands each ended one to this session.
 *
 * Call order: `open` once, then per task `start`, `stop` and, once it has reported, `rotate`; a
 * thread runs one task at a time, and a `start` while a task's profile runs profiles nothing (false). `stop` writes the file before
 * it resolves, so a task that reports its outcome after it has its profile on disk. The ids come
 * from a checked task spec (letters, digits, `_`, `-`, `.`), so they name no other directory.
 */
export class TaskProfiler {
  private threadProfile = { title: '', since: 0, count: 0 };
  private current: string | undefined;
  private readonly handover = new Map<string, (profile: Profiler.Profile) => void>();

  private constructor(
    private readonly dir: string,
    /** This thread's inspector session, open while the thread lives. */
    readonly session: Session,
  ) {
    session.on('Profiler.consoleProfileFinished', (m) =>
      this.handover.get(m.params.title ?? '')?.(m.params.profile),
    );
  }

  /** Connects to this thread's inspector and starts the thread's own profile. */
  static async open(dir: string): Promise<TaskProfiler> {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    const profiler = new TaskProfiler(dir, session);
    profiler.rotate(0);
    // an idle thread's profile grows too (V8 samples the waiting): replaced while no task runs
    setInterval(() => {
      if (profiler.current === undefined) profiler.rotate();
    }, THREAD_PROFILE_MS).unref();
    return profiler;
  }

  /** Starts the task's profile; false when another task's profile runs (nothing is recorded then). */
  start(task: ProfiledTask): boolean {
    if (this.current !== undefined) return false;
    this.current = titleOf(task);
    console.profile(this.current);
    return true;
  }

  /** Ends the task's profile and writes it; resolves with the file's path. */
  async stop(task: ProfiledTask): Promise<string> {
    const title = titleOf(task);
    if (this.current !== title) throw new Error(`no CPU profile of ${title} runs (this is a bug)`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const profile = await new Promise<Profiler.Profile>((resolve, reject) => {
        this.handover.set(title, resolve);
        timer = setTimeout(() => reject(new Error('V8 did not hand the profile over')), HANDOVER_MS);
        console.profileEnd(title);
      });
      const dir = join(this.dir, task.queryId);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${task.taskId}.cpuprofile`);
      await writeFile(path, JSON.stringify(profile));
      return path;
    } finally {
      clearTimeout(timer);
      this.handover.delete(title);
      this.current = undefined;
    }
  }

  /**
   * Starts the thread's profile anew when it is older than `maxAgeMs`: the new one first, so that
   * V8's profiler never stops. Ending the old one costs a few ms per second it ran (V8 hands it over
   * as JSON), so this runs between tasks; it is thrown away.
   */
  rotate(maxAgeMs = THREAD_PROFILE_MS): void {
    const old = this.threadProfile;
    if (old.count > 0 && performance.now() - old.since <= maxAgeMs) return;
    const count = old.count + 1;
    this.threadProfile = { title: `quarry task thread ${count}`, since: performance.now(), count };
    console.profile(this.threadProfile.title);
    if (old.count > 0) console.profileEnd(old.title);
  }
}

const titleOf = (task: ProfiledTask) => `${task.queryId}/${task.taskId}`;
