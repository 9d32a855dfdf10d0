// A burst of events in one transaction (ingestBatch) ends in exactly the state the one-by-one
// path leaves: the same events into two channels, one each way, compared row by row — joins,
// redeliveries, stale joins and leaves, rejoins, messages, member steps planned. A burst that
// fails is rolled back whole; ingestBurst then goes one by one and loses none of the others.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestBatch, ingestBurst, ingestEvent } from '../../src/community/ingest.ts';
import { startRun } from '../../src/run/runs.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const SHEET = `sop: greet
title: Greet
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    text: Hello
  - id: greet
    on: member_join
    after: 10m
    do: direct_message
    text: Hi {{ member.name }}
  - id: bye
    on: member_leave
    do: task
    by: leader
    text: Ask {{ member.name }} why
`;

const T = (m: number) => new Date(Date.UTC(2026, 11, 2, 10, m));
const who = (n: number) => ({ externalId: `u${n}`, name: `Person ${n}` });

/** Joins, a redelivery, a stale join, leaves (one late), a rejoin, messages, a reply, a join with an inviter. */
function burst(): InboundEvent[] {
  const e: InboundEvent[] = [{ type: 'group_seen', chatId: 'g2', title: 'Second', memberCount: 3, at: T(0) }];
  for (let n = 1; n <= 6; n++) e.push({ type: 'member_joined', chatId: n % 2 ? 'g1' : 'g2', member: who(n), via: { inviteLink: `https://x/${n}` }, at: T(n) });
  e.push({ type: 'member_joined', chatId: 'g1', member: who(1), via: { inviteLink: 'https://x/1' }, at: T(1) });
  e.push({ type: 'member_left', chatId: 'g1', member: who(3), reason: 'voluntary', at: T(10) });
  e.push({ type: 'member_joined', chatId: 'g1', member: who(3), at: T(9) });
  e.push({ type: 'member_left', chatId: 'g1', member: who(3), reason: 'voluntary', at: T(8) });
  e.push({ type: 'member_joined', chatId: 'g1', member: who(3), at: T(12) });
  e.push({ type: 'message', chatId: 'g1', messageId: 'm1', from: who(1), text: 'how do I join?', links: [], mentions: [], at: T(13) });
  e.push({ type: 'message', chatId: 'g1', messageId: 'm2', from: who(5), text: 'like this', links: [], mentions: [], replyTo: 'm1', at: T(14) });
  e.push({ type: 'message', chatId: 'g1', messageId: 'm2', from: who(5), text: 'like this', links: [], mentions: [], replyTo: 'm1', at: T(14) });
  e.push({ type: 'member_joined', chatId: 'g2', member: who(7), via: { inviter: who(2), scene: 'invite' }, at: T(15) });
  e.push({ type: 'member_left', chatId: 'g2', member: who(4), reason: 'removed', by: who(2), at: T(16) });
  return e;
}

