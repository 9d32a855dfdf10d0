// The simulated month (issue 10's "done when"): 50 groups over 30 days (test/support/month-world.ts)
// through the real ingest and the real orders import; then each group's health status is the one
// its shape was made for, and the 7-day figures and the daily series are the ones this file works
// out from the world's own event list — plain loops here, none of the product's functions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/channels/registry.ts';
import { cohortReport, funnelReport } from '../../src/insight/funnel-data.ts';
import { healthBoard, type HealthRow, healthSeries } from '../../src/insight/health-board.ts';
import { dailyFigures } from '../../src/insight/rules/health-series.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { buildMonthWorld, feedMonthWorld, MONTH_DAYS, type Shape, type WorldEvent } from '../support/month-world.ts';
import { TEST_KEY } from '../support/world.ts';

const world = buildMonthWorld();
const FIRST = MONTH_DAYS - 6; // the window: days 24–30
const EXPECTED_STATUS: Record<Shape, string> = { lively: 'healthy', watch: 'watch', dying: 'dying' };
const roundTo = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const middle = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
};
type Message = Extract<WorldEvent, { kind: 'message' }>;

/** Each question's wait for its first answer: its group's leader writing after it, or the bot replying to it. */
function waitsOf(events: readonly WorldEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  const messages = events.filter((e): e is Message => e.kind === 'message');
  for (const q of messages) {
    if (!q.question) continue;
    let best: number | undefined;
    for (const m of messages) {
      if (m.chat !== q.chat || m.at <= q.at) continue;
      const answers = m.by === 'leader' || (m.by === 'bot' && m.replyTo === q.id);
      if (answers && (best === undefined || m.at.getTime() < best)) best = m.at.getTime();
    }
    if (best !== undefined) out.set(q.id, Math.round((best - q.at.getTime()) / 1000));
  }
  return out;
}

/** A group's 7-day figures worked out from its events. */
function expectedFigures(events: readonly WorldEvent[]) {
  const inWindow = events.filter((e) => e.day >= FIRST);
  const count = (xs: readonly WorldEvent[], kind: WorldEvent['kind']) => xs.filter((e) => e.kind === kind).length;
  const members = count(events, 'join') - count(events, 'leave');
  const joined = count(inWindow, 'join');
  const left = count(inWindow, 'leave');
  const messages = inWindow.filter((e): e is Message => e.kind === 'message');
  const fromMembers = messages.filter((m) => m.by === 'member');
  const speakers = new Set(fromMembers.map((m) => m.person)).size;
  const waits = waitsOf(events);
  const windowWaits = messages.filter((m) => m.question && waits.has(m.id)).map((m) => waits.get(m.id) as number);
  const p50 = middle(windowWaits);
  return {
    members,
    joined7d: joined,
    left7d: left,
    netGrowth7d: joined - left,
    messagesPerDay7d: roundTo(messages.length / 7, 2),
    activeRatio7d: members > 0 ? roundTo(Math.min(1, speakers / members), 4) : 0,
    memberShare7d: messages.length ? roundTo(fromMembers.length / messages.length, 4) : 0,
    // Of those there at the window's start and those who joined in it.
    leaveRate7d: roundTo(Math.min(1, left / Math.max(1, members - (joined - left) + joined)), 4),
    firstResponseP50s: p50 === null ? null : Math.round(p50),
    ageDays: roundTo((world.now.getTime() - world.createdAt.getTime()) / 86_400_000, 1),
  };
}

