// The people rules against the database: an ingested event moves its member's stage and level
// in the same transaction; points rules with their cap; the recompute agrees with the
// incremental path on a seeded world; the weekly run demotes; the sweep claims its runs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../../src/community/ingest.ts';
import { recordMemberEvent } from '../../../src/community/events.ts';
import { linkMembers } from '../../../src/community/members.ts';
import { decay } from '../../../src/community/standing/level.ts';
import { demoteWeekly, loadRules, recomputeAll, saveRules, standingSweep } from '../../../src/community/standing/apply.ts';
import { DEFAULT_RULES, readRules } from '../../../src/community/standing/rules.ts';
import { engine } from '../../support/db.ts';
import { sandboxWorld, type World } from '../../support/world.ts';

const T = (iso: string) => new Date(iso);
const DAY = 86_400_000;

describe(`people standing (${engine})`, () => {
  let w: World;
  const db = () => w.store.db;
  const member = (id: string) => db().selectFrom('members').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const events = (id: string, kinds: string[]) =>
    db().selectFrom('member_events').select(['kind', 'detail']).where('member_id', '=', id).where('kind', 'in', kinds).orderBy('id').execute();
  const ingest = (e: Parameters<typeof ingestEvent>[2]) => ingestEvent({ db: db() }, w.channelId, e);

  beforeAll(async () => {
    w = await sandboxWorld(2);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('an ingested join, message and answer move the stage and level at once', async () => {
    const joined = await ingest({ type: 'member_joined', chatId: 'chat-1', member: { externalId: 'u1', name: 'Ann' }, at: T('2026-11-02T10:00:00Z') });
    const ann = joined.memberId!;
    expect(await member(ann)).toMatchObject({ stage: 'acquainted', joins: 1, level: 'ordinary' });
    await ingest({ type: 'member_joined', chatId: 'chat-1', member: { externalId: 'u2', name: 'Bo' }, at: T('2026-11-02T10:00:00Z') });
    await ingest({ type: 'message', chatId: 'chat-1', messageId: 'q1', from: { externalId: 'u2', name: 'Bo' }, text: '这个怎么报名？', links: [], mentions: [], at: T('2026-11-02T10:05:00Z') });
    await ingest({ type: 'message', chatId: 'chat-1', messageId: 'a1', from: { externalId: 'u1', name: 'Ann' }, text: '点群公告里的链接', replyTo: 'q1', links: [], mentions: [], at: T('2026-11-02T10:06:00Z') });
    const m = await member(ann);
    // message 1 + reply 2 + answered question 5
    expect(m).toMatchObject({ stage: 'engaged', messages: 1, replies: 1, answers: 1 });
    expect(Number(m.score)).toBeCloseTo(8);
    expect(await events(ann, ['stage'])).toEqual([
      { kind: 'stage', detail: { from: 'stranger', to: 'acquainted' } },
      { kind: 'stage', detail: { from: 'acquainted', to: 'engaged' } },
    ]);
    const reply = await events(ann, ['reply']);
    expect(reply[0]?.detail).toMatchObject({ question: true });
    // Two more answers reach `active` (threshold 10) at once.
    await ingest({ type: 'message', chatId: 'chat-1', messageId: 'a2', from: { externalId: 'u1', name: 'Ann' }, text: '也可以私信我', replyTo: 'q1', links: [], mentions: [], at: T('2026-11-02T10:07:00Z') });
    expect(await member(ann)).toMatchObject({ level: 'active' });
    expect(await events(ann, ['level'])).toEqual([{ kind: 'level', detail: { from: 'ordinary', to: 'active' } }]);
    // Leaving keeps the stage.
    await ingest({ type: 'member_left', chatId: 'chat-1', member: { externalId: 'u1', name: 'Ann' }, reason: 'voluntary', at: T('2026-11-03T10:00:00Z') });
    expect((await member(ann)).stage).toBe('engaged');
  });

  it('happens in the transaction that recorded the event (nothing when it rolls back)', async () => {
    await db().insertInto('members').values({ id: 'm_tx', name: 'Tx' }).execute();
    await db()
      .transaction()
      .execute(async (trx) => {
        await recordMemberEvent(trx, { memberId: 'm_tx', kind: 'order', at: T('2026-11-05T10:00:00Z') });
        const inside = await trx.selectFrom('members').select('stage').where('id', '=', 'm_tx').executeTakeFirstOrThrow();
        expect(inside.stage).toBe('customer');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await member('m_tx')).stage).toBe('stranger');
    await recordMemberEvent(db(), { memberId: 'm_tx', kind: 'order', at: T('2026-11-05T10:00:00Z') });
    await recordMemberEvent(db(), { memberId: 'm_tx', kind: 'order', at: T('2026-11-06T10:00:00Z') });
    expect((await member('m_tx')).stage).toBe('repeat');
  });

  it('gives points by rule through the ledger, at most the daily cap', async () => {
    await saveRules(db(), readRules({ points: { checkin: { points: 5, dailyCap: 1 } }, tags: [{ tag: 'saver', when: 'points>=10' }] }), 'test');
    await db().insertInto('members').values({ id: 'm_pts', name: 'Pts' }).execute();
    await recordMemberEvent(db(), { memberId: 'm_pts', kind: 'checkin', at: T('2026-11-10T08:00:00Z') });
    await recordMemberEvent(db(), { memberId: 'm_pts', kind: 'checkin', at: T('2026-11-10T20:00:00Z') });
    expect((await member('m_pts')).points).toBe(5);
    await recordMemberEvent(db(), { memberId: 'm_pts', kind: 'checkin', at: T('2026-11-11T08:00:00Z') });
    const m = await member('m_pts');
    expect(m).toMatchObject({ points: 10, checkins: 3, stage: 'engaged' });
    expect(m.tags).toEqual(['saver']);
    const ledger = await db().selectFrom('points_ledger').select(['delta', 'balance', 'rule']).where('member_id', '=', 'm_pts').orderBy('id').execute();
    expect(ledger).toEqual([
      { delta: 5, balance: 5, rule: 'standing.checkin' },
      { delta: 5, balance: 10, rule: 'standing.checkin' },
    ]);
    await saveRules(db(), DEFAULT_RULES, 'test');
  });

  it('a recompute from the history agrees with the incremental path on a seeded world', async () => {
    const base = T('2026-10-01T09:00:00Z').getTime();
    const kinds = ['message', 'message', 'checkin', 'message', 'click', 'join', 'order', 'reply', 'join_request', 'message'] as const;
    for (let i = 0; i < 24; i++) {
      const id = `seed_${String(i).padStart(2, '0')}`;
      await db().insertInto('members').values({ id, name: `Seed ${i}` }).execute();
      for (let k = 0; k < (i % 9) * 2; k++) {
        const kind = kinds[(i + k) % kinds.length]!;
        if (kind === 'order' && k > 6) continue;
        const at = new Date(base + (i * 13 + k * 29) * 3_600_000);
        await recordMemberEvent(db(), { memberId: id, kind, at, ...(kind === 'reply' ? { detail: { to: 'seed_00', question: k % 2 === 0 } } : {}) });
      }
    }
    const now = T('2026-11-20T00:00:00Z');
    const seeded = await db().selectFrom('members').select(['id', 'stage', 'level', 'score', 'score_at', 'tags']).where('id', 'like', 'seed_%').orderBy('id').execute();
    const r = await recomputeAll(db(), DEFAULT_RULES, { now, batch: 7 });
    expect(r.members).toBeGreaterThanOrEqual(24);
    const after = await db().selectFrom('members').select(['id', 'stage', 'level', 'score', 'score_at', 'tags']).where('id', 'like', 'seed_%').orderBy('id').execute();
    expect(after.map((m) => [m.id, m.stage, m.level])).toEqual(seeded.map((m) => [m.id, m.stage, m.level]));
    const atNow = (m: { score: number; score_at: Date | null }) => decay(Number(m.score), m.score_at ? new Date(m.score_at) : null, now, 30);
    for (const [i, m] of after.entries()) expect(atNow(m), m.id).toBeCloseTo(atNow(seeded[i]!), 6);
    expect(r.stageMoves).toBe(0);
    expect(r.levelMoves).toBe(0);
    // Nothing moved since: the next run writes no row.
    const again = await recomputeAll(db(), DEFAULT_RULES, { now: new Date(now.getTime() + 3_600_000) });
    expect(again.updated).toBe(0);
  }, 60_000);

  it('demotes at the weekly run only, and counts invites whose invitee stayed', async () => {
    const rules = (await loadRules(db())).rules;
    await db().insertInto('members').values({ id: 'm_lvl', name: 'Lvl' }).execute();
    for (let k = 0; k < 4; k++) await recordMemberEvent(db(), { memberId: 'm_lvl', kind: 'checkin', at: T(`2026-09-0${k + 1}T08:00:00Z`) });
    expect((await member('m_lvl')).level).toBe('active');
    const later = T('2026-11-25T00:00:00Z');
    await recomputeAll(db(), rules, { now: later });
    expect((await member('m_lvl')).level).toBe('active');
    await demoteWeekly(db(), later);
    expect((await member('m_lvl')).level).toBe('ordinary');
    expect((await events('m_lvl', ['level'])).at(-1)?.detail).toEqual({ from: 'active', to: 'ordinary', by: 'recompute' });

    // Cy invites Di into chat-2; Di stays past the 7 days: the invite weighs 8 at the next run.
    const di = await ingest({ type: 'member_joined', chatId: 'chat-2', member: { externalId: 'di', name: 'Di' }, via: { inviter: { externalId: 'cy', name: 'Cy' } }, at: T('2026-11-01T10:00:00Z') });
    const cy = (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', 'cy').executeTakeFirstOrThrow()).member_id;
    expect(Number((await member(cy)).score)).toBe(0);
    expect(di.memberId).toBeTruthy();
    // Ed, invited by Cy the same hour, left after two days: that invite never counts.
    await ingest({ type: 'member_joined', chatId: 'chat-2', member: { externalId: 'ed', name: 'Ed' }, via: { inviter: { externalId: 'cy', name: 'Cy' } }, at: T('2026-11-01T10:30:00Z') });
    await ingest({ type: 'member_left', chatId: 'chat-2', member: { externalId: 'ed', name: 'Ed' }, reason: 'voluntary', at: T('2026-11-03T10:00:00Z') });
    await recomputeAll(db(), rules, { now: T('2026-11-05T10:00:00Z') });
    expect(Number((await member(cy)).score)).toBe(0);
    await recomputeAll(db(), rules, { now: T('2026-11-09T10:00:00Z') });
    expect(Number((await member(cy)).score)).toBeCloseTo(8 * 0.5 ** (8 / 30), 6);
  });

  it('a merge recomputes the kept member from the united events', async () => {
    await db().insertInto('members').values([{ id: 'm_keep', name: 'Keep' }, { id: 'm_gone', name: 'Gone' }]).execute();
    await recordMemberEvent(db(), { memberId: 'm_keep', kind: 'order', at: T('2026-11-12T10:00:00Z') });
    await recordMemberEvent(db(), { memberId: 'm_gone', kind: 'order', at: T('2026-11-13T10:00:00Z') });
    await recordMemberEvent(db(), { memberId: 'm_gone', kind: 'checkin', at: T('2026-11-13T11:00:00Z') });
    await linkMembers(db(), 'm_keep', 'm_gone');
    const m = await member('m_keep');
    expect(m).toMatchObject({ stage: 'repeat', orders: 2, checkins: 1 });
    expect(m.score_at).not.toBeNull();
  });

  it('the sweep starts the clock, then runs daily and weekly', async () => {
    const t0 = T('2027-01-04T00:00:00Z');
    expect(await standingSweep(db(), t0)).toBeUndefined();
    expect(await standingSweep(db(), new Date(t0.getTime() + 3_600_000))).toBeUndefined();
    expect(await standingSweep(db(), new Date(t0.getTime() + DAY + 1))).toBe('daily');
    expect(await standingSweep(db(), new Date(t0.getTime() + DAY + 2))).toBeUndefined();
    expect(await standingSweep(db(), new Date(t0.getTime() + 7 * DAY + 5))).toBe('weekly');
    expect(await standingSweep(db(), new Date(t0.getTime() + 7 * DAY + 6))).toBeUndefined();
  });
});
