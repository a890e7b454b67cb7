#!/usr/bin/env node
// npm run bench -- NAME [options]: runs bench/NAME.ts (after the build). Without NAME, lists them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
if (!name || !existsSync(`bench/${name}.ts`)) {
  console.error(
    `${name ? `no benchmark '${name}'. ` : ''}usage: npm run bench -- NAME [options]\nbenchmarks: ${available.join(', ')}`,
  );
  process.exit(name ? 1 : 0);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
