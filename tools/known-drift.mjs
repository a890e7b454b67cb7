// Problems tools/check-deps.mjs knows of and tolerates until they are removed: each is reported as
// "known, to be removed" and does not fail the check. A problem not listed here fails it, and so does
// an entry here that no longer matches anything — remove the entry with the fix, so this list shrinks.

/** Imports that break the layer table: { file, import } as the check reports them, and why. */
export const KNOWN_IMPORTS = [
  {
    file: 'packages/connectors/src/tpch/generator/gen-dists.ts',
    import: 'prettier',
    why: 'a generator script run by hand formats its output with the root prettier; move it out of src/ or declare prettier',
  },
  {
    file: 'packages/exchange/test/config.test.ts',
    import: 'pino',
    why: "captures the log through pino directly; use @quarry/common's logger",
  },
  {
    file: 'packages/exchange/test/support/pages.ts',
    import: '@quarry/sql',
    why: 'page fixtures serialized by the SQL engine, which the exchange does not declare (not even as a devDependency)',
  },
  {
    file: 'bench/_tpch-duckdb.ts',
    import: '../packages/connectors/src/tpch/generator/index.js',
    why: 'the TPC-H generator is not exported by @quarry/connectors; export it (an internal entry) and import that',
  },
  {
    file: 'bench/tpchgen.ts',
    import: '../packages/connectors/src/tpch/generator/index.js',
    why: 'as above',
  },
  {
    file: 'bench/tpchgen.ts',
    import: '../packages/connectors/src/tpch/generator/text-pool.js',
    why: 'as above',
  },
];

/** Import cycles inside a package's src/, as the check reports them: none left. */
export const KNOWN_CYCLES = [];
