// `variants:` end to end on the sandbox: a run's ledger rows carry the variant each group got and
// that variant's text, the bot sends that text, re-planning keeps the split, a member-triggered
// step picks per member, and per-variant counts are one GROUP BY over the run's rows.

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../src/dispatch/worker.ts';
import { expandRow } from '../../src/run/expand.ts';
import { getLedgerRows } from '../../src/run/ledger.ts';
import { previewRun, replanRun, runStatus, startRun } from '../../src/run/runs.ts';
import { onMemberEvent } from '../../src/run/triggers.ts';
import { engine } from '../support/db.ts';
import { addMembers } from '../support/members.ts';
import { eventually, sandboxWorld, type World } from '../support/world.ts';

const SHEET = (later = 'Day two') => `sop: ab-kickoff
title: A/B kick-off
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
steps:
  - id: hello
    at: T0
    do: post
    variants:
      - id: warm
        text: "So glad you are here, {{ group.name }}!"
      - id: direct
        text: "Class starts now in {{ group.name }}."
  - id: later
    at: T+2d
    do: post
    variants:
      - id: a
        text: "${later}: A"
      - id: b
        text: "${later}: B"
  - id: nudge
    at: T+1d
    do: notify
    variants:
      - id: x
        text: "Hi {{ member.name }}, X"
      - id: y
        text: "Hi {{ member.name }}, Y"
  - id: plain
    at: T+2d
    do: post
    text: No variants here.
  - id: welcome
    on: member_join
    after: 10m
    do: direct_message
    variants:
      - id: short
        text: "Hi {{ member.name }}"
      - id: long
        text: "Welcome {{ member.name }}, read the pinned notice first."
`;

/** A row's `content.text` (jsonb comes back parsed on one engine, as text on the other). */
const contentText = (content: unknown): string => (typeof content === 'string' ? JSON.parse(content) : (content as { text: string })).text;

