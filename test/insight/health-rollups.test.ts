// Group health end to end: a scripted week of joins, leaves and messages through the real ingest
// (single events and bursts) kept in the rollups; the board's figures and statuses against those
// computed here by hand; the dying alert once; the API as a leader sees it; the CLI's JSON contract.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel } from '../../src/channels/registry.ts';
import type { ApiClient } from '../../src/cli/api-client.ts';
import { healthCommand } from '../../src/cli/health.ts';
import { ingestBurst, ingestEvent } from '../../src/community/ingest.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import { type Msg, render } from '../../src/i18n/index.ts';
import { healthSweep } from '../../src/insight/health-alerts.ts';
import { healthBoard, healthSurvival } from '../../src/insight/health-board.ts';
import { groupHealth, type HealthFigures } from '../../src/insight/rules/health.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { TEST_KEY } from '../support/world.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';

// Days in Asia/Shanghai (the default workspace zone); every event between 10:00 and 18:00 there.
const NOW = new Date('2026-12-10T06:00:00Z');
const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 11, day, hour - 8, minute));
const person = (n: number) => ({ externalId: `u${n}`, name: `Person ${n}` });
const LEAD = { externalId: 'lead', name: 'Lin (leader)' };
const BOT = { externalId: 'bot', name: 'Chorus bot', isBot: true };
const say = (chatId: string, id: string, from: { externalId: string; name: string; isBot?: boolean }, text: string, when: Date, replyTo?: string): InboundEvent => ({
  type: 'message',
  ...(replyTo ? { replyTo } : {}),
  chatId,
  messageId: id,
  from,
  text,
  links: [],
  mentions: [],
  at: when,
});

