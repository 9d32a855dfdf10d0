#!/usr/bin/env node
// `npm start`: builds the console (web/ → web/dist) when there is no build or when any source is
// newer than it, then runs `chorus serve` with the arguments given (`npm start -- --port 9000`).
// A clean clone thus needs only `npm install && npm start`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');

/** The newest modification time under a file or folder (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function consoleNeedsBuild() {
  if (!existsSync(built)) return true;
  const sources = Math.max(newest(join(web, 'src')), newest(join(web, 'index.html')), newest(join(web, 'vite.config.ts')), newest(join(web, 'public')));
  return sources > statSync(built).mtimeMs;
}

if (!existsSync(join(web, 'index.html'))) {
  console.error('The console sources (web/) are missing; starting the API only.');
} else if (consoleNeedsBuild()) {
  console.error(existsSync(built) ? 'The console changed since its last build; building it (web/ → web/dist)…' : 'Building the console (web/ → web/dist), once…');
  const started = Date.now();
  try {
    const { build } = await import('vite');
    // A NODE_ENV other than production (a developer's shell) would make Vite ship React's
    // development build: twice the size, slower on phones.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: web, configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    console.error(`Console built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } catch (e) {
    console.error(`The console could not be built: ${e instanceof Error ? e.message : String(e)}`);
    console.error('Fix the error above, or run `npm run build:web` to see it in full. Starting the API without a new console build.');
  }
}

// The server runs as a child so that Ctrl+C reaches it and it can stop gracefully; this process
// waits for it and leaves with its exit code.
const child = spawn(process.execPath, [join(root, 'bin', 'chorus.mjs'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
