// What the browser tests (and scripts/screenshots.ts) stand on: the console built once, a real
// `chorus serve` on a random loopback port with a fresh database and data folder, and Debian's
// Chromium driven by playwright-core. No browser is downloaded: without /usr/bin/chromium the
// tests fail and say how to install it.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { type Server, serve } from '../../src/server/serve.ts';
import { type TestStore, testStore } from '../support/db.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.CHORUS_CHROMIUM ?? '/usr/bin/chromium';

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds the console (`npx vite build web`) when web/dist is missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  const web = join(REPO, 'web');
  const built = join(web, 'dist', 'index.html');
  const sources = Math.max(newestMtime(join(web, 'src')), newestMtime(join(web, 'index.html')), newestMtime(join(web, 'vite.config.ts')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  try {
    // vitest runs with NODE_ENV=test, which Vite would keep: React's development build (twice the
    // size, slower) would then be in web/dist for the tests, the phone bench and `npm start`.
    execFileSync('npx', ['vite', 'build', 'web'], { cwd: REPO, stdio: 'pipe', timeout: 300_000, env: { ...process.env, NODE_ENV: 'production' } });
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`The console could not be built (npx vite build web):\n${out.stderr?.toString() ?? ''}${out.stdout?.toString() ?? ''}`);
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. The browser tests drive Debian's chromium package: install it with "apt-get install chromium" (.ci/run does), or point CHORUS_CHROMIUM at a Chromium binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
}

export interface Running {
  url: string;
  server: Server;
  store: TestStore;
  dataDir: string;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 with an in-process worker, on the engine the suite runs on; `publicUrl`: the address it tells people (live-code QR codes, short links). */
export async function startServer(opts: { publicUrl?: URL } = {}): Promise<Running> {
  const store = await testStore();
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-e2e-'));
  const server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, pollMs: 200, log: () => {}, ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}) });
  return {
    url: server.url,
    server,
    store,
    dataDir,
    async close() {
      await server.close();
      await store.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `test-results/<folder>/`, made when missing (the folder is git-ignored). */
export function resultsDir(folder: string): string {
  const dir = join(REPO, 'test-results', folder);
  mkdirSync(dir, { recursive: true });
  return dir;
}
