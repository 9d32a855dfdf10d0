// The API answers in the request's language: a Chinese console gets Chinese errors (the same
// `code`, `field` and shape), a script without a language gets English.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const CJK = /[\u4e00-\u9fff]/;

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

  it('a run in the wrong state tells the state in words', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/runs/run_nope/pause', headers: zh() });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.message).toMatch(CJK);
  });
});
