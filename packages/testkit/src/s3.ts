import { startS3 as start, type TestS3 } from '@quarry/cli';
import { track } from './servers.js';

export type { TestS3 };

/** s3rver on a free port with two buckets (by default), killed when the test process exits. */
export async function startS3(options: { buckets?: readonly string[] } = {}): Promise<TestS3> {
  return track(await start(options));
}
