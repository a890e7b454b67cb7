/**
 * A planner thread (planner-pool.ts starts it): parses and plans one statement at a time, off the
 * coordinator's main thread. Connector calls go back to the main thread (remote-catalogs.ts);
 * errors go back as data, with their code, type, message and line:column intact.
 */
import { parentPort } from 'node:worker_threads';
import { QuarryError, isErrorData } from '@quarry/common';
import { parseStatement, planStatement } from '@quarry/sql';
import type { ConnectorCall, PlannerMessage, PlannerRequest } from './planner-messages.js';
import { RemoteCatalogs } from './remote-catalogs.js';

const port = parentPort;
if (!port) throw new Error('planner-thread.js runs as a worker thread only');

const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
let nextCallId = 1;

function post(message: PlannerMessage): void {
  port!.postMessage(message);
}

port.on('message', (m: PlannerRequest) => {
  if (m.type === 'answer') {
    const call = calls.get(m.callId);
    if (!call) return;
    calls.delete(m.callId);
    if ('error' in m) call.reject(isErrorData(m.error) ? QuarryError.fromData(m.error) : m.error);
    else call.resolve(m.value);
    return;
  }
  void plan(m);
});

async function plan(job: Extract<PlannerRequest, { type: 'plan' }>): Promise<void> {
  const call = (catalog: string, method: ConnectorCall, args: readonly unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const callId = nextCallId++;
      calls.set(callId, { resolve, reject });
      post({ type: 'call', jobId: job.jobId, callId, catalog, method, args });
    });
  try {
    const statement = parseStatement(job.sql);
    const plan = await planStatement(statement, new RemoteCatalogs(job.catalogs, call), job.session, {
      ...(job.maxStageCount !== undefined ? { maxStageCount: job.maxStageCount } : {}),
    });
    post({ type: 'planned', jobId: job.jobId, plan });
  } catch (e) {
    // a foreign error (a bug, or a plan that cannot be cloned) is an internal error, message kept
    post({ type: 'failed', jobId: job.jobId, error: QuarryError.wrap(e).toData() });
  }
}

// the imports are loaded: statements are planned without waiting for them
post({ type: 'ready' });
