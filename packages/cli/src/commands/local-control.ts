import { createInterface } from 'node:readline';
import { formatDuration } from '@quarry/common';
import type { LocalCluster } from '../local/cluster.js';
import { describeLeadership, killLeader, liveCoordinators, nameOf } from '../local/coordinators.js';

/** A command `quarry local` reads on stdin: what it does with its count argument, and what it prints. */
interface ControlCommand {
  readonly usage: string;
  readonly run: (cluster: LocalCluster, n: number) => Promise<string>;
}

const running = (cluster: LocalCluster) =>
  cluster.workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);

const COMMANDS: Readonly<Record<string, ControlCommand>> = {
  add: {
    usage: 'add [n] — start n more workers',
    async run(cluster, n) {
      const started = [];
      for (let i = 0; i < n; i++) started.push((await cluster.addWorker()).name);
      await cluster.waitForWorkers(running(cluster).length);
      return `started ${started.join(', ')}`;
    },
  },
  remove: {
    usage: 'remove [n] — drain and stop n workers',
    async run(cluster, n) {
      const removed = await cluster.removeWorkers(n);
      return removed.length ? `drained and stopped ${removed.join(', ')}` : 'no worker to remove';
    },
  },
  workers: {
    usage: 'workers — list them',
    async run(cluster) {
      const info = await cluster.info();
      return (
        info?.workers
          .map(
            (w) => `${w.workerId} (${w.runningTasks}/${w.slots} slots busy${w.draining ? ', draining' : ''})`,
          )
          .join(', ') || 'none'
      );
    },
  },
  'kill-leader': {
    usage: 'kill-leader — SIGKILL the leading coordinator (a standby takes over)',
    async run(cluster) {
      const t = await killLeader(cluster);
      const killed = `killed ${nameOf(t.killed.handle)}, the leader under epoch ${t.killed.registration.epoch} (SIGKILL)`;
      if (t.next)
        return `${killed}\n${nameOf(t.next.handle)} took over under epoch ${t.next.registration.epoch}, ${formatDuration(t.tookMs)} after the kill\n${await describeLeadership(cluster)}`;
      return liveCoordinators(cluster).length
        ? `${killed}\nno coordinator took over within ${formatDuration(t.tookMs)} (logs in ${cluster.dir}/logs)`
        : `${killed}\nno coordinator runs now: queries wait until add-coordinator starts one, which takes over`;
    },
  },
  'add-coordinator': {
    usage: 'add-coordinator — start one more coordinator',
    async run(cluster) {
      const started = await cluster.startCoordinator();
      return `started ${nameOf(started)}\n${await describeLeadership(cluster)}`;
    },
  },
  coordinators: {
    usage: 'coordinators — who leads, who stands by',
    run: describeLeadership,
  },
};

export const CONTROL_HELP = `commands: ${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join(' · ')} · stop — stop the cluster`;

/** Reads commands from stdin until `stop` or end of input (then keeps running until a signal). */
export async function control(cluster: LocalCluster, stop: () => Promise<void>): Promise<void> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const [cmd = '', arg] = line.trim().split(/\s+/);
    if (cmd === '') continue;
    if (cmd === 'stop') {
      lines.close();
      await stop();
      return;
    }
    const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
    if (!command) {
      process.stderr.write(`unknown command '${cmd}'. ${CONTROL_HELP}\n`);
      continue;
    }
    try {
      process.stderr.write(`${await command.run(cluster, Math.max(1, Number(arg ?? 1) || 1))}\n`);
    } catch (e) {
      process.stderr.write(`${cmd} failed: ${(e as Error).message}\n`);
    }
  }
  await new Promise(() => {});
}
