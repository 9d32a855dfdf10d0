// Funnels and cohorts end to end: a scripted autumn of joins, leaves, messages (a check-in among
// them) and orders in two groups through the real ingest; the funnel (all, since a day, a run's
// groups, a campaign's members), the join-week cohorts, DAU/MAU and the stage distribution against
// figures counted by hand from the script; the API as a leader sees it, bad input, the CLI's JSON.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel } from '../../src/channels/registry.ts';
import type { ApiClient } from '../../src/cli/api-client.ts';
import { cohortsCommand, funnelCommand } from '../../src/cli/funnel.ts';
import { ingestBurst } from '../../src/community/ingest.ts';
import { importOrders } from '../../src/community/orders.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import { readDate } from '../../src/insight/rules/period.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { TEST_KEY } from '../support/world.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';

// Asia/Shanghai (the default workspace zone). NOW is Thursday 10 December, 14:00 there (2026-W50).
const NOW = new Date('2026-12-10T06:00:00Z');
const at = (month: number, day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, month - 1, day, hour - 8, minute));
const P = (n: number) => ({ externalId: `p${n}`, name: `Person ${n}` });
const LEAD = { externalId: 'lead', name: 'Lin (leader)' };
const BOT = { externalId: 'bot', name: 'Chorus bot', isBot: true };
let seq = 0;
const say = (chatId: string, from: { externalId: string; name: string; isBot?: boolean }, when: Date, text = 'hello'): InboundEvent => ({
  type: 'message',
  chatId,
  messageId: `m${++seq}`,
  from,
  text,
  links: [],
  mentions: [],
  at: when,
});
const joins = (chatId: string, who: { externalId: string; name: string; isBot?: boolean }, when: Date): InboundEvent => ({ type: 'member_joined', chatId, member: who, at: when });

