import { QuarryError } from '@quarry/common';
import type { ClusterInfo } from '@quarry/protocol';
import type { LocalCluster, ProcessHandle } from './cluster.js';

/** A coordinator as the leader lists it in `ClusterInfo.coordinators`. */
export type CoordinatorRegistration = NonNullable<ClusterInfo['coordinators']>[number];

/** The leader now: its process in the local cluster (by pid) and its registration. */
export interface LeaderNow {
  readonly handle: ProcessHandle;
  readonly registration: CoordinatorRegistration;
}

/** What `killLeader` did and saw. */
export interface Takeover {
  readonly killed: LeaderNow;
  /** The coordinator that leads after the kill; undefined when no live coordinator was left. */
  readonly next: LeaderNow | undefined;
  /** From the SIGKILL to the moment the new leader answered as leader. */
  readonly tookMs: number;
}

const alive = (h: ProcessHandle) => h.process.exitCode === null && h.process.signalCode === null;

/** The cluster's coordinator processes that still run. */
export function liveCoordinators(cluster: LocalCluster): ProcessHandle[] {
  return cluster.coordinators.filter(alive);
}

/** The leader as the cluster answers now, with its process; undefined while none answers. */
export async function leaderNow(cluster: LocalCluster): Promise<LeaderNow | undefined> {
  const registration = (await cluster.info())?.coordinators?.find((c) => c.role === 'leader');
  const handle = cluster.coordinators.find((c) => c.process.pid === registration?.pid && alive(c));
  return handle && registration ? { handle, registration } : undefined;
}

/** The process of coordinator `coordinatorId` once the cluster answers with it as leader (up to `timeoutMs`). */
export async function waitForLeader(
  cluster: LocalCluster,
  coordinatorId: string,
  timeoutMs = 5000,
): Promise<LeaderNow | undefined> {
  const deadline = Date.now() + timeoutMs;
  do {
    const now = await leaderNow(cluster);
    if (now?.registration.coordinatorId === coordinatorId) return now;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < deadline);
  return undefined;
}

/** "coordinator-2 (pid 123)". */
export const nameOf = (h: ProcessHandle) => `${h.name} (pid ${h.process.pid})`;

/**
 * One line on who leads: "coordinator-2 (pid 123) leads under epoch 3; standing by: coordinator-3
 * (pid 140)". Standbys are the live processes other than the leader (a killed coordinator stays
 * registered for a while; it is not counted).
 */
export async function describeLeadership(cluster: LocalCluster): Promise<string> {
  const leader = await leaderNow(cluster);
  const standbys = liveCoordinators(cluster).filter((c) => c !== leader?.handle);
  const standing = standbys.length ? `standing by: ${standbys.map(nameOf).join(', ')}` : 'no standby';
  if (!leader) return `no coordinator leads now; ${standing}`;
  return `${nameOf(leader.handle)} leads under epoch ${leader.registration.epoch}; ${standing}`;
}

/**
 * SIGKILL of the leading coordinator process, then waits (up to `timeoutMs`) until another live
 * coordinator leads — which takes about the lease timeout (`coordinator.lease-timeout`). With no
 * live coordinator left, returns at once without a successor.
 */
export async function killLeader(cluster: LocalCluster, timeoutMs = 15_000): Promise<Takeover> {
  const killed = await leaderNow(cluster);
  if (!killed) throw new QuarryError('COORDINATOR_UNAVAILABLE', 'no coordinator leads now');
  await killed.handle.kill();
  const at = Date.now();
  const deadline = at + timeoutMs;
  while (liveCoordinators(cluster).length > 0 && Date.now() < deadline) {
    const next = await leaderNow(cluster);
    if (next && next.handle !== killed.handle) return { killed, next, tookMs: Date.now() - at };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { killed, next: undefined, tookMs: Date.now() - at };
}