describe(`ingest in bursts (${engine})`, () => {
  let w: World;
  let one: string;
  let many: string;
  const db = () => w.store.db;

  /** A channel's state with its own ids replaced by platform ids, so two channels compare. */
  async function state(channelId: string) {
    const q = async (text: ReturnType<typeof sql<Record<string, unknown>>>) => (await text.execute(db())).rows;
    return {
      groups: await q(sql`SELECT external_id, name, member_count, status, last_activity_at FROM groups WHERE channel_id = ${channelId} ORDER BY external_id`),
      members: await q(sql`SELECT i.external_id, m.name, m.stage, m.level, m.score, m.points, m.tags, m.joins, m.messages, m.replies, m.answers, m.invites,
        m.active_weeks, m.last_active_at FROM members m JOIN member_identities i ON i.member_id = m.id WHERE i.channel_id = ${channelId} ORDER BY i.external_id`),
      stays: await q(sql`SELECT g.external_id AS grp, i.external_id AS who, s.joined_at, s.left_at, s.left_reason, s.via_link, s.scene,
        (SELECT external_id FROM member_identities x WHERE x.member_id = s.inviter_member_id) AS inviter,
        (SELECT external_id FROM member_identities x WHERE x.member_id = s.removed_by) AS remover
        FROM memberships s JOIN groups g ON g.id = s.group_id JOIN member_identities i ON i.member_id = s.member_id
        WHERE g.channel_id = ${channelId} ORDER BY grp, who, s.joined_at`),
      // Each member's events in their order (a run of joins writes its stage moves after its joins).
      events: await q(sql`SELECT i.external_id AS who, g.external_id AS grp, e.kind, e.at, e.detail ? 'reason' AS has_reason
        FROM member_events e JOIN member_identities i ON i.member_id = e.member_id LEFT JOIN groups g ON g.id = e.group_id
        WHERE i.channel_id = ${channelId} ORDER BY who, e.id`),
      messages: await q(sql`SELECT g.external_id AS grp, m.external_id, m.text, m.reply_to FROM messages m JOIN groups g ON g.id = m.group_id
        WHERE g.channel_id = ${channelId} ORDER BY m.id`),
      ledger: await q(sql`SELECT g.external_id AS grp, l.step_id, l.state, l.due_at, i.external_id AS who FROM ledger l JOIN groups g ON g.id = l.group_id
        LEFT JOIN member_identities i ON i.member_id = l.member_id WHERE g.channel_id = ${channelId} AND l.member_id IS NOT NULL ORDER BY grp, who, l.step_id`),
      inbound: await q(sql`SELECT type, chat_id, payload FROM inbound_events WHERE channel_id = ${channelId} ORDER BY id`),
    };
  }

  beforeAll(async () => {
    w = await sandboxWorld(0);
    const box = secretBox(TEST_KEY);
    one = w.channelId;
    many = (await addChannel(db(), box, { kind: 'sandbox', name: 'sandbox-2', config: {} })).id;
    const groups = [];
    for (const c of [one, many]) for (const g of ['g1', 'g2']) groups.push(await ensureGroup(db(), c, g, g));
    await sql`UPDATE groups SET member_count = 2, community = 'training_camp'`.execute(db());
    await startRun(w.ctx, { sheet: SHEET, groups: `id:${groups.join(',')}`, anchor: new Date(Date.now() + 86_400_000).toISOString() });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('a burst in one transaction leaves the state one by one leaves, with the same outcome per event', async () => {
    const events = burst();
    const each = [];
    for (const e of events) each.push(await ingestEvent({ db: db() }, one, e));
    const batched = await ingestBatch({ db: db() }, many, events);
    expect(batched.map((r) => [r.type, r.change, r.planned, r.closed])).toEqual(each.map((r) => [r.type, r.change, r.planned, r.closed]));
    expect(each.map((r) => r.change)).toContain('stale');
    expect(each.map((r) => r.change)).toContain('duplicate');
    expect(new Set(batched.map((r) => r.eventId)).size).toBe(events.length);
    const a = await state(one);
    const b = await state(many);
    expect(a.ledger.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('a failing burst stores nothing; ingestBurst then goes one by one and keeps the other events', async () => {
    const bad = { type: 'member_joined', chatId: 'g1', member: { externalId: null, name: 'Broken' }, at: T(30) } as unknown as InboundEvent;
    const events: InboundEvent[] = [{ type: 'member_joined', chatId: 'g1', member: who(20), at: T(31) }, bad, { type: 'member_joined', chatId: 'g1', member: who(21), at: T(32) }];
    const before = await state(many);
    await expect(ingestBatch({ db: db() }, many, events)).rejects.toThrow();
    expect(await state(many)).toEqual(before);
    await expect(ingestBurst({ db: db() }, many, events)).rejects.toThrow();
    const after = await state(many);
    expect(after.members.map((m) => m.external_id)).toEqual(expect.arrayContaining(['u20', 'u21']));
    expect(after.inbound).toHaveLength(before.inbound.length + 2);
  });
});
