// The layer table: each workspace package's rank and the external libraries its sources may import.
// tools/check-deps.mjs reads the real import graph of packages/*/src, packages/*/test, bench/ and
// test/ and holds it to this table:
//  - a package imports only workspace packages of strictly lower rank that its package.json declares,
//    through their public entries (`@quarry/x`, or a subpath its `exports` map lists), never by a
//    `src/` or `dist/` path;
//  - its sources import only the externals listed here (node:* built-ins are always allowed);
//  - its tests may also import their own package (by name or `../src/…`), the test-support packages,
//    the package's devDependencies and the TEST_EXTERNALS below;
//  - bench/ and test/ at the root import packages by name only, and externals the root package.json
//    declares.
// Ranks only need to order the packages: equal ranks may not import each other. Adding a package is
// one line here; a workspace package missing from this table fails the check, and a row whose package
// does not exist (yet) is ignored.
// Patterns: 'name' matches that package, '@scope/*' any package of the scope.

/** @type {Record<string, { rank: number, externals: string[], testSupport?: boolean }>} */
export const LAYERS = {
  '@quarry/common': { rank: 0, externals: ['pino', 'pino-pretty', 'dot-properties'] },
  // Object storage (local directory, S3): used by the exchange and the lake.
  '@quarry/storage': { rank: 1, externals: ['@aws-sdk/*'] },
  // The actor runtime over NATS: knows no SQL, no storage.
  '@quarry/runtime': { rank: 1, externals: ['@nats-io/*', 'msgpackr', 'prom-client'] },
  // The SQL engine: no NATS, no Redis, no S3, no compression libraries.
  '@quarry/sql': { rank: 1, externals: [] },
  // Task output spooling over @quarry/storage: compression and encryption, no NATS, no SQL, no S3 SDK.
  '@quarry/exchange': { rank: 2, externals: ['lz4', 'zstd-napi'] },
  '@quarry/connectors': { rank: 3, externals: ['csv-parse', 'hyparquet', 'hyparquet-writer', 'hysnappy'] },
  // Client-facing messages and their schemas: what @quarry/client needs, and nothing of the engine.
  '@quarry/protocol': { rank: 1, externals: ['@sinclair/typebox'] },
  // Cluster-internal messages (task specs carry plan fragments as opaque objects), for the servers
  // only; above the client-facing messages, whose schema helpers it uses.
  '@quarry/cluster-protocol': { rank: 2, externals: ['@sinclair/typebox'] },
  '@quarry/coordinator': { rank: 5, externals: ['ioredis', 'prom-client'] },
  '@quarry/worker': { rank: 5, externals: ['prom-client'] },
  '@quarry/client': { rank: 5, externals: ['@nats-io/*'] },
  // The web UI's files (a Vite build of Preact components); its entry only says where they are.
  '@quarry/web-ui': { rank: 0, externals: ['preact'] },
  // Trino's HTTP client protocol (/v1/statement), a client of the cluster through @quarry/client.
  '@quarry/trino-http': { rank: 6, externals: ['bcryptjs'] },
  '@quarry/cli': { rank: 7, externals: ['commander', 'cli-progress', 's3rver'] },
  // Starts real servers for tests and benchmarks; any package's tests may use it.
  '@quarry/testkit': { rank: 8, externals: [], testSupport: true },
};

/** Externals every package's tests may import, beyond what their package may. */
export const TEST_EXTERNALS = ['chai', 'mocha'];
