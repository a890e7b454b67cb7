export { LocalCluster, CLI_MAIN, type LocalClusterOptions, type ProcessHandle } from './local/cluster.js';
export {
  startNatsServer,
  startRedisServer,
  freePort,
  waitForPort,
  requireBinary,
  type ServerProcess,
} from './local/servers.js';
export { natsAuthorization, NATS_USERS, type NatsRole } from './local/nats-config.js';
export { formatRows, formatTable, type OutputFormat } from './format.js';
export { describeEvent } from './commands/query.js';
export { startS3, type TestS3 } from './local/s3.js';
export { bundleIsCurrent } from './client-bundle.js';
