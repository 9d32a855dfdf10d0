// `npm run bench`: every benchmark, one JSON object on stdout. Progress goes to stderr.
// Select some with `npm run bench -- plan lint`.

import { benchLint } from './lint.ts';
import { benchPlan } from './plan.ts';

type Bench = () => Promise<Record<string, unknown>>;

const BENCHES: Record<string, Bench> = {
  plan: benchPlan,
  lint: benchLint,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}

const results: Record<string, unknown> = {
  node: process.version,
  engine: process.env.DATABASE_URL ? 'postgres' : 'pglite',
  cpus: (await import('node:os')).cpus().length,
};
for (const [name, bench] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench ${name}…\n`);
  const started = performance.now();
  Object.assign(results, await bench());
  process.stderr.write(`bench ${name}: ${Math.round(performance.now() - started)} ms\n`);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
