import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { UI_DIRECTORY } from '@quarry/web-ui';
import type { Reply } from '../statement-service.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers of every UI answer: nothing from elsewhere runs in the page, and no page frames it. */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** A segment of a file path under /ui/: what Vite's build names files with. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The built UI's files (`@quarry/web-ui`'s `dist/`), under `/ui/`: `/ui/` is its `index.html`; any
 * other path names a file, checked segment by segment, so that nothing outside the folder can be
 * asked for. Without a build, a page says how to make one.
 */
export class StaticFiles {
  constructor(private readonly root: string = UI_DIRECTORY) {}

  async serve(path: string): Promise<Reply> {
    if (!existsSync(resolve(this.root, 'index.html'))) return notBuilt(this.root);
    const rel = path.slice('/ui/'.length) || 'index.html';
    const segments = rel.split('/');
    if (!segments.every((s) => SEGMENT.test(s))) return missing(path);
    const file = resolve(this.root, ...segments);
    if (!file.startsWith(resolve(this.root) + sep)) return missing(path);
    const type = TYPES[extname(file).toLowerCase()];
    if (!type) return missing(path);
    try {
      if (!(await stat(file)).isFile()) return missing(path);
      const body = await readFile(file);
      // built assets have content hashes in their names; index.html must be asked for each time
      const cache = rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return {
        status: 200,
        body,
        headers: { 'Content-Type': type, 'Cache-Control': cache, ...UI_SECURITY_HEADERS },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return missing(path);
      throw e;
    }
  }
}

function missing(path: string): Reply {
  return { status: 404, body: `Not found: ${path}` };
}

function notBuilt(root: string): Reply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>quarry: web UI not built</title></head>
<body><h1>The web UI is not built</h1>
<p>This coordinator serves the UI from <code>${escapeHtml(root)}</code>, which has no <code>index.html</code>.
Build it with <code>npm run build</code> at the root of the quarry checkout (or
<code>npm run build -w @quarry/web-ui</code>), then reload this page. The JSON API under
<code>/ui/api/</code> works without it.</p></body></html>`;
  return {
    status: 503,
    body: html,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...UI_SECURITY_HEADERS,
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
