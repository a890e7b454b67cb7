import { createServer } from 'node:net';
import type { startProcessCluster } from '@quarry/testkit';

/** A process cluster of the test kit. */
export type ProcessCluster = Awaited<ReturnType<typeof startProcessCluster>>;

/** A TCP port free on 127.0.0.1 now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** What the tests read of a QueryResults document (and of `/v1/query/{id}`). */
export interface TrinoBody {
  readonly id: string;
  readonly nextUri?: string;
  readonly columns?: readonly unknown[];
  readonly data?: readonly unknown[][];
  readonly stats: { readonly state: string; readonly scheduled: boolean; readonly totalSplits: number };
  readonly error?: {
    readonly errorName: string;
    readonly errorCode: number;
    readonly errorType: string;
    readonly message: string;
    readonly errorLocation?: { readonly lineNumber: number; readonly columnNumber: number };
  };
  readonly session?: { readonly user: string; readonly clientTags: readonly string[] };
}

/** An answer: status, headers, the text, and the document when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: TrinoBody;
}

/** One HTTP request of the protocol, by hand. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') ?? false;
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (json ? JSON.parse(text) : {}) as TrinoBody,
  };
}
