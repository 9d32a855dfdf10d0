// The weekly digest end to end on a running server (sandbox channel): a group's week of known
// joins, messages, replies, check-ins and questions gives the figures counted by hand; the CLI
// prints the exact JSON; the API is scoped to a leader's groups and draws the card; a bad week
// exits 2; a sheet's `do: digest` goes through the ledger into the group with its card, and with
// `review: leader` becomes the leader's task with the digest text.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { lastCompleteWeek } from '../../src/insight/rules/digest.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { makeUser, PASSWORD } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually } from '../support/world.ts';

const SHEET = `sop: weekly-digest
title: Weekly digest
community: fans
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: digest
    at: T0
    do: digest
  - id: digest-review
    at: T+1m
    do: digest
    review: leader
`;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`the weekly digest (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let channelId: string;
  let group: string;
  let dir: string;
  // The facts are placed in the last complete week in the workspace's zone (Asia/Shanghai by default).
  const week = lastCompleteWeek(new Date(), 'Asia/Shanghai');
  const h = (hours: number) => new Date(week.start.getTime() + hours * 3_600_000);
  const memberOf = async (externalId: string) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;
  const signIn = async (name: string) => {
    const r = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
    return { cookie: r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
  };
  const cookieOf = async (name: string) => (await signIn(name)).cookie;

  beforeAll(async () => {
    store = await testStore();
    dir = mkdtempSync(join(tmpdir(), 'chorus-digest-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: dir, store, worker: true, pollMs: 100, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dir;
    delete process.env.CHORUS_TOKEN;
    for (const name of ['ann', 'bob']) await makeUser(store.db, name, 'leader');
    channelId = JSON.parse((await cli('channel', 'add', 'sandbox', '--name', 'sandbox', '--json')).out).id;
    expect((await cli('group', 'add', 'sandbox', 'camp', '--name', '读书营 1 群', '--leader', 'ann')).code).toBe(0);
    expect((await cli('group', 'add', 'sandbox', 'other', '--name', 'Other group', '--leader', 'bob')).code).toBe(0);
    group = (await store.db.selectFrom('groups').select('id').where('external_id', '=', 'camp').executeTakeFirstOrThrow()).id;

    const ingest = (e: Parameters<typeof ingestEvent>[2]) => ingestEvent({ db: store.db }, channelId, e);
    const join_ = (id: string, name: string, at: Date) => ingest({ type: 'member_joined', chatId: 'camp', member: { externalId: id, name }, at });
    const say = (messageId: string, id: string, name: string, text: string, at: Date, replyTo?: string, isBot = false) =>
      ingest({ type: 'message', chatId: 'camp', messageId, from: { externalId: id, name, ...(isBot ? { isBot } : {}) }, text, links: [], mentions: [], at, ...(replyTo ? { replyTo } : {}) });

    await join_('u3', 'Zhao', h(-48)); // the week before: not new
    await join_('t1', 'Teacher', h(1));
    await store.db.insertInto('member_roles').values({ group_id: group, member_id: await memberOf('t1'), role: 'leader' }).execute();
    await join_('u1', 'Lin', h(10));
    await join_('u2', 'Wang', h(10.5));
    await say('e10', 'u3', 'Zhao', '上周的消息', h(-5)); // the week before
    await say('e1', 'u1', 'Lin', '大家好，我是新来的', h(11));
    await say('e2', 'u2', 'Wang', '今天的作业怎么交？', h(12)); // a question
    await say('e3', 'u3', 'Zhao', '在小程序里交', h(12.1), 'e2');
    await say('e4', 'u1', 'Lin', '+1 我也是', h(12.2), 'e2');
    await say('e5', 'u2', 'Wang', '谢谢！', h(12.3), 'e2'); // replying to oneself: not counted
    await say('e6', 'b1', 'Helper', '作业入口在菜单里', h(12.4), 'e2', true); // a bot: neither a message nor a reply
    await say('e7', 't1', 'Teacher', '作业在小程序提交哦', h(13)); // staff: answers the question
    await say('e8', 'u3', 'Zhao', '欢迎欢迎', h(30), 'e1');
    await say('e9', 'u3', 'Zhao', '打卡', h(31));
    await say('e12', 'u1', 'Lin', '明天几点开始？', h(40)); // a question nobody answered
    await say('e11', 'u2', 'Wang', '补一个回复', new Date(week.end.getTime() + 1000), 'e1'); // after the week

    // Check-ins of an earlier camp run in this group: two in the week, one before it.
    await store.db.insertInto('runs').values({ id: 'run_camp', kind: 'run', selector: 'all', state: 'completed' }).execute();
    const c = await store.db
      .insertInto('checkins')
      .values({ run_id: 'run_camp', group_id: group, step_id: 'daily', occurrence: 1, keyword: '打卡', opens_at: h(-30), closed: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const c2 = await store.db
      .insertInto('checkins')
      .values({ run_id: 'run_camp', group_id: group, step_id: 'daily', occurrence: 2, keyword: '打卡', opens_at: h(30), closed: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('checkin_marks')
      .values([
        { checkin_id: c.id, member_id: await memberOf('u2'), at: h(-29) },
        { checkin_id: c2.id, member_id: await memberOf('u3'), at: h(31) },
        { checkin_id: c2.id, member_id: await memberOf('u1'), at: h(32) },
      ])
      .execute();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('chorus digest --json: the figures counted by hand, exactly the contract and topContributors', async () => {
    const r = await cli('digest', group, '--week', week.week, '--json');
    expect(r.code, r.err).toBe(0);
    const [lin, wang, zhao] = [await memberOf('u1'), await memberOf('u2'), await memberOf('u3')];
    const d = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(['group', 'week', 'newMembers', 'activeMembers', 'messages', 'topMessages', 'checkins', 'questionsAnswered', 'topContributors']);
    expect(d).toEqual({
      group,
      week: week.week,
      newMembers: 2, // Lin, Wang (Zhao came earlier, Teacher is staff)
      activeMembers: 3, // Lin, Wang, Zhao
      messages: 8, // e1, e2, e3, e4, e5, e8, e9, e12
      topMessages: [
        { member: wang, text: '今天的作业怎么交？', replies: 2 }, // Zhao and Lin (not Wang herself, not the bot)
        { member: lin, text: '大家好，我是新来的', replies: 1 }, // Zhao (Wang's came after the week)
      ],
      checkins: 2,
      questionsAnswered: 1, // Wang's, by Teacher; Lin's is open
      topContributors: [
        { member: lin, messages: 3 }, // Lin and Zhao 3 each: Lin wrote first
        { member: zhao, messages: 3 },
        { member: wang, messages: 2 },
      ],
    });
    // The default week is the last complete one; `<channel>:<chat>` names the group too.
    expect(JSON.parse((await cli('digest', `${channelId}:camp`, '--json')).out)).toMatchObject({ group, week: week.week, messages: 8 });
  });

  it('prints the post in the group language, members named, no ids', async () => {
    const r = await cli('digest', group, '--week', week.week);
    expect(r.code).toBe(0);
    expect(r.out).toContain('📰 本周群周报 · 读书营 1 群');
    expect(r.out).toContain('👋 欢迎 2 位新朋友加入大家庭！');
    expect(r.out).toContain('💬 本周 3 位群友活跃，一起聊了 8 条消息');
    expect(r.out).toContain('✅ 打卡 2 次，🙋 解答问题 1 个');
    expect(r.out).toContain('1. Wang：“今天的作业怎么交？”（2 条回复）');
    expect(r.out).toContain('🏅 本周活跃之星：Lin（3 条）、Zhao（3 条）、Wang（2 条）');
    expect(r.out).not.toMatch(/mem_|g_/);
  });

  it('a bad week is a usage error (exit 2) with a clear message; a week not over too', async () => {
    const bad = await cli('digest', group, '--week', '2026-48');
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining('"2026-48" is not an ISO week: write it like 2026-W48') });
    expect((await cli('digest', group, '--week', '2026-W54')).code).toBe(2);
    const now = lastCompleteWeek(new Date(Date.now() + 7 * 86_400_000), 'Asia/Shanghai').week;
    const future = await cli('digest', group, '--week', now);
    expect(future).toMatchObject({ code: 2, err: expect.stringContaining(`the week ${now} is not over yet`) });
    expect((await cli('digest', 'nosuch', '--json')).code).toBe(1);
  });

  it('the API: a leader sees their own group only; the card is a 750×1000 PNG that is not blank', async () => {
    const q = `group=${encodeURIComponent(group)}&week=${week.week}`;
    const ann = await cookieOf('ann');
    const bob = await cookieOf('bob');
    const mine = await fetch(`${server.url}/api/insight/digest?${q}`, { headers: { cookie: ann } });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ name: '读书营 1 群', language: 'zh', messages: 8, topContributors: [{ name: 'Lin', messages: 3 }, { name: 'Zhao' }, { name: 'Wang' }] });
    expect((await fetch(`${server.url}/api/insight/digest?${q}`, { headers: { cookie: bob } })).status).toBe(404);
    expect((await fetch(`${server.url}/api/insight/digest/card.png?${q}`, { headers: { cookie: bob } })).status).toBe(404);
    const bad = await fetch(`${server.url}/api/insight/digest?group=${group}&week=soon`, { headers: { cookie: ann, 'accept-language': 'zh-CN' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_week', message: expect.stringContaining('不是一个 ISO 周') } });

    // The figures and the ranked lists as a spreadsheet, headers in the reader's language.
    const csv = await fetch(`${server.url}/api/insight/digest?${q}&format=csv&lang=zh`, { headers: { cookie: ann } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('项目,排名,成员,消息,数量');
    expect(lines).toContain('群友消息,,,,8');
    expect(lines).toContain('本周热帖（回复数）,1,Wang,今天的作业怎么交？,2');
    expect(lines).toContain('活跃之星（消息数）,1,Lin,,3');
    const xlsx = await fetch(`${server.url}/api/insight/digest?${q}&format=xlsx`, { headers: { cookie: ann } });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');

    const card = await fetch(`${server.url}/api/insight/digest/card.png?${q}`, { headers: { cookie: ann } });
    expect(card.status).toBe(200);
    expect(card.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await card.arrayBuffer());
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 750, 1000]);
    // Not blank: the text and panels make the channels vary well beyond a flat fill.
    const stats = await sharp(png).stats();
    expect(Math.min(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(10);
  });

  it('do: digest posts the week just ended through the ledger, with its card; review: leader is the leader’s task', async () => {
    const sheet = join(dir, 'digest.yaml');
    writeFileSync(sheet, SHEET);
    const r = await cli('run', 'start', sheet, '--groups', `id:${group}`, '--anchor', new Date(Date.now() + 200).toISOString(), '--json');
    expect(r.code, r.err).toBe(0);
    const runId = (JSON.parse(r.out) as { id: string }).id;
    const digestPost = () => store.db.selectFrom('sandbox_messages').select(['kind', 'text']).where('chat_id', '=', 'camp').where('text', 'like', '📰%').executeTakeFirst();
    await eventually(async () => !!(await digestPost()), 15_000, 'the digest posted');
    const posted = await digestPost();
    expect(posted?.kind).toBe('post');
    expect(posted?.text).toContain('💬 本周 3 位群友活跃，一起聊了 8 条消息');
    expect(posted?.text).toMatch(new RegExp(`\\[digest-${week.week}\\.png, \\d+ bytes\\]$`));
    const row = await store.db.selectFrom('ledger').select(['state', 'content', 'mode']).where('run_id', '=', runId).where('step_id', '=', 'digest').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'sent', mode: 'bot', content: { week: week.week, text: expect.stringContaining('🏅 本周活跃之星：Lin（3 条）') } });

    // The review step is due a minute later: move it to now, as the clock would.
    await store.db.updateTable('ledger').set({ due_at: new Date() }).where('run_id', '=', runId).where('step_id', '=', 'digest-review').execute();
    const reviewRow = () => store.db.selectFrom('ledger').select(['id', 'state', 'mode', 'assignee', 'content']).where('run_id', '=', runId).where('step_id', '=', 'digest-review').executeTakeFirstOrThrow();
    await eventually(async () => (await reviewRow()).state === 'assigned', 15_000, 'the review task');
    const task = await reviewRow();
    expect(task).toMatchObject({ mode: 'human', assignee: 'ann', content: { week: week.week, text: expect.stringContaining('📰 本周群周报 · 读书营 1 群') } });
    expect((task.content as { instruction?: string }).instruction).toContain('请先查看「读书营 1 群」的本周群周报');
    // Nothing more went into the group: the leader posts it.
    expect(await store.db.selectFrom('sandbox_messages').select('id').where('chat_id', '=', 'camp').where('text', 'like', '📰%').execute()).toHaveLength(1);
    const ann = await signIn('ann');
    const tasks = await (await fetch(`${server.url}/api/tasks`, { headers: { cookie: ann.cookie } })).text();
    expect(tasks).toContain('本周群周报');
    const done = await fetch(`${server.url}/api/tasks/${task.id}/done`, { method: 'POST', headers: { cookie: ann.cookie, 'x-csrf-token': ann.csrf, 'content-type': 'application/json' }, body: '{}' });
    expect(done.status).toBe(200);
  });
});