describe(`funnels and cohorts (${engine})`, () => {
  let store: TestStore;
  let channelId: string;
  let a: string;
  let b: string;
  let app: FastifyInstance;
  let admin: Caller;
  let ann: Caller;
  const db = () => store.db;
  const burst = (e: InboundEvent[]) => ingestBurst({ db: db() }, channelId, e);
  const memberOf = async (ext: string) => (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', ext).executeTakeFirstOrThrow()).member_id;

  beforeAll(async () => {
    store = await testStore();
    channelId = (await addChannel(db(), secretBox(TEST_KEY), { kind: 'telegram', name: 'tg', config: { token: '123456:ABC-def' }, verify: false })).id;
    await burst([
      { type: 'group_seen', chatId: 'a', title: 'Camp A', memberCount: 0, at: at(9, 1, 9) },
      { type: 'group_seen', chatId: 'b', title: 'Camp B', memberCount: 0, at: at(9, 1, 9) },
    ]);
    const id = async (chat: string) => (await db().selectFrom('groups').select('id').where('external_id', '=', chat).executeTakeFirstOrThrow()).id;
    a = await id('a');
    b = await id('b');
    await db().updateTable('groups').set({ leader: 'ann' }).where('id', '=', a).execute();
    await db().updateTable('groups').set({ leader: 'bob' }).where('id', '=', b).execute();

    // The script, in time order (ingest keeps one channel's events in order).
    await burst([joins('a', P(1), at(11, 2, 10)), joins('a', P(2), at(11, 2, 12)), joins('a', LEAD, at(11, 2, 9)), joins('a', BOT, at(11, 2, 9))]);
    await setMemberRole(db(), await memberOf('lead'), a, 'leader', { at: at(11, 2, 9, 30) });
    await burst([
      say('a', LEAD, at(11, 2, 10, 30), 'Welcome everyone'), // staff: not a member's activity
      say('a', BOT, at(11, 2, 10, 31), 'Rules are in the notice'),
      say('a', P(1), at(11, 2, 11)), // p1 in A: +1 h
      joins('a', P(3), at(11, 3, 10)),
      joins('b', P(6), at(11, 3, 10)),
      joins('a', P(8), at(11, 4, 10)),
    ]);
    await burst([{ type: 'member_left', chatId: 'a', member: P(8), reason: 'voluntary', at: at(11, 5, 10) }]);
    await burst([
      say('a', P(2), at(11, 5, 12)), // p2: exactly 72 h after joining — week 1, not activated
      joins('a', P(4), at(11, 10, 10)),
      say('a', P(1), at(11, 10, 10)), // p1 in A: +8 d (week 2)
      say('b', P(6), at(11, 10, 11)), // p6: +7 d 1 h (week 2)
      say('a', P(4), at(11, 10, 12), '打卡'), // p4: its check-in, +2 h
      joins('b', P(1), at(11, 16, 10)),
      say('b', P(1), at(11, 16, 10, 30)), // p1 in B: +30 min
      say('a', P(4), at(11, 18, 10)), // p4: +8 d
      joins('a', P(8), at(11, 20, 10)), // p8 is back
      say('a', P(1), at(11, 20, 10)), // p1 in A: +18 d (week 3)
      say('a', P(8), at(11, 20, 11)), // p8: 1 h after rejoining, 16 d 1 h after first joining
      say('a', P(3), at(11, 25, 10)), // p3: +22 d (week 4)
      joins('b', P(7), at(12, 8, 10)),
      say('b', P(7), at(12, 8, 15)),
      say('a', P(2), at(12, 9, 10)),
      say('a', P(3), at(12, 9, 11)),
      say('a', P(4), at(12, 10, 10)),
    ]);
    // Orders: p1 after joining A (before joining B), p2 before joining, p7 after.
    const order = (row: number, ext: string, id: string, when: Date) => ({ row, member: `${channelId}:${ext}`, order: id, amount: '99.00', product: 'Course', at: when, raw: {} });
    const imported = await importOrders(db(), { rows: [order(2, 'p1', 'O-1', at(11, 12, 20)), order(3, 'p2', 'O-2', at(10, 1, 20)), order(4, 'p7', 'O-3', at(12, 9, 20))], problems: [] }, 'csv');
    expect(imported.imported).toBe(3);

    // A run over B; a campaign that brought p6 to B (and p7, rejected).
    await sql`INSERT INTO runs (id, kind, selector, state) VALUES ('run_b', 'broadcast', ${`id:${b}`}, 'running')`.execute(db());
    await sql`INSERT INTO run_groups (run_id, group_id, position) VALUES ('run_b', ${b}, 0)`.execute(db());
    const p1 = await memberOf('p1');
    await sql`INSERT INTO campaigns (id, name, kind, selector, goal, rules) VALUES ('cmp_1', 'Bring a friend', 'invite', ${`id:${b}`}, 3, '{}'::jsonb)`.execute(db());
    const part = await sql<{ id: string }>`INSERT INTO campaign_participants (campaign_id, member_id, token, joined_at) VALUES ('cmp_1', ${p1}, 'tok1', ${at(11, 1, 10).toISOString()}::timestamptz) RETURNING id`.execute(db());
    const pid = part.rows[0]?.id;
    await sql`INSERT INTO campaign_invites (campaign_id, participant_id, invitee_id, group_id, state, reason, joined_at) VALUES
      ('cmp_1', ${pid}, ${await memberOf('p6')}, ${b}, 'qualified', NULL, ${at(11, 3, 10).toISOString()}::timestamptz),
      ('cmp_1', ${pid}, ${await memberOf('p7')}, ${b}, 'rejected', 'not_new', ${at(12, 8, 10).toISOString()}::timestamptz)`.execute(db());

    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-funnel-'));
    app = await buildApp({ store, dataDir, consoleDir: false, now: () => NOW });
    admin = withToken(app, await ensureAdminToken(db(), dataDir), 'admin');
    await makeUser(db(), 'ann', 'leader');
    ann = await signIn(app, 'ann');
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const st = (count: number, rate: number) => ({ count, rate });
  const get = async (who: Caller, path: string) => {
    const r = await who.call('GET', path);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  it('counts the four stages by hand', async () => {
    // Joined: A p1, p2, p3, p4, p8 (first stay); B p6, p1, p7 — the leader and the bot are not members.
    // Active within 72 h: p1 in A, p4, p1 in B, p7. In week 2: p1 in A, p4, p6. Ordered after joining: p1 in A, p7.
    const r = await get(admin, '/api/insight/funnel');
    expect(r.funnel).toEqual({ attract: st(8, 1), activate: st(4, 0.5), retain: st(3, 0.375), convert: st(2, 0.25) });
    expect(r.groups.map((g: { name: string; attract: { count: number } }) => [g.name, g.attract.count])).toEqual([
      ['Camp A', 5],
      ['Camp B', 3],
    ]);
    expect(r.groups[1]).toMatchObject({ group: b, activate: st(2, 0.6667), retain: st(1, 0.3333), convert: st(1, 0.3333) });
    // Since 10 November: p4, p8 again (rejoined on the 20th, active an hour later), p1 in B, p7.
    expect((await get(admin, '/api/insight/funnel?since=2026-11-10')).funnel).toEqual({ attract: st(4, 1), activate: st(4, 1), retain: st(1, 0.25), convert: st(1, 0.25) });
    // The run's groups (B), and the campaign's members (p6; p7's invite was rejected).
    expect((await get(admin, '/api/insight/funnel?run=run_b')).funnel).toEqual({ attract: st(3, 1), activate: st(2, 0.6667), retain: st(1, 0.3333), convert: st(1, 0.3333) });
    expect((await get(admin, '/api/insight/funnel?campaign=cmp_1')).funnel).toEqual({ attract: st(1, 1), activate: st(0, 0), retain: st(1, 1), convert: st(0, 0) });
    expect((await get(admin, `/api/insight/funnel?groups=id:${b}&since=2026-12-11`)).funnel).toEqual({ attract: st(0, 0), activate: st(0, 0), retain: st(0, 0), convert: st(0, 0) });
  });

  it('builds the join-week cohorts by hand', async () => {
    // W45 (2–8 Nov): p1 (A), p2, p3, p8, p6 — 4 complete weeks by now. Own week 1: p1, p2; week 2:
    // p1, p6; week 3: p1 (p8 wrote then, but in its second stay); week 4: p3. W46: p4 (weeks 1, 2;
    // 3 complete). W47: p1 in B (week 1; 2 complete). W50: p7, no week complete yet.
    const r = await get(admin, '/api/insight/cohorts');
    expect(r.cohorts).toEqual([
      { week: '2026-W45', joined: 5, retained: [2, 2, 1, 1] },
      { week: '2026-W46', joined: 1, retained: [1, 1, 0] },
      { week: '2026-W47', joined: 1, retained: [1, 0] },
      { week: '2026-W50', joined: 1, retained: [] },
    ]);
    // Only the last 2 weeks' joins.
    expect((await get(admin, '/api/insight/cohorts?weeks=2')).cohorts).toEqual([{ week: '2026-W50', joined: 1, retained: [] }]);
  });

  it("gives a group's DAU and MAU from the rollups", async () => {
    const r = await get(admin, `/api/insight/dau?group=${a}`);
    expect(r.days).toHaveLength(30);
    const day = (d: string) => r.days.find((x: { day: string }) => x.day === d);
    // 11 Nov: nobody that day; p1, p2, p4 in the month. 20 Nov: p1, p8; month p1, p2, p4, p8.
    expect(r.days[0]).toEqual({ day: '2026-11-11', dau: 0, mau: 3, ratio: 0 });
    expect(day('2026-11-20')).toEqual({ day: '2026-11-20', dau: 2, mau: 4, ratio: 0.5 });
    // 9 Dec: p2, p3; month p1, p2, p3, p4, p8. 10 Dec: p4 (the leader never counts).
    expect(day('2026-12-09')).toEqual({ day: '2026-12-09', dau: 2, mau: 5, ratio: 0.4 });
    expect(r.days[29]).toEqual({ day: '2026-12-10', dau: 1, mau: 5, ratio: 0.2 });
  });

  it('works back the stage distribution from the stage moves', async () => {
    // Set the stages and moves of B's members by hand (the people rules made their own).
    const [p1, p6, p7] = [await memberOf('p1'), await memberOf('p6'), await memberOf('p7')];
    await sql`DELETE FROM member_events WHERE kind = 'stage'`.execute(db());
    await sql`UPDATE members SET stage = CASE id WHEN ${p6} THEN 'engaged' WHEN ${p1} THEN 'customer' ELSE 'curious' END WHERE id IN (${p1}, ${p6}, ${p7})`.execute(db());
    const move = (m: string, when: Date, from: string, to: string) => sql`INSERT INTO member_events (member_id, kind, at, detail) VALUES (${m}, 'stage', ${when.toISOString()}::timestamptz, ${JSON.stringify({ from, to })}::jsonb)`.execute(db());
    await move(p1, at(11, 20, 10), 'curious', 'customer');
    await move(p6, at(12, 1, 10), 'stranger', 'curious');
    await move(p6, at(12, 5, 10), 'curious', 'engaged');
    await move(p7, at(12, 8, 10), 'stranger', 'curious');
    const r = await get(admin, `/api/insight/stages?groups=id:${b}&days=5`);
    expect(r.stages).toEqual(['stranger', 'curious', 'acquainted', 'engaged', 'familiar', 'customer', 'repeat']);
    const series = (s: string) => r.days.map((d: { counts: Record<string, number> }) => d.counts[s]);
    expect(r.days.map((d: { day: string }) => d.day)).toEqual(['2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10']);
    expect(series('stranger')).toEqual([1, 1, 0, 0, 0]);
    expect(series('curious')).toEqual([0, 0, 1, 1, 1]);
    expect(series('engaged')).toEqual([1, 1, 1, 1, 1]);
    expect(series('customer')).toEqual([1, 1, 1, 1, 1]);
    expect(series('repeat')).toEqual([0, 0, 0, 0, 0]);
  });

  it('shows a leader their own groups only, and refuses bad input', async () => {
    const mine = await get(ann, '/api/insight/funnel');
    // A alone: p1, p2, p3, p4, p8; activated p1, p4; retained p1, p4; converted p1.
    expect(mine.funnel).toEqual({ attract: st(5, 1), activate: st(2, 0.4), retain: st(2, 0.4), convert: st(1, 0.2) });
    expect(mine.groups.map((g: { group: string }) => g.group)).toEqual([a]);
    expect((await get(ann, `/api/insight/funnel?groups=id:${b}`)).funnel.attract).toEqual(st(0, 0));
    expect((await get(ann, '/api/insight/cohorts')).cohorts.map((c: { joined: number }) => c.joined)).toEqual([4, 1]);
    expect((await ann.call('GET', `/api/insight/dau?group=${b}`)).statusCode).toBe(404);
    expect((await get(ann, `/api/insight/stages?groups=id:${b}&days=5`)).days[0].counts.engaged).toBe(0);
    const bad = await admin.call('GET', '/api/insight/funnel?since=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('2026-03-01');
    expect((await admin.call('GET', '/api/insight/funnel?groups=bogus:1')).statusCode).toBe(400);
    expect((await admin.call('GET', '/api/insight/cohorts?weeks=0')).statusCode).toBe(400);
    expect((await admin.call('GET', '/api/insight/funnel?run=run_none')).statusCode).toBe(404);
    expect((await admin.call('GET', '/api/insight/funnel?campaign=cmp_none')).statusCode).toBe(404);
    expect((await admin.call('GET', '/api/insight/dau')).statusCode).toBe(400);
    expect(readDate('2026-11-10', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-09T16:00:00.000Z');
    expect(readDate('2026-11-10T08:00:00+08:00', 'UTC')?.toISOString()).toBe('2026-11-10T00:00:00.000Z');
    expect(readDate('yesterday', 'UTC')).toBeNull();
  });

  it('downloads every table as CSV and XLSX, in the reader\'s language and scope', async () => {
    const csv = await ann.call('GET', '/api/insight/funnel?format=csv&lang=zh');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="funnel.csv"');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toEqual(['群,入群,激活（3 天内活跃）,激活率,留存（第 2 周活跃）,留存率,转化（下单）,转化率', '全部群,5,2,0.4,2,0.4,1,0.2', 'Camp A,5,2,0.4,2,0.4,1,0.2']);
    const cohorts = (await admin.call('GET', '/api/insight/cohorts?format=csv')).body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(cohorts.slice(0, 3)).toEqual(['Join week,Joined,Week 1,Week 2,Week 3,Week 4', '2026-W45,5,2,2,1,1', '2026-W46,1,1,1,0,']);
    const dau = (await admin.call('GET', `/api/insight/dau?group=${a}&format=csv&days=2`)).body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(dau).toEqual(['Day,DAU,MAU,DAU/MAU', '2026-12-09,2,5,0.4', '2026-12-10,1,5,0.2']);
    const xlsx = await admin.call('GET', `/api/insight/stages?groups=id:${b}&days=5&format=xlsx&lang=zh`);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="stages.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, '日期', '不认识你', '想认识你', '认识你', '了解你', '熟悉你', '买过你', '复购你']);
    expect(sheet.getRow(2).values).toEqual([undefined, '2026-12-06', 1, 0, 0, 1, 0, 1, 0]);
    expect((await admin.call('GET', '/api/insight/funnel?format=pdf')).statusCode).toBe(400);
  });

  it('prints the CLI contracts, and refuses a bad date or selector with exit 2', async () => {
    const client = {
      url: 'inject',
      async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
        const qs = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
        return (await admin.call('GET', `${path}?${qs}`)).json() as T;
      },
    } as ApiClient;
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await funnelCommand(io, client, { groups: 'all', since: '2026-11-10', json: true })).toBe(0);
    const f = JSON.parse(out.join('\n'));
    expect(Object.keys(f)).toEqual(['attract', 'activate', 'retain', 'convert']);
    expect(f).toEqual({ attract: st(4, 1), activate: st(4, 1), retain: st(1, 0.25), convert: st(1, 0.25) });
    for (const s of Object.values(f)) expect(Object.keys(s as object)).toEqual(['count', 'rate']);
    out.length = 0;
    expect(await cohortsCommand(io, client, { json: true })).toBe(0);
    const c = JSON.parse(out.join('\n'));
    expect(c[0]).toEqual({ week: '2026-W45', joined: 5, retained: [2, 2, 1, 1] });
    for (const row of c) expect(Object.keys(row)).toEqual(['week', 'joined', 'retained']);
    out.length = 0;
    await funnelCommand(io, client, { locale: 'zh' });
    expect(out.join('\n')).toMatch(/激活（3 天内活跃）\s*│?\s*4\s*│?\s*50%/);
    out.length = 0;
    await cohortsCommand(io, client, { locale: 'en' });
    expect(out.join('\n')).toContain('2026-W45');
    expect(out.join('\n')).toContain('2 (40%)');
    expect(await funnelCommand(io, client, { since: 'last week', locale: 'en' })).toBe(2);
    expect(err.pop()).toBe('--since should be a date such as 2026-03-01, not "last week".');
    expect(await cohortsCommand(io, client, { groups: 'bogus:1', locale: 'zh' })).toBe(2);
    expect(err.pop()).toContain('群筛选条件不正确');
  });
});
