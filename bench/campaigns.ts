// Campaign attribution (issue 9): CHORUS_BENCH_CAMPAIGN_JOINS (default 10,000) joins through
// 100 participants' personal links, ingested through the real ingest code (inbound event, member,
// stay, member events, admission, triggers) and attributed by the campaign; the links are made
// first through the ledger by the dispatcher (sandbox connector). The joins arrive as a fission
// campaign brings them: in bursts of CHORUS_BENCH_CAMPAIGN_BURST (default 100, the most one
// Telegram getUpdates answers), each burst through ingestBurst (one transaction, as long polling
// hands them over), one burst at a time (one poller per channel). CHORUS_BENCH_CAMPAIGN_BURST=1
// measures the one-by-one path (each join its own transaction; PostgreSQL then runs 8 at a time,
// as webhooks arrive). The same number of joins into a group in no campaign (in alternating
// rounds, so both see tables of the same size) gives the ingest's own cost, so the attribution's
// share is the difference.

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { addChannel, ConnectorCache } from '../src/channels/registry.ts';
import { ensureGroup } from '../src/community/groups.ts';
import type { InboundEvent } from '../src/channels/port.ts';
import { ingestBurst } from '../src/community/ingest.ts';
import { Worker } from '../src/dispatch/worker.ts';
import { enrol, firstLink } from '../src/growth/campaign-enrol.ts';
import { campaignStatus } from '../src/growth/campaign-status.ts';
import { createCampaign } from '../src/growth/campaigns.ts';
import { secretBox } from '../src/store/secrets.ts';
import { engine } from '../test/support/db.ts';
import { openBenchStore } from './store.ts';

const PARTICIPANTS = 100;

export async function benchCampaigns(): Promise<Record<string, unknown>> {
  const joins = Number(process.env.CHORUS_BENCH_CAMPAIGN_JOINS ?? 10_000);
  const burst = Math.max(1, Number(process.env.CHORUS_BENCH_CAMPAIGN_BURST ?? 100));
  const parallel = engine === 'postgres' && burst === 1 ? 8 : 1;
  const { store, done } = await openBenchStore('campaigns');
  const box = secretBox(randomBytes(32));
  const connectors = new ConnectorCache(store.db, box);
  const worker = new Worker({ db: store.db, connectors, pollMs: 20, heartbeatMs: 500 });
  try {
    const db = store.db;
    const channel = await addChannel(db, box, { kind: 'sandbox', name: 'bench', config: {} });
    const lead = await ensureGroup(db, channel.id, 'lead', 'Lead group');
    await ensureGroup(db, channel.id, 'plain', 'Plain group');
    const join = (chatId: string, n: number, link: string): InboundEvent => ({
      type: 'member_joined',
      chatId,
      member: { externalId: `${chatId}-${n}`, name: `Person ${n}` },
      via: { inviteLink: link },
      at: new Date(),
    });
    const ingest = (events: InboundEvent[]) => ingestBurst({ db }, channel.id, events);
    for (let i = 0; i < PARTICIPANTS; i++) await ingest([join('lead', -1 - i, 'https://sandbox.chorus.local/join/own')]);
    const { id } = await createCampaign(db, { kind: 'invite', groups: `id:${lead}`, goal: 3, staySeconds: 7200, newOnly: true });
    const participants = await sql<{ member_id: string }>`SELECT member_id FROM member_identities WHERE external_id LIKE 'lead--%' ORDER BY external_id`.execute(db);
    const enrolled = [];
    for (const p of participants.rows) enrolled.push((await enrol(db, id, p.member_id)).participant.id);
    await worker.start();
    const links: string[] = [];
    for (const p of enrolled) {
      const link = await firstLink(db, p, 30_000);
      if (!link) throw new Error(`participant ${p} got no link`);
      links.push(link);
    }
    await worker.stop();

    // In rounds, a round of plain joins then one of attributed joins, so both see tables of the same size.
    const ROUNDS = 10;
    const per = Math.ceil(joins / ROUNDS);
    const run = async (chatId: string, from: number, to: number, linkOf: (n: number) => string) => {
      let next = from;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          for (let n = next; n < to; n = next) {
            next = Math.min(to, n + burst);
            const events: InboundEvent[] = [];
            for (let k = n; k < next; k++) events.push(join(chatId, k, linkOf(k)));
            await ingest(events);
          }
        }),
      );
      return (performance.now() - started) / 1000;
    };
    let baseline = 0;
    let attributed = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const from = r * per;
      const to = Math.min(joins, from + per);
      baseline += await run('plain', from, to, (n) => `https://sandbox.chorus.local/join/plain-${n % PARTICIPANTS}`);
      attributed += await run('lead', from, to, (n) => links[n % PARTICIPANTS]);
    }
    const s = await campaignStatus(db, id);
    if (s.invited !== joins) throw new Error(`${s.invited} of ${joins} joins were attributed`);
    const r2 = (n: number) => Math.round(n * 100) / 100;
    return {
      campaigns_engine: engine,
      campaigns_joins: joins,
      campaigns_burst: burst,
      campaigns_parallel: parallel,
      campaigns_attributed: s.invited,
      campaigns_ingest_attributed_s: r2(attributed),
      campaigns_ingest_attributed_ok: attributed <= 10 ? 'yes' : 'no',
      campaigns_ingest_baseline_s: r2(baseline),
      campaigns_attribution_ms_per_join: r2(((attributed - baseline) * 1000) / joins),
    };
  } finally {
    await worker.stop().catch(() => {});
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchCampaigns().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
