#!/usr/bin/env node
// `npm test`: typecheck, lint, then the whole suite twice — on embedded PGlite, and on the
// PostgreSQL server named by DATABASE_URL. Without DATABASE_URL the second pass is skipped, and
// this script says so plainly.
import { spawnSync } from 'node:child_process';

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
run('typecheck (tsc --noEmit)', 'npx', ['tsc', '--noEmit']);
// The console has its own settings (DOM, JSX, Vite's import.meta.glob): web/tsconfig.json.
run('typecheck the console (tsc -p web)', 'npx', ['tsc', '-p', 'web', '--noEmit']);
run('lint (biome)', 'npx', ['biome', 'check', 'src', 'test', 'bench', 'scripts', 'bin', 'web/src', 'web/vite.config.ts']);
run('suite on PGlite (embedded)', 'npx', ['vitest', 'run', ...extra], { DATABASE_URL: '' });
if (databaseUrl) {
  run(`suite on PostgreSQL (${databaseUrl.replace(/\/\/[^@]*@/, '//')})`, 'npx', ['vitest', 'run', ...extra], {
    DATABASE_URL: databaseUrl,
  });
} else {
  console.log('\n=== suite on PostgreSQL: SKIPPED — DATABASE_URL is not set (.ci/run always sets it)');
}
console.log('\nall passes green');
