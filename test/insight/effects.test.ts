// Per-step effect end to end: a run sent to 60 groups (a step with variants a/b, then a step sent
// in three of them) with member replies, staff and bot messages, leaves and a removal, tied and
// pasted clicks and orders at known times, through the real ingest, clicks and ledger; the figures
// computed here by hand; the A/B verdict; the API as a leader sees it; the CLI's exact JSON; an
// unknown run.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, MemberRef } from '../../src/channels/port.ts';
import { addChannel, ConnectorCache } from '../../src/channels/registry.ts';
import { ApiCallError, type ApiClient } from '../../src/cli/api-client.ts';
import { effectsCommand } from '../../src/cli/effects.ts';
import { ingestBurst } from '../../src/community/ingest.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import { writeClicks } from '../../src/growth/clicks.ts';
import { createLink, runLink, slugFor } from '../../src/growth/links.ts';
import { runSends } from '../../src/insight/effects.ts';
import { effectRows } from '../../src/insight/rules/effects.ts';
import { startRun } from '../../src/run/runs.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { TEST_KEY } from '../support/world.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';

const MIN = 60_000;
const T0 = new Date('2026-12-09T02:00:05Z'); // hello sent (10:00 in Shanghai)
const T1 = new Date('2026-12-10T02:00:00Z'); // tip sent in G0; G2 a second later, G1 two
const NOW = new Date('2026-12-10T12:00:00Z');
const plus = (t: Date, ms: number) => new Date(t.getTime() + ms);
const person = (id: string): MemberRef => ({ externalId: id, name: `Person ${id}` });
const BOT: MemberRef = { externalId: 'bot', name: 'Chorus bot', isBot: true };
const LEAD: MemberRef = { externalId: 'lead', name: 'Lin' };
let seq = 0;
const say = (chatId: string, from: MemberRef, at: Date, text = 'hi'): InboundEvent => ({ type: 'message', chatId, messageId: `m${++seq}`, from, text, links: [], mentions: [], at });
const chat = (i: number) => `g${i}`;