describe(`variants in a run (${engine})`, () => {
  let w: World;
  let worker: Worker;
  beforeAll(async () => {
    w = await sandboxWorld(6);
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 100, heartbeatMs: 200 });
    w.ctx.wake = () => worker.wake();
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await w.close();
  });

  it('previews the split: each variant with its groups, and the variant on sample rows', async () => {
    const p = await previewRun(w.ctx, { sheet: SHEET(), groups: 'all', anchor: new Date(Date.now() + 60_000).toISOString() });
    expect(p.variants?.map(({ step, variant, groups }) => `${step}:${variant}:${groups}`)).toEqual(['hello:warm:3', 'hello:direct:3', 'later:a:3', 'later:b:3', 'nudge:x:3', 'nudge:y:3']);
    expect(p.variants?.[0].names).toHaveLength(3);
    const hello = p.sample.filter((s) => s.step === 'hello');
    expect(hello).toHaveLength(6);
    for (const s of hello) expect(s.text).toBe(s.variant === 'warm' ? `So glad you are here, ${s.group}!` : `Class starts now in ${s.group}.`);
  });

  it('records the variant on each row, sends its text, and keeps the split when re-planned', async () => {
    const run = await startRun(w.ctx, { sheet: SHEET(), groups: 'all', anchor: new Date(Date.now() + 300).toISOString() });
    const rows = await w.store.db.selectFrom('ledger').innerJoin('groups', 'groups.id', 'ledger.group_id').select(['ledger.id', 'step_id', 'group_id', 'groups.name', 'variant', 'content', 'groups.external_id']).where('run_id', '=', run.id).execute();
    const text = (r: { content: unknown }) => contentText(r.content);
    for (const r of rows.filter((x) => x.step_id === 'hello')) {
      expect(r.variant === 'warm' || r.variant === 'direct').toBe(true);
      expect(text(r)).toBe(r.variant === 'warm' ? `So glad you are here, ${r.name}!` : `Class starts now in ${r.name}.`);
    }
    expect(rows.filter((r) => r.step_id === 'plain').every((r) => r.variant === null)).toBe(true);

    // Per (step, variant): one GROUP BY over the run's rows, as the effect figures will read them.
    const counts = await sql<{ step_id: string; variant: string; n: number }>`
      SELECT step_id, variant, count(*)::int AS n FROM ledger
       WHERE run_id = ${run.id} AND variant IS NOT NULL GROUP BY step_id, variant ORDER BY step_id, variant`.execute(w.store.db);
    expect(counts.rows.map((r) => `${r.step_id}:${r.variant}:${r.n}`)).toEqual(['hello:direct:3', 'hello:warm:3', 'later:a:3', 'later:b:3', 'nudge:x:3', 'nudge:y:3']);

    // The bot sends exactly the row's text.
    await eventually(async () => ((await runStatus(w.store.db, run.id)).counts.sent ?? 0) === 6, 10_000, 'six sends');
    const sent = await w.store.db.selectFrom('sandbox_messages').select(['chat_id', 'text']).where('kind', '=', 'post').execute();
    for (const r of rows.filter((x) => x.step_id === 'hello')) expect(sent.find((m) => m.chat_id === r.external_id)?.text).toBe(text(r));
    const status = await runStatus(w.store.db, run.id);
    expect(status.actions.filter((a) => a.step === 'hello').every((a) => a.variant === 'warm' || a.variant === 'direct')).toBe(true);

    // A new version re-plans the future rows: each group keeps its variant, with the new words.
    // A step sent to members: each member's row keeps the group's variant and is filled from its text.
    const nudge = rows.find((r) => r.step_id === 'nudge')!;
    const ids = await addMembers(w.store.db, w.channelId, nudge.group_id, [
      { externalId: 'ab-1', name: 'Ann' },
      { externalId: 'ab-2', name: 'Bo' },
    ]);
    await w.store.db.updateTable('ledger').set({ state: 'due' }).where('id', '=', nudge.id).execute();
    const [parent] = await getLedgerRows(w.store.db, [Number(nudge.id)]);
    expect(parent.variant).toBe(nudge.variant);
    expect(await expandRow(w.store.db, parent, { actor: 'test' })).toBe(2);
    const own = await w.store.db.selectFrom('ledger').select(['member_id', 'variant', 'content']).where('run_id', '=', run.id).where('step_id', '=', 'nudge').where('member_id', 'in', ids).orderBy('member_id').execute();
    expect(own.map((r) => r.variant)).toEqual([nudge.variant, nudge.variant]);
    const letter = nudge.variant === 'x' ? 'X' : 'Y';
    expect(own.map(text).sort()).toEqual([`Hi Ann, ${letter}`, `Hi Bo, ${letter}`]);

    const before = new Map(rows.filter((r) => r.step_id === 'later').map((r) => [r.group_id, r.variant]));
    await replanRun(w.ctx, run.id, SHEET('Day 2'));
    const after = await w.store.db.selectFrom('ledger').select(['group_id', 'variant', 'content']).where('run_id', '=', run.id).where('step_id', '=', 'later').where('state', '=', 'planned').execute();
    expect(after).toHaveLength(6);
    for (const r of after) {
      expect(r.variant).toBe(before.get(r.group_id));
      expect(contentText(r.content)).toBe(`Day 2: ${r.variant === 'a' ? 'A' : 'B'}`);
    }
  });

  it('a member-triggered step gives each member a variant of their own, with its text', async () => {
    const group = w.groups[0];
    const at = new Date();
    const members = Array.from({ length: 12 }, (_, i) => ({ id: `mem_ab${i}`, externalId: `u${i}`, name: `Member ${i}` }));
    for (const member of members) await onMemberEvent({ db: w.store.db }, { groupId: group, member, event: 'member_join', at });
    const rows = await w.store.db.selectFrom('ledger').select(['member_id', 'variant', 'content']).where('step_id', '=', 'welcome').where('group_id', '=', group).execute();
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      const name = members.find((m) => m.id === r.member_id)!.name;
      expect(contentText(r.content)).toBe(r.variant === 'short' ? `Hi ${name}` : `Welcome ${name}, read the pinned notice first.`);
    }
    expect(new Set(rows.map((r) => r.variant))).toEqual(new Set(['short', 'long']));
  });
});
