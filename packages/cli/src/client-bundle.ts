import { statSync } from 'node:fs';

/** What client-commands.ts exports, from the bundle when it is current, else from its modules. */
export type ClientCommands = typeof import('./client-commands.js');

const BUNDLE = new URL('./client-commands.bundle.js', import.meta.url);

/**
 * The packages the bundle holds: it is used only when it is newer than each one's last build
 * (`tsconfig.tsbuildinfo`), so that a `tsc -b` after a change never runs stale code. An install
 * without build info (the Docker image) uses the bundle as built.
 */
const BUNDLED = ['cli', 'client', 'common', 'protocol', 'runtime'].map(
  (name) => new URL(`../../${name}/tsconfig.tsbuildinfo`, import.meta.url),
);

function mtime(url: URL): number | undefined {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether the bundle exists and no package it holds was built after it. */
export function bundleIsCurrent(): boolean {
  const built = mtime(BUNDLE);
  return built !== undefined && BUNDLED.every((info) => (mtime(info) ?? 0) <= built);
}

export async function clientCommands(): Promise<ClientCommands> {
  if (process.env['QUARRY_CLI_BUNDLE'] !== '0' && bundleIsCurrent())
    return (await import(BUNDLE.href)) as ClientCommands;
  return import('./client-commands.js');
}
