#!/usr/bin/env node
// `npm test`: typecheck, lint, then the whole suite twice — on embedded PGlite, and on the
// PostgreSQL server named by DATABASE_URL. Without DATABASE_URL the second pass is skipped, and
// this script says so plainly. The browser tests (test/e2e/) drive Debian's Chromium: without it
// they are skipped with a plain message, unless CHORUS_REQUIRE_BROWSER=1 (.ci/run sets it), which
// makes a missing browser a failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const extra = process.argv.slice(2);
const run = (title, cmd, args, env) => {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${title}: failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

const databaseUrl = process.env.DATABASE_URL;
const chromium = process.env.CHORUS_CHROMIUM ?? '/usr/bin/chromium';
const requireBrowser = process.env.CHORUS_REQUIRE_BROWSER === '1';
if (!existsSync(chromium) && requireBrowser) {
  console.error(`Chromium is not installed at ${chromium}, and CHORUS_REQUIRE_BROWSER=1 makes the browser tests mandatory: install it with "apt-get install chromium".`);
  process.exit(1);
}
const browserArgs = existsSync(chromium) ? [] : ['--exclude', 'test/e2e/**'];

run('typecheck (tsc --noEmit)', 'npx', ['tsc', '--noEmit']);
// The console has its own settings (DOM, JSX, Vite's import.meta.glob): web/tsconfig.json.
run('typecheck the console (tsc -p web)', 'npx', ['tsc', '-p', 'web', '--noEmit']);
run('lint (biome)', 'npx', ['biome', 'check', 'src', 'test', 'bench', 'scripts', 'bin', 'web/src', 'web/vite.config.ts']);
// Import cycles and imports against the layering of docs/ARCHITECTURE.md (.dependency-cruiser.cjs).
run('layering (dependency-cruiser)', 'npx', ['depcruise', 'src', 'web/src', '--output-type', 'err']);
if (browserArgs.length) {
  console.log(`\n=== browser tests (test/e2e): SKIPPED — Chromium is not installed at ${chromium} ("apt-get install chromium" adds it; .ci/run does and makes them mandatory)`);
}
run('suite on PGlite (embedded)', 'npx', ['vitest', 'run', ...browserArgs, ...extra], { DATABASE_URL: '' });
if (databaseUrl) {
  run(`suite on PostgreSQL (${databaseUrl.replace(/\/\/[^@]*@/, '//')})`, 'npx', ['vitest', 'run', ...browserArgs, ...extra], {
    DATABASE_URL: databaseUrl,
  });
} else {
  console.log('\n=== suite on PostgreSQL: SKIPPED — DATABASE_URL is not set (.ci/run always sets it)');
}
console.log('\nall passes green');