describe(`per-step effect (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;
  let ann: Caller;
  let bob: Caller;
  let runId: string;
  let pastedSlug: string;
  const ids: string[] = [];
  const variantOf = new Map<number, string>();
  const db = () => store.db;

  beforeAll(async () => {
    store = await testStore();
    const box = secretBox(TEST_KEY);
    const channelId = (await addChannel(db(), box, { kind: 'sandbox', name: 'sandbox', config: {} })).id;
    const burst = (e: InboundEvent[]) => ingestBurst({ db: db() }, channelId, e);
    const made = new Date('2026-11-20T00:00:00Z');
    await burst(Array.from({ length: 60 }, (_, i) => ({ type: 'group_seen' as const, chatId: chat(i), title: `Camp ${i}`, memberCount: 0, at: made })));
    const byChat = new Map((await db().selectFrom('groups').select(['id', 'external_id']).execute()).map((g) => [g.external_id, g.id]));
    for (let i = 0; i < 60; i++) ids.push(byChat.get(chat(i)) as string);
    await db().updateTable('groups').set({ created_at: made }).execute();
    await db().updateTable('groups').set({ leader: 'ann' }).where('id', 'in', [ids[0], ids[1]]).execute();
    // Members before anything: G0 m1–m4, G1 m5–m7, G2 m9, the leader and the bot.
    const joins = (i: number, who: MemberRef) => ({ type: 'member_joined' as const, chatId: chat(i), member: who, at: new Date('2026-11-21T00:00:00Z') });
    await burst([...['m1', 'm2', 'm3', 'm4'].map((m) => joins(0, person(m))), ...['m5', 'm6', 'm7'].map((m) => joins(1, person(m))), joins(2, person('m9')), joins(2, LEAD), joins(2, BOT)]);
    const lead = (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', 'lead').executeTakeFirstOrThrow()).member_id;
    await setMemberRole(db(), lead, ids[2], 'leader', { at: new Date('2026-11-21T01:00:00Z') });

    const hand = await createLink(db(), { url: 'https://example.com/guide' });
    pastedSlug = hand.slug;
    const other = await createLink(db(), { url: 'https://example.com/other' });
    const sheet = `sop: effects-test
title: Effects
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    variants:
      - id: a
        text: Hello A
      - id: b
        text: Hello B
  - id: tip
    at: T+1d
    do: post
    text: "Today's guide: https://chorus.example/l/${hand.slug}"
`;
    const connectors = new ConnectorCache(db(), box);
    runId = (await startRun({ db: db(), connectors }, { sheet, groups: 'all', anchor: '2026-12-09T10:00:00+08:00' })).id;
    // The worker's part, as it would have left the rows: hello sent everywhere, tip in G0–G2.
    await db().updateTable('ledger').set({ state: 'sent', executed_at: T0, executed_by: 'bot' }).where('run_id', '=', runId).where('step_id', '=', 'hello').execute();
    for (const [i, s] of [
      [0, 0],
      [2, 1],
      [1, 2],
    ] as const)
      await db().updateTable('ledger').set({ state: 'sent', executed_at: plus(T1, s * 1000), executed_by: 'bot' }).where('run_id', '=', runId).where('step_id', '=', 'tip').where('group_id', '=', ids[i]).execute();
    for (const r of await db().selectFrom('ledger').select(['group_id', 'variant']).where('run_id', '=', runId).where('step_id', '=', 'hello').execute()) variantOf.set(ids.indexOf(r.group_id), r.variant as string);

    // hello: a reply within the hour in the first 6 groups of a and the first 18 of b.
    const of = (v: string) => [...variantOf.entries()].filter(([, x]) => x === v).map(([i]) => i).sort((x, y) => x - y);
    const replied = [...of('a').slice(0, 6), ...of('b').slice(0, 18)];
    const quiet = of('a').slice(6);
    const events: InboundEvent[] = [
      ...replied.map((i) => say(chat(i), person(`r${i}`), plus(T0, 10 * MIN))),
      // Not replies: the bot within the hour, a member after it.
      say(chat(quiet[0]), BOT, plus(T0, 5 * MIN)),
      say(chat(quiet[0]), person('late'), plus(T0, 61 * MIN)),
      // The baseline: member messages at 10:00–11:00 Shanghai on earlier days (G0 twice, G1 once);
      // one just after that hour, and the leader's (staff), count for nothing.
      say(chat(0), person('m1'), new Date('2026-12-05T02:30:00Z')),
      say(chat(0), person('m2'), new Date('2026-12-03T02:10:00Z')),
      say(chat(1), person('m5'), new Date('2026-12-08T02:59:00Z')),
      say(chat(1), person('m6'), new Date('2026-12-07T03:00:30Z')),
      say(chat(2), LEAD, new Date('2026-12-06T02:20:00Z')),
      // tip: G0 two member replies; G1 one before the send only; G2 the leader and the bot, then a member.
      say(chat(0), person('m1'), plus(T1, 3 * MIN)),
      say(chat(0), person('m2'), plus(T1, 50 * MIN)),
      say(chat(1), person('m7'), plus(T1, -10 * MIN)),
      say(chat(2), LEAD, plus(T1, 5 * MIN)),
      say(chat(2), BOT, plus(T1, 6 * MIN)),
      say(chat(2), person('m9'), plus(T1, 40 * MIN)),
      // G0: m4 removed (not a leave of the message's doing), m3 leaves.
      { type: 'member_left', chatId: chat(0), member: person('m4'), reason: 'removed', at: plus(T1, 20 * MIN) },
      { type: 'member_left', chatId: chat(0), member: person('m3'), reason: 'voluntary', at: plus(T1, 30 * MIN) },
    ];
    await burst(events.sort((x, y) => x.at.getTime() - y.at.getTime()));

    const member = async (ext: string) => (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', ext).executeTakeFirstOrThrow()).member_id;
    const [m1, m2, m5, m6] = [await member('m1'), await member('m2'), await member('m5'), await member('m6')];
    // Clicks: the run's link per group and step (as wrapLinks makes it), the pasted one, another.
    const link = await runLink(db(), runId, 'https://example.com/tip');
    const tied = async (i: number, memberId: string, at: Date) => {
      const slug = await slugFor(db(), link, { groupId: ids[i], stepId: 'tip' });
      return { target: { linkId: link, url: 'https://example.com/tip', groupId: ids[i], stepId: 'tip', memberId }, slug, at };
    };
    await writeClicks(db(), [
      await tied(0, m1, plus(T1, 5 * MIN)),
      await tied(0, m2, plus(T1, 70 * MIN)), // after the hour
      await tied(1, '', plus(T1, 10 * MIN)),
      await tied(1, m5, plus(T1, 15 * MIN)),
      await tied(1, m6, plus(T1, 25 * MIN)),
      // The pasted link: carries no group; counted once, for the latest tip sent before it (G1).
      { target: { linkId: hand.id, url: 'https://example.com/guide', groupId: '', stepId: '', memberId: '' }, slug: hand.slug, at: plus(T1, 20 * MIN) },
      { target: { linkId: hand.id, url: 'https://example.com/guide', groupId: '', stepId: '', memberId: '' }, slug: hand.slug, at: plus(T1, 3 * 60 * MIN) },
      { target: { linkId: other.id, url: 'https://example.com/other', groupId: '', stepId: '', memberId: m6 }, slug: other.slug, at: plus(T1, 2 * 60 * MIN) },
    ]);
    // Orders: m1's and m5's last clicks were on the tip; m6's was on another link.
    await db()
      .insertInto('orders')
      .values([
        { id: 'o1', member_id: m1, amount: 99, currency: 'CNY', product: null, at: plus(T1, 2 * 60 * MIN), source: 'csv' },
        { id: 'o2', member_id: m5, amount: 49, currency: 'CNY', product: null, at: plus(T1, 60 * MIN), source: 'csv' },
        { id: 'o3', member_id: m6, amount: 19, currency: 'CNY', product: null, at: plus(T1, 3 * 60 * MIN), source: 'csv' },
      ])
      .execute();

    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-effects-'));
    app = await buildApp({ store, dataDir, consoleDir: false, now: () => NOW });
    admin = withToken(app, await ensureAdminToken(db(), dataDir), 'admin');
    await makeUser(db(), 'ann', 'leader');
    await makeUser(db(), 'bob', 'leader');
    ann = await signIn(app, 'ann');
    bob = await signIn(app, 'bob');
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  it('counts each step and variant as worked out by hand', async () => {
    const { sends, stepOrder } = await runSends(db(), runId);
    expect(stepOrder).toEqual(['hello', 'tip']);
    expect(sends).toHaveLength(63);
    const rows = effectRows(sends, stepOrder);
    // hello's baseline: 14 hours a group, none excluded (nothing was sent before); G0's two and G1's
    // one member message fall in them (02:59 does, 03:00:30 is after the hour).
    const hits = (v: string) => (variantOf.get(0) === v ? 2 : 0) + (variantOf.get(1) === v ? 1 : 0);
    const members = (v: string) => [0, 1, 2].filter((i) => variantOf.get(i) === v).reduce((n, i) => n + [4, 3, 2][i], 0);
    const hello = (v: 'a' | 'b', replied: number) => ({
      step: 'hello',
      variant: v,
      sends: 30,
      repliesWithin1h: replied,
      replyRate: replied / 30,
      leavesWithin1h: 0,
      leaveRate: 0,
      clicks: 0,
      conversions: 0,
      baselineReplyRate: Math.round((hits(v) / 420) * 10_000) / 10_000,
    });
    expect(variantOf.size).toBe(60);
    expect(members('a') + members('b')).toBe(9);
    expect(rows).toEqual([
      hello('a', 6),
      hello('b', 18),
      // tip: G0 and G2 replied (G2's leader and bot do not count, G1's was before); m3 left (m4's
      // removal is not counted) of the 9 people then (G0 4, G1 3, G2 m9 and the leader: the bot is not one); G0 1 click (the other after the
      // hour), G1 3 tied and the pasted one; o1 and o2 converted (o3's last click elsewhere); the
      // baseline 13 hours a group (yesterday's had hello in it), 3 of the 39 with a member message.
      { step: 'tip', variant: null, sends: 3, repliesWithin1h: 2, replyRate: 0.6667, leavesWithin1h: 1, leaveRate: 0.1111, clicks: 5, conversions: 2, baselineReplyRate: 0.0769 },
    ]);
  });

  it('answers the API with the verdict, and a leader only for their groups', async () => {
    const r = await admin.call('GET', `/api/runs/${runId}/effects?lang=en`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.steps).toHaveLength(3);
    expect(body.columns.find((c: { step: string }) => c.step === 'tip')).toMatchObject({ occurrence: 1, sends: 3, repliesWithin1h: 2, clicks: 5, conversions: 2 });
    // 6/30 against 18/30: z = 0.4 / √(0.4·0.6·(2/30)) = 3.162, p = 0.0016.
    const replies = body.verdicts.find((v: { metric: string }) => v.metric === 'replies');
    expect(replies).toMatchObject({ step: 'hello', a: 'a', b: 'b', code: 'significant', higher: 'b', rateA: 0.2, rateB: 0.6, z: 3.162, text: 'b gets more replies (significant, p = 0.002)' });
    expect(replies.p).toBeCloseTo(0.001565, 5);
    const zh = (await admin.call('GET', `/api/runs/${runId}/effects`, undefined, { 'accept-language': 'zh-CN' })).json();
    expect(zh.verdicts.find((v: { metric: string }) => v.metric === 'replies').text).toContain('差异显著');
    expect(body.verdicts.find((v: { metric: string }) => v.metric === 'clicks')).toMatchObject({ code: 'same' });

    // Ann leads G0 and G1: their sends only (G0, G1 of hello; tip: 1 of 2 replied, 1 leave of 7, 26 baseline hours).
    const mine = (await ann.call('GET', `/api/runs/${runId}/effects`)).json();
    const tip = mine.steps.find((s: { step: string }) => s.step === 'tip');
    expect(tip).toEqual({ step: 'tip', variant: null, sends: 2, repliesWithin1h: 1, replyRate: 0.5, leavesWithin1h: 1, leaveRate: 0.1429, clicks: 5, conversions: 2, baselineReplyRate: 0.1154 });
    expect(mine.steps.filter((s: { step: string }) => s.step === 'hello').reduce((n: number, s: { sends: number }) => n + s.sends, 0)).toBe(2);
    expect((await bob.call('GET', `/api/runs/${runId}/effects`)).statusCode).toBe(403);
    // The download: the same rows, headers in the reader's language, the verdict on the variants' rows.
    const csv = await admin.call('GET', `/api/runs/${runId}/effects?format=csv&lang=zh`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('步骤,文案,发送,1 小时内有回复,回复率（%）,该时段平时回复率（%）,1 小时内退群,退群率（%）,点击,订单,回复对比结论');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['hello,a,30,6,20', 'hello,b,30,18,60', 'tip,,3,2,66.7']);
    expect(lines[1]).toContain('b 的回复更多');
    const xlsx = await ann.call('GET', `/api/runs/${runId}/effects?format=xlsx`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect((await admin.call('GET', '/api/runs/run_nope/effects')).statusCode).toBe(404);
  });

  it('prints the CLI contract, the table with the verdict, and exits 2 on an unknown run', async () => {
    const client = {
      url: 'inject',
      async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
        const qs = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
        const r = await admin.call('GET', `${path}?${qs}`);
        if (r.statusCode >= 400) throw new ApiCallError(r.statusCode, r.json().error?.code ?? 'error', r.json().error?.message ?? r.body);
        return r.json() as T;
      },
    } as ApiClient;
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await effectsCommand(io, client, runId, { json: true })).toBe(0);
    const rows = JSON.parse(out.join('\n'));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(Object.keys(r)).toEqual(['step', 'variant', 'sends', 'repliesWithin1h', 'replyRate', 'leavesWithin1h', 'leaveRate', 'clicks', 'conversions', 'baselineReplyRate']);
    expect(rows[2]).toMatchObject({ step: 'tip', variant: null, clicks: 5 });
    out.length = 0;
    expect(await effectsCommand(io, client, runId, { locale: 'zh' })).toBe(0);
    expect(out.join('\n')).toMatch(/步骤[\s\S]*tip[\s\S]*hello: b 的回复更多/);
    expect(await effectsCommand(io, client, 'run_nope', { json: true })).toBe(2);
    expect(err.join('\n')).toContain('run_nope');
    expect(pastedSlug).toHaveLength(10);
  });
});
