// Ingest in the background (src/community/ingest-queue.ts): events handed over one webhook at a
// time are stored at once and applied afterwards in arrival order, ending in the state ingesting
// them at once leaves; a broken stored event is kept with its failure and holds up nothing; what a
// stop left waiting is applied at the next start; two servers draining one channel apply each
// event once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestBatch } from '../../src/community/ingest.ts';
import { createQueuedIngest } from '../../src/community/ingest-queue.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { TEST_KEY } from '../support/world.ts';

const T = (m: number) => new Date(Date.UTC(2026, 11, 3, 10, m));
const who = (n: number) => ({ externalId: `u${n}`, name: `Person ${n}` });

function events(): InboundEvent[] {
  const e: InboundEvent[] = [];
  for (let n = 1; n <= 8; n++) e.push({ type: 'member_joined', chatId: n % 2 ? 'g1' : 'g2', member: who(n), via: { inviteLink: `https://x/${n}` }, at: T(n) });
  e.push({ type: 'member_left', chatId: 'g1', member: who(3), reason: 'voluntary', at: T(10) });
  e.push({ type: 'member_joined', chatId: 'g1', member: who(3), at: T(12) });
  e.push({ type: 'message', chatId: 'g1', messageId: 'm1', from: who(1), text: 'how do I join?', links: [], mentions: [], at: T(13) });
  e.push({ type: 'message', chatId: 'g1', messageId: 'm2', from: who(5), text: 'like this', links: [], mentions: [], replyTo: 'm1', at: T(14) });
  e.push({ type: 'member_left', chatId: 'g2', member: who(4), reason: 'removed', at: T(16) });
  return e;
}

describe(`ingest in the background (${engine})`, () => {
  let store: TestStore;
  const db = () => store.db;
  const box = secretBox(TEST_KEY);
  const channel = async (name: string) => {
    const c = await addChannel(db(), box, { kind: 'sandbox', name, config: {} });
    await ensureGroup(db(), c.id, 'g1', 'One');
    await ensureGroup(db(), c.id, 'g2', 'Two');
    return c.id;
  };

  async function state(channelId: string) {
    const q = async (text: ReturnType<typeof sql<Record<string, unknown>>>) => (await text.execute(db())).rows;
    return {
      stays: await q(sql`SELECT g.external_id AS grp, i.external_id AS who, s.joined_at, s.left_at FROM memberships s
        JOIN groups g ON g.id = s.group_id JOIN member_identities i ON i.member_id = s.member_id
        WHERE g.channel_id = ${channelId} ORDER BY grp, who, s.joined_at`),
      events: await q(sql`SELECT i.external_id AS who, e.kind, e.at FROM member_events e JOIN member_identities i ON i.member_id = e.member_id
        WHERE i.channel_id = ${channelId} ORDER BY who, e.id`),
      members: await q(sql`SELECT i.external_id, m.stage, m.joins, m.messages, m.replies FROM members m JOIN member_identities i ON i.member_id = m.id
        WHERE i.channel_id = ${channelId} ORDER BY i.external_id`),
      groups: await q(sql`SELECT external_id, member_count FROM groups WHERE channel_id = ${channelId} ORDER BY external_id`),
    };
  }
  const waiting = async (channelId: string) =>
    Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbound_events WHERE channel_id = ${channelId} AND applied_at IS NULL`.execute(db())).rows[0]?.n);

  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('stores at once, applies afterwards in arrival order, and ends where ingesting at once ends', async () => {
    const atOnce = await channel('at once');
    const later = await channel('later');
    await ingestBatch({ db: db() }, atOnce, events());
    const queue = createQueuedIngest({ db: db(), burst: 5 });
    for (const e of events()) await queue(later, e);
    await queue.idle();
    expect(await waiting(later)).toBe(0);
    expect(await state(later)).toEqual(await state(atOnce));
    await queue.stop();
  });

  it('keeps a broken event with its failure and applies the ones after it', async () => {
    const id = await channel('broken');
    const lines: string[] = [];
    const queue = createQueuedIngest({ db: db(), log: (l) => lines.push(l) });
    await queue.stop(); // stored, not applied: the events below wait together
    await queue(id, { type: 'member_joined', chatId: 'g1', member: who(1), at: T(1) });
    await db()
      .insertInto('inbound_events')
      .values({ channel_id: id, type: 'member_joined', chat_id: 'g1', payload: JSON.stringify({ type: 'member_joined', chatId: 'g1', at: T(2) }), received_at: new Date() })
      .execute();
    await queue(id, { type: 'member_joined', chatId: 'g1', member: who(3), at: T(3) });
    expect(await waiting(id)).toBe(3);
    const next = createQueuedIngest({ db: db(), log: (l) => lines.push(l) });
    await next.drainAll();
    expect(await waiting(id)).toBe(0);
    const failed = await db().selectFrom('inbound_events').select(['failure']).where('channel_id', '=', id).where('failure', 'is not', null).execute();
    expect(failed).toHaveLength(1);
    expect((await state(id)).stays.map((s) => s.who)).toEqual(['u1', 'u3']);
    expect(lines.some((l) => /could not be applied/.test(l))).toBe(true);
    await next.stop();
  });

  it('applies each event once when two servers drain the same channel', async () => {
    const id = await channel('two servers');
    const stopped = createQueuedIngest({ db: db() });
    await stopped.stop();
    const many: InboundEvent[] = [];
    for (let n = 1; n <= 60; n++) many.push({ type: 'member_joined', chatId: 'g1', member: who(100 + n), at: T(n) });
    for (let n = 1; n <= 20; n++) many.push({ type: 'member_left', chatId: 'g1', member: who(100 + n), reason: 'voluntary', at: T(70 + n) });
    for (const e of many) await stopped(id, e);
    const a = createQueuedIngest({ db: db(), burst: 7 });
    const b = createQueuedIngest({ db: db(), burst: 11 });
    await Promise.all([a.drainAll(), b.drainAll()]);
    expect(await waiting(id)).toBe(0);
    const s = await state(id);
    expect(s.stays).toHaveLength(60);
    expect(s.stays.filter((x) => x.left_at !== null)).toHaveLength(20);
    expect(s.events.filter((e) => e.kind === 'join')).toHaveLength(60);
    expect(s.events.filter((e) => e.kind === 'leave')).toHaveLength(20);
    await Promise.all([a.stop(), b.stop()]);
  });
});
