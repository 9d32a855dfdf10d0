// The API answers in the request's language: a Chinese console gets Chinese errors (the same
// `code`, `field` and shape), a script without a language gets English.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFailure } from '../../src/channels/credentials.ts';
import { render } from '../../src/i18n/index.ts';
import { planRowAction } from '../../src/run/row-actions.ts';
import { createUser } from '../../src/server/accounts/users.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const CJK = /[\u4e00-\u9fff]/;
const SHEET = readFileSync('test/fixtures/cli/clean.yaml', 'utf8');

describe(`errors in the request's language on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let token: string;
  const zh = () => ({ authorization: `Bearer ${token}`, 'x-chorus-locale': 'zh' });
  const en = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-data-'));
    token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir, consoleDir: false });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('an invalid group selector: Chinese message and reason, same code and field', async () => {
    const payload = { text: 'hello', groups: 'colour:red' };
    const cn = await app.inject({ method: 'POST', url: '/api/broadcasts/preview', headers: zh(), payload });
    const us = await app.inject({ method: 'POST', url: '/api/broadcasts/preview', headers: en(), payload });
    expect(cn.statusCode).toBe(400);
    expect(cn.json().error).toEqual({
      code: 'invalid_selector',
      message: expect.stringMatching(/^群筛选条件不正确：“colour:” 不是有效的筛选条件/),
      field: 'groups',
      reason: expect.stringMatching(CJK),
    });
    expect(us.json().error.code).toBe('invalid_selector');
    expect(us.json().error.message).toMatch(/^The group selector is not valid: "colour:" is not a selector/);
  });

  it('not found, in Chinese by header, by ?lang= and by Accept-Language', async () => {
    const byHeader = await app.inject({ method: 'GET', url: '/api/sheets/nope', headers: zh() });
    expect(byHeader.statusCode).toBe(404);
    expect(byHeader.json().error).toEqual({ code: 'not_found', message: 'SOP 表“nope”不存在' });
    const byQuery = await app.inject({ method: 'GET', url: '/api/sheets/nope?lang=zh', headers: en() });
    expect(byQuery.json().error.message).toBe('SOP 表“nope”不存在');
    const byBrowser = await app.inject({ method: 'GET', url: '/api/sheets/nope', headers: { ...en(), 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(byBrowser.json().error.message).toBe('SOP 表“nope”不存在');
    const plain = await app.inject({ method: 'GET', url: '/api/sheets/nope', headers: en() });
    expect(plain.json().error.message).toBe('Sheet "nope" does not exist');
    const endpoint = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: zh() });
    expect(endpoint.json().error).toEqual({ code: 'not_found', message: '没有这个接口：GET /api/nothing-here' });
  });

  it('`?lang=` is accepted on routes with a strict query', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/groups?lang=zh', headers: en() });
    expect(r.statusCode).toBe(200);
  });

  it('sign-in and validation refusals', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/sheets', headers: { 'x-chorus-locale': 'zh' } });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toEqual({ code: 'unauthorized', message: expect.stringMatching(/^请先登录/) });
    const bad = await app.inject({ method: 'POST', url: '/api/sheets', headers: zh(), payload: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'yaml', reason: '必须填写', problems: [{ field: 'yaml', reason: '必须填写' }] });
    expect(bad.json().error.message).toBe('请求的 body 不正确：yaml — 必须填写');
    const usBad = await app.inject({ method: 'POST', url: '/api/sheets', headers: en(), payload: {} });
    expect(usBad.json().error).toMatchObject({ message: 'The request body is not valid: yaml — is required', reason: 'is required' });
  });

  it('lint findings and sheet problems in Chinese; English by default', async () => {
    const risky = SHEET.replace('with the {{ club }}!', 'with the {{ clubb }}! https://a.example.com https://b.example.com');
    const cn = (await app.inject({ method: 'POST', url: '/api/lint', headers: zh(), payload: { yaml: risky } })).json();
    const byRule = (f: { rule: string; message: string; hint: string }[], rule: string) => f.find((x) => x.rule === rule)!;
    expect(byRule(cn.findings, 'unknown-variable')).toEqual(
      expect.objectContaining({ message: '步骤 `friday-chat`：`{{ clubb }}` 不是这份表里的变量（是不是想写 `club`？）；每次执行都会在排期时因此停下', hint: '把拼写改成 {{ club }}，或者在 `vars:` 下声明 `clubb`。' }),
    );
    expect(byRule(cn.findings, 'one-link').message).toMatch(/^步骤 `friday-chat` 带了 2 个链接/);
    const us = (await app.inject({ method: 'POST', url: '/api/lint', headers: en(), payload: { yaml: risky } })).json();
    expect(byRule(us.findings, 'unknown-variable').message).toBe('step `friday-chat`: `{{ clubb }}` is not a variable of this sheet (did you mean `club`?); it would stop every run at planning');

    const broken = SHEET.replace('do: post', 'do: pots').replace('community: fans', 'comunity: fans');
    const parse = (await app.inject({ method: 'POST', url: '/api/lint', headers: zh(), payload: { yaml: broken } })).json();
    expect(parse.parsed).toBe(false);
    expect(parse.findings.map((f: { message: string }) => f.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^无法识别的字段 `comunity`——是不是想写 `community`？/), expect.stringMatching(/^步骤 `friday-chat`：`do: pots` 不是允许的值（是不是想写 `post`？）/)]),
    );
    expect(parse.findings[0].hint).toBe('这处问题修好之前无法读取这份表，其他检查都还没有进行。');
    const save = await app.inject({ method: 'POST', url: '/api/sheets', headers: zh(), payload: { yaml: broken } });
    expect(save.json().error).toMatchObject({ code: 'invalid_sheet', message: expect.stringMatching(/^无法读取这份 SOP 表：有 \d+ 处问题。/) });
    expect(save.json().error.problems.every((p: { message: string }) => CJK.test(p.message))).toBe(true);
  });

  it('a leader or an assignee not in the team, a pacing out of bounds, unstorable text and a bad link', async () => {
    await createUser(store.db, { name: 'linwei', role: 'leader', passwordHash: 'x', displayName: '林伟' });
    expect((await app.inject({ method: 'POST', url: '/api/channels', headers: en(), payload: { kind: 'sandbox', name: 'sandbox' } })).statusCode).toBe(201);

    const group = { channel: 'sandbox', externalId: 'c1', name: 'Camp 1', leader: 'linwie' };
    const leader = await app.inject({ method: 'POST', url: '/api/groups', headers: zh(), payload: group });
    expect(leader.statusCode).toBe(400);
    expect(leader.json().error).toEqual({
      code: 'unknown_leader',
      field: 'leader',
      message: '团队中没有“linwie”这个人：群负责人必须是能登录的人，否则这个群的待办不会送到任何人手上。你是不是要找 linwei（林伟）？',
    });
    const leaderUs = await app.inject({ method: 'POST', url: '/api/groups', headers: en(), payload: { ...group, leader: 'bob' } });
    expect(leaderUs.json().error.message).toBe(
      `There is no person "bob" in the team: a group's leader must be someone who can sign in, or the group's tasks reach nobody. Add them on the Team page first.`,
    );
    const person = await app.inject({ method: 'POST', url: '/api/ledger/1/reassign', headers: zh(), payload: { to: 'bob' } });
    expect(person.json().error).toEqual({ code: 'unknown_person', field: 'to', message: '团队中没有“bob”这个人：待办只能交给能登录的人。请先在“团队”页面添加此人。' });

    const pacing = await app.inject({ method: 'PATCH', url: '/api/channels/sandbox/pacing', headers: zh(), payload: { dailyCap: 0 } });
    expect(pacing.statusCode).toBe(400);
    expect(pacing.json().error).toEqual({ code: 'pacing_invalid', field: 'dailyCap', message: '整个账号的每日上限应为 1 到 1000000 之间的整数；当前为 0。' });
    const pacingUs = await app.inject({ method: 'PATCH', url: '/api/channels/sandbox/pacing', headers: en(), payload: { dailyCap: 0 } });
    expect(pacingUs.json().error.message).toBe('the daily cap must be a whole number from 1 to 1000000; it is 0.');

    const text = await app.inject({ method: 'POST', url: '/api/broadcasts/preview', headers: zh(), payload: { text: 'hello \ud83d', groups: 'all' } });
    expect(text.statusCode).toBe(400);
    expect(text.json().error).toEqual({
      code: 'invalid_text',
      field: 'text',
      message: '请求的 body 里，text 含有无法保存的字符（NUL 空字符，或被截断的半个 emoji）。',
      reason: '含有 NUL 空字符或被截断的半个 emoji',
    });
    const textUs = await app.inject({ method: 'POST', url: '/api/broadcasts/preview', headers: en(), payload: { text: 'a\u0000b', groups: 'all' } });
    expect(textUs.json().error).toMatchObject({
      message: 'The request body holds a character that cannot be stored (a NUL character or a broken emoji half) in text.',
      reason: 'holds a NUL character or a lone surrogate',
    });
    const hook = await app.inject({ method: 'POST', url: '/webhooks/telegram/nope?lang=zh', payload: 'x\u0000' });
    expect(hook.statusCode).toBe(400);
    expect(hook.body).toBe('请求的 body 里含有无法保存的字符（NUL 空字符，或被截断的半个 emoji）。');

    const link = await app.inject({ method: 'POST', url: '/api/broadcasts/preview', headers: zh(), payload: { text: 'Tonight', link: 'javascript:alert(1)', groups: 'all' } });
    expect(link.json().error).toMatchObject({ code: 'invalid_request', field: 'link', reason: '应为以 http:// 或 https:// 开头的链接' });
    const tag = await app.inject({ method: 'POST', url: '/api/groups', headers: zh(), payload: { ...group, leader: 'linwei', tags: ['a b'] } });
    expect(tag.json().error).toMatchObject({ code: 'invalid_request', field: 'tags.0', reason: '标签里不能有空格、逗号或加号' });
    const tagUs = await app.inject({ method: 'POST', url: '/api/groups', headers: en(), payload: { ...group, leader: 'linwei', tags: ['a b'] } });
    expect(tagUs.json().error.reason).toBe('a tag has no spaces, commas or plus signs');
  });

  it('row refusals and channel checks are worded from parts in the same language', () => {
    const unconfirmed = planRowAction('retry', { state: 'unconfirmed', mode: 'bot', runState: 'running' });
    const sent = planRowAction('skip', { state: 'sent', mode: 'bot', runState: 'running' });
    if (unconfirmed.ok || sent.ok) throw new Error('both are refused');
    expect(unconfirmed.code).toBe('needs_confirmation');
    expect(render('zh', unconfirmed.text)).toBe('Chorus 无法确定它是否已经发出；请先到群里确认确实没有发出，再重新发送');
    expect(render('zh', sent.text)).toBe('它已经发出');
    expect(sent.reason).toBe('it is already sent');
    const unreachable = verifyFailure('wecom', 'transient', 'ETIMEDOUT', 'https://qyapi.weixin.qq.com');
    expect(render('zh', unreachable.text)).toMatch(/^Chorus 连不上企业微信（https:\/\/qyapi\.weixin\.qq\.com），所以没有检查这些凭据/);
    expect(unreachable.message).toMatch(/^Chorus cannot reach WeCom at https:\/\/qyapi\.weixin\.qq\.com, so the credentials were not checked/);
  });

  it('a run in the wrong state tells the state in words', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/runs/run_nope/pause', headers: zh() });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.message).toMatch(CJK);
  });
});
