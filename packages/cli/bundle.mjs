// After `tsc -b`: bundles dist/client-commands.js (the shell and the client commands) into
// dist/client-commands.bundle.js, one file that Node loads several times faster than the modules it
// holds (src/client-bundle.ts decides when to use it). pino stays outside (it starts its transports
// from files), as do optional native add-ons. The metafile lists what went in; a test checks that
// no engine package did.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/client-commands.js'],
  outfile: 'dist/client-commands.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['pino', 'pino-pretty', 'msgpackr-extract'],
  // CommonJS modules inside call require(): give the bundle one
  banner: {
    js: "import { createRequire as __quarryRequire } from 'node:module'; const require = __quarryRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
}).then(async (result) => {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    'dist/client-commands.bundle.meta.json',
    JSON.stringify(result.metafile.inputs ? Object.keys(result.metafile.inputs) : []),
  );
});
