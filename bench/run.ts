// `npm run bench`: every benchmark, one JSON object on stdout. Progress goes to stderr.
// Select some with `npm run bench -- plan lint`.

import { benchApi } from './api.ts';
import { benchAudience } from './audience.ts';
import { benchLateness } from './lateness.ts';
import { benchLedger } from './ledger.ts';
import { benchLinks } from './links.ts';
import { benchLint } from './lint.ts';
import { benchLivecode } from './livecode.ts';
import { benchPacing } from './pacing.ts';
import { benchPeople } from './people.ts';
import { benchPhone } from './phone.ts';
import { benchPlan } from './plan.ts';
// Posters (issue 9)
import { benchPosters } from './posters.ts';
import { benchStanding } from './standing.ts';
// Campaigns (issue 9).
import { benchCampaigns } from './campaigns.ts';
// Ingest (issue 10).
import { benchIngest } from './ingest.ts';
// Insight (issue 10): the question inbox.
import { benchInbox } from './inbox.ts';
// Insight (issue 10): group health.
import { benchHealth } from './health.ts';
import { benchHealthSparklines } from './health-sparklines.ts';
import { benchFunnel } from './funnel.ts';

type Bench = () => Promise<Record<string, unknown>>;

const BENCHES: Record<string, Bench> = {
  plan: benchPlan,
  lint: benchLint,
  pacing: benchPacing,
  // About two million rows written three times: a few minutes.
  ledger: benchLedger,
  // Real time: CHORUS_BENCH_LATENESS_SECONDS (default 600) plus setup.
  lateness: benchLateness,
  // A real server on loopback: the run board of 500 groups × 40 steps under concurrent requests.
  api: benchApi,
  // A notify to 100,000 members expanded into ledger rows (issue 8).
  audience: benchAudience,
  // Chromium on a throttled "slow 4G": a leader's first task on a cold phone (skipped without Chromium).
  phone: benchPhone,
  // 200,000 members, 2,000 groups, 5 million events generated in the database, then the segment
  // query and the members page (issue 8). Minutes on PGlite; CHORUS_BENCH_MEMBERS etc. scale it.
  people: benchPeople,
  // The people rules: 1,000 incremental events and a full recompute of CHORUS_BENCH_MEMBERS (200,000) members.
  standing: benchStanding,
  // Tracked links: GET /l/<slug> at 1,000 requests/s on loopback, then every click counted (issue 9).
  links: benchLinks,
  // GET /j/<code> at 500 requests/s while joins arrive; 1,000 concurrent scans against 5 capped groups.
  livecode: benchLivecode,
  // Posters (issue 9): PNG posters rendered one at a time on one core, every layout and a photo background.
  posters: benchPosters,
  // Campaigns: 10,000 joins through personal links ingested and attributed, beside the same joins in no campaign.
  campaigns: benchCampaigns,
  // Telegram webhooks → stored → applied in the background, beside a no-op endpoint (issue 10).
  ingest: benchIngest,
  // The question inbox over 2,000 groups: the questions of 10 million messages generated in the database, then the list.
  inbox: benchInbox,
  // Insight: the health board over 2,000 groups and 10 million messages (PGlite: 2 million by default) vs the same from raw messages.
  health: benchHealth,
  // The health board in Chromium with 300 and 1,000 groups: the uPlot sparklines' cost to open and to scroll (skipped without Chromium).
  sparklines: benchHealthSparklines,
  // Insight: the funnel and the cohorts over 2,000 groups (196,000 stays) from the stays' flags, checked against the raw messages.
  funnel: benchFunnel,
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
