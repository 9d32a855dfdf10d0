// Serving the console (web/, built by Vite into web/dist) at `/`: files as they are, and for any
// other GET outside /api and /webhooks the console's index.html, so that its own routes
// (/runs/run_1a2b, /tasks) work on reload. Without a build, `/` says how to make one.
//
// For phones on slow networks: the build writes each text file brotli- and gzip-compressed beside
// itself (web/vite.config.ts) and the compressed copy goes to browsers that accept it
// (`preCompressed`); the files in /assets/ have a content hash in their names, so browsers keep
// them for a year without asking again, while index.html is `no-cache` (always revalidated, so a
// new build is seen at once). `/leader` gets leader.html, which preloads the leader's tasks.

import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const NO_BUILD = `<!doctype html><html><head><meta charset="utf-8"><title>Chorus</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>Chorus is running</h1>
<p>The console has not been built yet. Run <code>npm run build:web</code> in the Chorus folder (or start the
server with <code>npm start</code>, which builds it when needed), then reload this page.</p>
<p>The API works already: see <a href="/api/docs">/api/docs</a>.</p>
<p lang="zh">控制台还没有构建。请在 Chorus 目录运行 <code>npm run build:web</code>（或用 <code>npm start</code> 启动，它会在需要时自动构建），然后刷新本页。</p>
</body></html>`;

/** The caching of a built file (its path inside web/dist): hashed assets forever, the rest revalidated. */
export function cacheControlFor(file: string): string {
  return /^assets[/\\]/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** True for paths the console answers (not the API, not the platforms' webhooks). */
export function isConsolePath(path: string): boolean {
  return !(path === '/api' || path.startsWith('/api/') || path === '/webhooks' || path.startsWith('/webhooks/'));
}

/**
 * Registers the console's files; returns the answer for a GET that matched no route (index.html,
 * or the "build it first" page), or undefined when the request is not the console's.
 */
export async function registerConsole(app: FastifyInstance, dir: string | false): Promise<(req: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined> {
  const built = dir !== false && existsSync(join(dir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dir,
      wildcard: true,
      index: ['index.html'],
      preCompressed: true,
      setHeaders: (res, path) => void res.header('cache-control', cacheControlFor(relative(dir, path))),
    });
  }
  const leaderPage = built && existsSync(join(dir, 'leader.html')) ? 'leader.html' : 'index.html';
  return (req, reply) => {
    const path = req.url.split('?')[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isConsolePath(path)) return undefined;
    // A missing file with an extension (a stale /assets/x.js) is a real 404, not the console.
    if (/\.[a-z0-9]+$/i.test(path) && !path.endsWith('.html')) return undefined;
    if (!built) return reply.status(200).type('text/html; charset=utf-8').send(NO_BUILD);
    return reply.header('cache-control', 'no-cache').sendFile(path === '/leader' ? leaderPage : 'index.html');
  };
}
