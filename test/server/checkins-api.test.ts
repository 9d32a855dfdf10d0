// Check-ins and surveys end to end on a running server: the worker's post opens the window, the
// CLI prints the exact JSON, leaders see their own groups only, and the public survey form
// (valid, re-answered, forged, oversized, rate limited).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { surveyPath } from '../../src/community/survey-link.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { workspaceKey } from '../../src/store/link-keys.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually } from '../support/world.ts';
import { makeUser, PASSWORD } from './accounts-world.ts';

const SHEET = `sop: checkin-api
title: Check-in API
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: checkin
    window: 1h
    text: "Check in with 打卡 or reply to this message"
  - id: feedback
    at: T+1d
    do: survey
    text: "Tell us how the camp went"
    questions:
      - "How was it? [good|ok|bad]"
      - "What should we change?"
`;

const ZH_SHEET = SHEET.replace('sop: checkin-api', 'sop: checkin-api-zh')
  .replace('How was it? [good|ok|bad]', '课程怎么样？[很好|一般|不好]')
  .replace('What should we change?', '有什么建议？')
  .replace('Tell us how the camp went', '说说你的感受');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`check-ins and surveys through the server (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let channelId: string;
  let groups: string[];
  let runId: string;
  let zhRunId: string;
  let cookieOf: (name: string) => Promise<string>;
  const ingest = (e: Parameters<typeof ingestEvent>[2]) => ingestEvent({ db: store.db }, channelId, e);
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON answers loosely
  const api = async (path: string, cookie?: string): Promise<{ status: number; body: any; headers: Headers }> => {
    const r = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });
    return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text(), headers: r.headers };
  };
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  const memberOf = async (externalId: string) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;
  const link = async (run: string, memberId: string, group = groups[0]) => surveyPath(await workspaceKey(store.db), { runId: run, groupId: group, stepId: 'feedback', occurrence: 1, memberId });

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-checkins-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: true, pollMs: 100, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    for (const name of ['ann', 'bob']) await makeUser(store.db, name, 'leader');
    const ch = await cli('channel', 'add', 'sandbox', '--name', 'sandbox', '--json');
    channelId = JSON.parse(ch.out).id;
    for (const [i, leader] of [
      [1, 'ann'],
      [2, 'bob'],
    ] as const)
      expect((await cli('group', 'add', 'sandbox', `chat-${i}`, '--name', `Group ${i}`, '--leader', leader)).code).toBe(0);
    groups = (await store.db.selectFrom('groups').select('id').orderBy('external_id').execute()).map((g) => g.id);
    const before = new Date(Date.now() - 3_600_000);
    for (const [id, name] of [
      ['u1', 'Lin'],
      ['u2', 'Mei'],
      ['u3', 'Tao'],
    ])
      await ingest({ type: 'member_joined', chatId: 'chat-1', member: { externalId: id, name }, at: before });
    const dir = mkdtempSync(join(tmpdir(), 'chorus-checkin-sheets-'));
    writeFileSync(join(dir, 'en.yaml'), SHEET);
    writeFileSync(join(dir, 'zh.yaml'), ZH_SHEET);
    const start = async (file: string, groupsSel: string, anchor: Date) => {
      const r = await cli('run', 'start', join(dir, file), '--groups', groupsSel, '--anchor', anchor.toISOString(), '--json');
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { id: string }).id;
    };
    runId = await start('en.yaml', 'all', new Date(Date.now() + 200));
    zhRunId = await start('zh.yaml', 'id:chat-1', new Date(Date.now() + 86_400_000));
    cookieOf = async (name) => {
      const r = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
      expect(r.status).toBe(200);
      return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    };
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it("the worker's post opens the window in the same step, with the post's message id", async () => {
    await eventually(async () => (await store.db.selectFrom('checkins').select('id').where('run_id', '=', runId).execute()).length === 2, 10_000, 'two windows');
    const w = await store.db.selectFrom('checkins').selectAll().where('group_id', '=', groups[0]).executeTakeFirstOrThrow();
    const row = await store.db.selectFrom('ledger').select(['platform_message_id', 'executed_at']).where('id', '=', w.ledger_id!).executeTakeFirstOrThrow();
    expect(w.post_message_id).toBe(row.platform_message_id);
    expect(new Date(w.opens_at)).toEqual(new Date(row.executed_at!));
    const at = new Date();
    await ingest({ type: 'message', chatId: 'chat-1', messageId: 'x1', from: { externalId: 'u1', name: 'Lin' }, text: '打卡!', links: [], mentions: [], at });
    await ingest({ type: 'message', chatId: 'chat-1', messageId: 'x2', from: { externalId: 'u2', name: 'Mei' }, text: 'here', links: [], mentions: [], replyTo: w.post_message_id!, at });
    expect(await store.db.selectFrom('checkin_marks').select('member_id').where('checkin_id', '=', w.id).execute()).toHaveLength(2);
  });

  it('chorus checkins --json prints exactly [{step, occurrence, at, members, checkedIn, rate}]; the group may be <channel>:<chat>', async () => {
    const r = await cli('checkins', '--group', `${channelId}:chat-1`, '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0])).toEqual(['step', 'occurrence', 'at', 'members', 'checkedIn', 'rate']);
    expect(rows[0]).toMatchObject({ step: 'hello', occurrence: 1, members: 3, checkedIn: 2, rate: 0.667 });
    const byId = await cli('checkins', '--group', groups[0]);
    expect(byId.out).toContain('2 of 3 (67%)');
    const none = await cli('checkins', '--group', 'nope');
    expect(none.code).toBe(1);
    expect(none.err).toContain('Group "nope"');
    expect((await cli('checkins')).code).toBe(2);
  });

  it('a leader sees the check-ins and surveys of their own groups only', async () => {
    const ann = await cookieOf('ann');
    const mine = await api(`/api/groups/${groups[0]}/checkins`, ann);
    expect(mine.status).toBe(200);
    expect(mine.body.checkins[0]).toMatchObject({ members: 3, checkedIn: 2 });
    const id = mine.body.checkins[0].id;
    const detail = await api(`/api/groups/${groups[0]}/checkins/${id}`, ann);
    expect(detail.body.did.map((p: { name: string }) => p.name)).toEqual(['Lin', 'Mei']);
    expect(detail.body.didNot).toMatchObject([{ name: 'Tao', current: 0, best: 0 }]);
    expect((await api(`/api/groups/${groups[1]}/checkins`, ann)).status).toBe(403);
    expect((await api(`/api/groups/${groups[1]}/surveys`, ann)).status).toBe(403);
    expect((await api(`/api/surveys/export?group=${groups[1]}`, ann)).status).toBe(403);
    expect((await api(`/api/groups/${groups[0]}/checkins/${id}`, await cookieOf('bob'))).status).toBe(403);
    expect((await api(`/api/groups/${groups[0]}/checkins/999999`, ann)).status).toBe(404);
    expect((await api(`/api/groups/${groups[0]}/checkins`)).status).toBe(401);
    // The run's board summary: a leader gets their own groups of the run only.
    const run = await api(`/api/runs/${runId}/checkins`, ann);
    expect(run.body.groups.map((g: { group: string }) => g.group)).toEqual([groups[0]]);
    expect(run.body.groups[0]).toMatchObject({ windows: 1, members: 3, checkedIn: 2, rate: 0.667 });
    const all = await api(`/api/runs/${runId}/checkins`, await cookieOf('bob'));
    expect(all.body.groups.map((g: { group: string }) => g.group)).toEqual([groups[1]]);
  });

  it('the survey form: shown in the survey’s language with no script, answered, answered again, results and CSV', async () => {
    const lin = await memberOf('u1');
    const path = await link(runId, lin);
    const page = await fetch(`${server.url}${path}`, { headers: { 'accept-language': 'zh-CN' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).not.toContain('<script');
    expect(html).toContain('<html lang="en">'); // the survey is written in English
    expect(html).toContain('Hi Lin, a few questions from Group 1.');
    expect(html).toContain('value="good"');
    expect(html).toContain('What should we change?');
    const sent = await form(path, { n: '2', q0: 'good', q1: 'More exercises' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Your answers were saved.');
    const again = await form(path, { n: '2', q0: 'ok', q1: '' });
    expect(await again.text()).toContain('Your answers were updated.');
    const rows = await store.db.selectFrom('survey_answers').select(['answers', 'member_id']).execute();
    expect(rows).toEqual([{ answers: ['ok', ''], member_id: lin }]);
    expect(await store.db.selectFrom('member_events').select('kind').where('member_id', '=', lin).where('kind', '=', 'answer').execute()).toHaveLength(1);
    expect(await (await fetch(`${server.url}${path}`)).text()).toContain('You have answered already');
    const mei = await memberOf('u2');
    await form(await link(runId, mei), { q0: 'ok', q1: 'Shorter videos' });
    const ann = await cookieOf('ann');
    const results = await api(`/api/groups/${groups[0]}/surveys`, ann);
    expect(results.body.surveys).toEqual([
      {
        run: runId,
        step: 'feedback',
        occurrence: 1,
        answered: 2,
        lastAt: expect.any(String),
        questions: [
          { text: 'How was it?', choices: ['good', 'ok', 'bad'], answered: 2, counts: { good: 0, ok: 2, bad: 0 } },
          { text: 'What should we change?', answered: 1, answers: ['Shorter videos'] },
        ],
      },
    ]);
    const csv = await api(`/api/surveys/export?group=${groups[0]}`, ann);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('run,group,step,occurrence,member,name,at,question,answer');
    expect(lines).toHaveLength(5);
    expect(lines.some((l) => l.endsWith(',Mei,' + l.split(',')[6] + ',What should we change?,Shorter videos'))).toBe(true);
  });

  it('a survey written in Chinese is shown in Chinese; bad answers show the form again', async () => {
    const tao = await memberOf('u3');
    const path = await link(zhRunId, tao);
    const html = await (await fetch(`${server.url}${path}`, { headers: { 'accept-language': 'en' } })).text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('Tao你好');
    const notChoice = await form(path, { q0: 'maybe', q1: '' });
    expect(notChoice.status).toBe(422);
    expect(await notChoice.text()).toContain('第 1 题的回答不在选项里');
    const long = await form(path, { q0: '很好', q1: 'x'.repeat(2001) });
    expect(long.status).toBe(422);
    const empty = await form(path, { q0: '', q1: '  ' });
    expect(await empty.text()).toContain('请至少回答一个问题');
    const huge = await form(path, { q0: '很好', q1: 'x'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(await store.db.selectFrom('survey_answers').select('id').where('run_id', '=', zhRunId).execute()).toEqual([]);
  });

  it('forged or altered links get a plain 404 that reveals nothing; many in a row are refused for a while', async () => {
    const path = await link(runId, await memberOf('u1'));
    const altered = `${path.slice(0, -2)}${path.endsWith('A') ? 'BB' : 'AA'}`;
    const other = await link(runId, 'm_nobody');
    const pages: string[] = [];
    for (const p of [altered, '/s/garbage', other]) {
      const r = await fetch(`${server.url}${p}`);
      expect(r.status).toBe(404);
      pages.push(await r.text());
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toContain('There is nothing at this address.');
    expect((await form(altered, { q0: 'good' })).status).toBe(404);
    let last = 0;
    for (let i = 0; i < 10; i++) last = (await fetch(`${server.url}/s/forged-${i}`)).status;
    expect(last).toBe(429);
    const refused = await fetch(`${server.url}${path}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
