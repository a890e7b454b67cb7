import { defineConfig } from 'vite';

// Served by the coordinator's HTTP server under /ui/ (packages/trino-http, `src/ui/static-files.ts`).
export default defineConfig({
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  logLevel: 'warn',
});