describe(`group health (${engine})`, () => {
  let store: TestStore;
  let channelId: string;
  let a: string;
  let b: string;
  let app: FastifyInstance;
  let admin: Caller;
  let ann: Caller;
  const db = () => store.db;
  const one = (e: InboundEvent) => ingestEvent({ db: db() }, channelId, e);
  const burst = (e: InboundEvent[]) => ingestBurst({ db: db() }, channelId, e);

  beforeAll(async () => {
    store = await testStore();
    channelId = (await addChannel(db(), secretBox(TEST_KEY), { kind: 'telegram', name: 'tg', config: { token: '123456:ABC-def' }, verify: false })).id;
    await burst([
      { type: 'group_seen', chatId: 'a', title: 'Camp A', memberCount: 0, at: at(1, 9) },
      { type: 'group_seen', chatId: 'b', title: 'Camp B', memberCount: 0, at: at(1, 9) },
    ]);
    const id = async (chat: string) => (await db().selectFrom('groups').select('id').where('external_id', '=', chat).executeTakeFirstOrThrow()).id;
    a = await id('a');
    b = await id('b');
    // A was made on 1 December (its 7th day is the 7th), B three weeks ago.
    await db().updateTable('groups').set({ created_at: at(1, 9), leader: 'ann' }).where('id', '=', a).execute();
    await db().updateTable('groups').set({ created_at: new Date('2026-11-20T02:00:00Z'), leader: 'bob' }).where('id', '=', b).execute();

    // The previous week: 9 members and the leader join A, 20 join B (one burst each).
    await burst([...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ type: 'member_joined' as const, chatId: 'a', member: person(n), at: at(1, 10, n) })), { type: 'member_joined', chatId: 'a', member: LEAD, at: at(1, 10, 30) }]);
    await burst(Array.from({ length: 20 }, (_, i) => ({ type: 'member_joined' as const, chatId: 'b', member: person(11 + i), at: at(1, 11, i) })));
    const lead = (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', 'lead').executeTakeFirstOrThrow()).member_id;
    await setMemberRole(db(), lead, a, 'leader', { at: at(1, 12) });

    // This week in A: two questions (answered by the leader after 10 minutes, by the bot after 30),
    // four other members speak, one message delivered twice, one member leaves.
    await one(say('a', 'a1', person(1), 'how do I join the live session?', at(7, 10)));
    await one(say('a', 'a2', LEAD, 'Tap the link in the notice', at(7, 10, 10)));
    await burst([
      say('a', 'a3', person(2), '大家好', at(7, 11)),
      say('a', 'a4', person(3), 'nice to meet you all', at(7, 11, 5)),
      say('a', 'a5', person(4), '收到', at(7, 11, 6)),
      say('a', 'a6', person(5), 'hello', at(7, 11, 7)),
      say('a', 'a7', person(2), '有没有人知道几点开始', at(7, 12)),
      // The bot replies to the question (a reply answers it; its scheduled posts would not).
      say('a', 'a8', BOT, 'The session starts at 20:00', at(7, 12, 30), 'a7'),
      say('a', 'a8', BOT, 'The session starts at 20:00', at(7, 12, 30), 'a7'),
    ]);
    await one({ type: 'member_left', chatId: 'a', member: person(6), reason: 'voluntary', at: at(8, 10) });
    // This week in B: six leave (a burst and one by one), only the bot writes.
    await burst([11, 12, 13].map((n) => ({ type: 'member_left' as const, chatId: 'b', member: person(n), reason: 'voluntary' as const, at: at(6, 10, n) })));
    for (const n of [14, 15, 16]) await one({ type: 'member_left', chatId: 'b', member: person(n), reason: 'voluntary', at: at(6, 11, n) });
    await one(say('b', 'b1', BOT, 'Reminder: homework due tonight', at(9, 10)));

    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-health-'));
    app = await buildApp({ store, dataDir, consoleDir: false, now: () => NOW });
    admin = withToken(app, await ensureAdminToken(db(), dataDir), 'admin');
    await makeUser(db(), 'ann', 'leader');
    ann = await signIn(app, 'ann');
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  // Worked out by hand from the script above.
  const expectA: HealthFigures = {
    members: 9, // 10 joined, 1 left
    joined7d: 0,
    left7d: 1,
    netGrowth7d: -1,
    messagesPerDay7d: 1.14, // 8 messages (the redelivery not counted) over 7 days
    activeRatio7d: 0.5556, // persons 1–5 of 9
    memberShare7d: 0.75, // 6 of 8: the leader and the bot are staff
    leaveRate7d: 0.1, // 1 of the 10 at the start
    firstResponseP50s: 1200, // median of 600 and 1800
    ageDays: 9.2,
  };
  const expectB: HealthFigures = {
    members: 14,
    joined7d: 0,
    left7d: 6,
    netGrowth7d: -6,
    messagesPerDay7d: 0.14,
    activeRatio7d: 0,
    memberShare7d: 0,
    leaveRate7d: 0.3,
    firstResponseP50s: null,
    ageDays: 20.2,
  };

  it('keeps the figures of each day as the events arrive', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT g.external_id AS grp, d.day::text AS day, d.joins, d.leaves, d.messages, d.member_messages, d.staff_messages, d.active_members, d.last_active, d.questions, d.response_seconds
      FROM group_days d JOIN groups g ON g.id = d.group_id ORDER BY grp, day`.execute(db());
    expect(rows).toEqual([
      { grp: 'a', day: '2026-12-01', joins: 10, leaves: 0, messages: 0, member_messages: 0, staff_messages: 0, active_members: 0, last_active: 0, questions: 0, response_seconds: [] },
      { grp: 'a', day: '2026-12-07', joins: 0, leaves: 0, messages: 8, member_messages: 6, staff_messages: 2, active_members: 5, last_active: 5, questions: 2, response_seconds: [600, 1800] },
      { grp: 'a', day: '2026-12-08', joins: 0, leaves: 1, messages: 0, member_messages: 0, staff_messages: 0, active_members: 0, last_active: 0, questions: 0, response_seconds: [] },
      { grp: 'b', day: '2026-12-01', joins: 20, leaves: 0, messages: 0, member_messages: 0, staff_messages: 0, active_members: 0, last_active: 0, questions: 0, response_seconds: [] },
      { grp: 'b', day: '2026-12-06', joins: 0, leaves: 6, messages: 0, member_messages: 0, staff_messages: 0, active_members: 0, last_active: 0, questions: 0, response_seconds: [] },
      { grp: 'b', day: '2026-12-09', joins: 0, leaves: 0, messages: 1, member_messages: 0, staff_messages: 1, active_members: 0, last_active: 0, questions: 0, response_seconds: [] },
    ]);
  });

  it('judges each group from the rollups as the rules do with the figures worked out by hand', async () => {
    const board = await healthBoard(db(), [a, b], NOW);
    expect(board.map((r) => r.group)).toEqual([b, a]); // dying first
    const [rb, ra] = board;
    const { group: _ga, name: _na, score: sa, status: sta, reasons: rsa, ...figA } = ra!;
    const { group: _gb, name: _nb, score: sb, status: stb, reasons: rsb, ...figB } = rb!;
    expect(figA).toEqual(expectA);
    expect(figB).toEqual(expectB);
    expect({ score: sa, status: sta, reasons: rsa }).toEqual({ score: groupHealth(expectA).score, status: 'watch', reasons: [{ code: 'low_messages', value: 1.1, severity: 'watch' }] });
    expect(stb).toBe('dying');
    expect(sb).toBe(groupHealth(expectB).score);
    expect(rsb.map((r) => r.code)).toEqual(['silent', 'inactive', 'mass_leave']);
    // A had 5 members active on its 7th day; B none (and it is old enough to count).
    expect(await healthSurvival(db(), [a, b], NOW)).toEqual({ groups: 2, alive: 1, rate: 0.5 });
  });

  it('tells the operators and the leader once when a group turns dying', async () => {
    expect(await healthSweep(db(), { now: NOW })).toEqual({ judged: 2, turnedDying: 1, notified: 2 });
    const notes = await db().selectFrom('notifications').select(['recipient', 'text']).where('kind', '=', 'health').orderBy('recipient').execute();
    expect(notes.map((n) => n.recipient)).toEqual(['bob', 'operators']);
    const zh = render('zh', notes[0]?.text as Msg);
    expect(zh).toContain('群“Camp B”濒临死群');
    expect(zh).toContain('建议：');
    // Within the interval the sweep does not judge again; after it, B is still dying: no second alert.
    expect((await healthSweep(db(), { now: new Date(NOW.getTime() + 60_000) })).judged).toBe(0);
    expect(await healthSweep(db(), { now: new Date(NOW.getTime() + 20 * 60_000) })).toEqual({ judged: 2, turnedDying: 0, notified: 0 });
  });

  it('answers a leader with their own groups only', async () => {
    const all = await admin.call('GET', '/api/insight/health');
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().groups.map((g: { group: string }) => g.group)).toEqual([b, a]);
    expect(all.json().survival).toEqual({ groups: 2, alive: 1, rate: 0.5 });
    const mine = await ann.call('GET', '/api/insight/health?lang=zh');
    expect(mine.json().groups.map((g: { group: string }) => g.group)).toEqual([a]);
    const [row] = mine.json().groups;
    expect(row.messagesDaily).toHaveLength(30);
    expect(row.messagesDaily.at(-4)).toBe(8);
    expect(row.reasons[0].text).toContain('条消息');
    expect((await ann.call('GET', `/api/insight/health/${b}`)).statusCode).toBe(404);
    // One group per page: a list of ids is no group.
    expect((await admin.call('GET', `/api/insight/health/${a},${b}`)).statusCode).toBe(404);
    const page = await ann.call('GET', `/api/insight/health/${a}?days=7`);
    expect(page.json().days.map((d: { messages: number }) => d.messages)).toEqual([0, 0, 0, 8, 0, 0, 0]);
    // 4–10 December: members counted back from today's 9 (one left on the 8th); the 7th's figures.
    expect(page.json().days.map((d: { members: number }) => d.members)).toEqual([10, 10, 10, 10, 9, 9, 9]);
    expect(page.json().days[3]).toEqual({
      day: '2026-12-07',
      members: 10,
      joined: 0,
      left: 0,
      netGrowth: 0,
      messages: 8,
      memberMessages: 6,
      staffMessages: 2,
      activeMembers: 5,
      activeRatio: 0.5,
      memberShare: 0.75,
      leaveRate: 0,
      questions: 2,
      firstResponseP50s: 1200,
    });
    expect(page.json().days[4]).toMatchObject({ left: 1, netGrowth: -1, leaveRate: 0.1, memberShare: null, firstResponseP50s: null });
    expect(page.json().health).toMatchObject({ group: a, status: 'watch', members: 9 });
    expect((await ann.call('GET', `/api/insight/health/${a}?days=91`)).statusCode).toBe(400);
    expect((await admin.call('GET', '/api/insight/health?groups=bogus:1')).statusCode).toBe(400);
  });

  it('answers the board and a group\'s days as CSV and XLSX, a leader\'s scope kept', async () => {
    const csv = await ann.call('GET', '/api/insight/health?format=csv&lang=zh');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="group-health.csv"');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('群,状态,健康分,成员数,进群（7 天）,退群（7 天）,净增长（7 天）,日均消息（7 天）,活跃成员占比（7 天，%）,成员消息占比（7 天，%）,退群率（7 天，%）,首次响应中位数（分钟）,建群天数,原因');
    expect(lines).toHaveLength(2); // Ann leads A only
    expect(lines[1]).toMatch(/^Camp A,需关注,\d+,9,0,1,-1,1\.14,55\.6,75,10,20,9\.2,/);
    const xlsx = await admin.call('GET', `/api/insight/health/${a}?format=xlsx&days=7`);
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Day', 'Members', 'Joined', 'Left', 'Net growth', 'Messages', "Members' messages", "Staff's and bot's messages", 'Members who spoke', 'Active members (%)', "Members' share of messages (%)", 'Leave rate (%)', 'Questions', 'First response, median (minutes)']);
    expect(sheet.rowCount).toBe(8);
    expect(sheet.getRow(5).values).toEqual([undefined, '2026-12-07', 10, 0, 0, 0, 8, 6, 2, 5, 50, 75, 0, 2, 20]);
    expect((await ann.call('GET', `/api/insight/health/${b}?format=csv`)).statusCode).toBe(404);
    expect((await admin.call('GET', '/api/insight/health?format=pdf')).statusCode).toBe(400);
  });

  it('prints the CLI contract', async () => {
    const client = {
      url: 'inject',
      async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
        const qs = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
        return (await admin.call('GET', `${path}?${qs}`)).json() as T;
      },
    } as ApiClient;
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    expect(await healthCommand(io, client, { groups: 'all', json: true })).toBe(0);
    const rows = JSON.parse(out.join('\n'));
    expect(Object.keys(rows[0])).toEqual(['group', 'name', 'members', 'joined7d', 'left7d', 'netGrowth7d', 'messagesPerDay7d', 'activeRatio7d', 'memberShare7d', 'leaveRate7d', 'firstResponseP50s', 'ageDays', 'score', 'status', 'reasons']);
    expect(rows[1]).toMatchObject({ group: a, ...expectA, status: 'watch' });
    out.length = 0;
    await healthCommand(io, client, { groups: `id:${b}`, locale: 'zh' });
    expect(out.join('\n')).toMatch(/濒临死群[\s\S]*共 1 个群/);
  });
});