describe(`a simulated month of 50 groups (${engine})`, () => {
  let store: TestStore;
  let channelId: string;
  let board: HealthRow[];
  const ids = new Map<string, string>();
  const db = () => store.db;

  beforeAll(async () => {
    store = await testStore();
    channelId = (await addChannel(db(), secretBox(TEST_KEY), { kind: 'telegram', name: 'tg', config: { token: '123456:ABC-def' }, verify: false })).id;
    await feedMonthWorld(db(), channelId, world);
    for (const g of await db().selectFrom('groups').select(['id', 'external_id']).execute()) ids.set(g.external_id, g.id);
    board = await healthBoard(db(), [...ids.values()], world.now);
  }, 120_000);
  afterAll(async () => {
    await store?.drop();
  });

  it('generated the month it says: 50 groups of three shapes, thousands of events, orders', () => {
    expect(world.groups.map((g) => g.shape).filter((s) => s === 'lively')).toHaveLength(20);
    expect(world.groups.filter((g) => g.shape === 'watch')).toHaveLength(15);
    expect(world.groups.filter((g) => g.shape === 'dying')).toHaveLength(15);
    expect(world.events.length).toBeGreaterThan(3000);
    expect(world.events.some((e) => e.kind === 'message' && e.checkin)).toBe(true);
    expect(world.orders.length).toBeGreaterThan(50);
    // The same seed, the same month.
    expect(buildMonthWorld().events.map((e) => `${e.at.toISOString()} ${e.chat} ${e.kind}`)).toEqual(world.events.map((e) => `${e.at.toISOString()} ${e.chat} ${e.kind}`));
  });

  it("judges every group as its shape was made: lively healthy, the in-between watch, the quiet ones dying", () => {
    expect(board).toHaveLength(50);
    const byChat = new Map(board.map((r) => [[...ids].find(([, id]) => id === r.group)?.[0], r]));
    for (const g of world.groups) {
      const row = byChat.get(g.chat);
      expect({ group: g.chat, status: row?.status }).toEqual({ group: g.chat, status: EXPECTED_STATUS[g.shape] });
      const codes = row?.reasons.map((r) => r.code) ?? [];
      if (g.shape === 'lively') expect(codes, g.chat).toEqual([]);
      if (g.shape === 'watch') expect(codes, g.chat).toContain('low_messages');
      if (g.shape === 'dying') expect(codes, g.chat).toContain('silent');
    }
    // Worst first.
    expect(board.slice(0, 15).every((r) => r.status === 'dying')).toBe(true);
  });

  it("has each group's 7-day figures as worked out from the events", () => {
    for (const g of world.groups) {
      const row = board.find((r) => r.group === ids.get(g.chat));
      expect(row, g.chat).toBeDefined();
      const { group: _g, name, score: _s, status: _st, reasons: _r, ...figures } = row as HealthRow;
      expect({ name, ...figures }).toEqual({ name: g.name, ...expectedFigures(world.events.filter((e) => e.chat === g.chat)) });
    }
  });

  it("has each group's daily series as worked out from the events", async () => {
    const picked = [world.groups[0], world.groups[20], world.groups[35]].map((g) => g?.chat as string);
    const series = await healthSeries(db(), picked.map((c) => ids.get(c) as string), { now: world.now, days: MONTH_DAYS });
    const waits = waitsOf(world.events);
    for (const chat of picked) {
      const events = world.events.filter((e) => e.chat === chat);
      const members = events.filter((e) => e.kind === 'join').length - events.filter((e) => e.kind === 'leave').length;
      const days = dailyFigures(series.get(ids.get(chat) as string) ?? [], members);
      expect(days).toHaveLength(MONTH_DAYS);
      let end = 0;
      for (let day = 1; day <= MONTH_DAYS; day++) {
        const today = events.filter((e) => e.day === day);
        const joined = today.filter((e) => e.kind === 'join').length;
        const left = today.filter((e) => e.kind === 'leave').length;
        end += joined - left;
        const messages = today.filter((e): e is Message => e.kind === 'message');
        const fromMembers = messages.filter((m) => m.by === 'member');
        const dayWaits = messages.filter((m) => m.question && waits.has(m.id)).map((m) => waits.get(m.id) as number);
        const p50 = middle(dayWaits);
        expect(days[day - 1], `${chat} day ${day}`).toMatchObject({
          day: `2026-11-${String(day).padStart(2, '0')}`,
          members: end,
          joined,
          left,
          messages: messages.length,
          memberMessages: fromMembers.length,
          staffMessages: messages.length - fromMembers.length,
          activeMembers: new Set(fromMembers.map((m) => m.person)).size,
          firstResponseP50s: p50 === null ? null : Math.round(p50),
        });
      }
    }
  });

  it('gives the funnel, since a day too, and the join-week cohorts worked out from the events', async () => {
    const DAY_MS = 86_400_000;
    const leaders = new Set(world.groups.map((g) => g.leader));
    const messages = world.events.filter((e): e is Message => e.kind === 'message' && e.by === 'member');
    // The members' stays (leaders are staff, the bot never joins), each with what it did.
    const stays = world.events
      .filter((e) => e.kind === 'join' && !leaders.has(e.person))
      .map((j) => {
        const joined = j.at.getTime();
        const spoke = messages.filter((m) => m.chat === j.chat && m.person === j.person).map((m) => m.at.getTime() - joined);
        // The shop's export has minutes only (month-world's localText).
        const ordered = world.orders.some((o) => o.person === j.person && Math.floor(o.at.getTime() / 60_000) * 60_000 >= joined);
        return { day: j.day, joined, spoke, ordered };
      });
    const stage = (n: number, of: number) => ({ count: n, rate: of ? Math.round((n / of) * 10_000) / 10_000 : 0 });
    const funnelOf = (xs: typeof stays) => ({
      attract: stage(xs.length, xs.length),
      activate: stage(xs.filter((x) => x.spoke.some((t) => t >= 0 && t < 3 * DAY_MS)).length, xs.length),
      retain: stage(xs.filter((x) => x.spoke.some((t) => t >= 7 * DAY_MS && t < 14 * DAY_MS)).length, xs.length),
      convert: stage(xs.filter((x) => x.ordered).length, xs.length),
    });
    const all = [...ids.values()];
    expect((await funnelReport(db(), { groups: all })).funnel).toEqual(funnelOf(stays));
    const since = new Date(Date.UTC(2026, 10, 15, 16)); // 16 November, 00:00 in Shanghai
    expect((await funnelReport(db(), { groups: all }, { since })).funnel).toEqual(funnelOf(stays.filter((x) => x.joined >= since.getTime())));

    // ISO weeks of November 2026 (Mondays: the 2nd, 9th, 16th, 23rd, 30th), and how many of each
    // cohort's own weeks are over by the 30th, 23:00.
    const weekOf = (day: number) => (day === 1 ? '2026-W44' : day === 30 ? '2026-W49' : `2026-W${44 + Math.ceil((day - 1) / 7)}`);
    const over: Record<string, number> = { '2026-W44': 4, '2026-W45': 3, '2026-W46': 2, '2026-W47': 1, '2026-W48': 0, '2026-W49': 0 };
    const expected = Object.keys(over)
      .map((week) => {
        const cohort = stays.filter((x) => weekOf(x.day) === week);
        const retained = Array.from({ length: over[week] as number }, (_, k) => cohort.filter((x) => x.spoke.some((t) => t >= 7 * k * DAY_MS && t < 7 * (k + 1) * DAY_MS)).length);
        return { week, joined: cohort.length, retained };
      })
      .filter((c) => c.joined > 0);
    expect((await cohortReport(db(), { groups: all }, { now: world.now })).cohorts).toEqual(expected);
    // Not an empty world: most were activated and a lively group's members retained.
    expect(expected[0]?.retained[1]).toBeGreaterThan(100);
  });

  it('stored the orders through the orders import, each on its member', async () => {
    const r = await sql<{ orders: number; members: number }>`
      SELECT count(*)::int AS orders, count(DISTINCT member_id)::int AS members FROM orders`.execute(db());
    expect(r.rows[0]).toEqual({ orders: world.orders.length, members: new Set(world.orders.map((o) => o.person)).size });
  });
});
