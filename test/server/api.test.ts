import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const SHEET = readFileSync('test/fixtures/cli/clean.yaml', 'utf8');

describe(`HTTP API on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let token: string;
  let dataDir: string;
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    store = await testStore();
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-data-'));
    token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('writes the admin token to the data folder with 0600 permissions and reuses it', async () => {
    const file = join(dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await ensureAdminToken(store.db, dataDir)).toBe(token);
  });

  it('answers health without a token, and refuses everything else without a valid one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const none = await app.inject({ method: 'GET', url: '/api/sheets' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const forged = await app.inject({ method: 'GET', url: '/api/sheets', headers: { authorization: 'Bearer chorus_forged' } });
    expect(forged.statusCode).toBe(401);
  });

  it('saves sheets as versions: same text → same version, changed text → a new one; old versions stay readable', async () => {
    const first = await app.inject({ method: 'POST', url: '/api/sheets', headers: auth(), payload: { yaml: SHEET } });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id: 'fans-weekly', version: 1, created: true });
    const again = await app.inject({ method: 'POST', url: '/api/sheets', headers: auth(), payload: { yaml: SHEET } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1, created: false });
    const changed = SHEET.replace('Weekly fan chat', 'Weekly fan chat (v2)');
    const second = await app.inject({ method: 'POST', url: '/api/sheets', headers: auth(), payload: { yaml: changed } });
    expect(second.json()).toMatchObject({ version: 2, created: true });

    const list = (await app.inject({ method: 'GET', url: '/api/sheets', headers: auth() })).json();
    expect(list.sheets).toEqual([expect.objectContaining({ id: 'fans-weekly', latestVersion: 2, title: 'Weekly fan chat (v2)' })]);
    const versions = (await app.inject({ method: 'GET', url: '/api/sheets/fans-weekly/versions', headers: auth() })).json();
    expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = (await app.inject({ method: 'GET', url: '/api/sheets/fans-weekly/versions/1', headers: auth() })).json();
    expect(v1.yaml).toBe(SHEET);
    const latest = (await app.inject({ method: 'GET', url: '/api/sheets/fans-weekly', headers: auth() })).json();
    expect(latest.version).toBe(2);
    expect((await app.inject({ method: 'GET', url: '/api/sheets/nope', headers: auth() })).statusCode).toBe(404);
  });

  it('refuses a broken sheet with positions and stores nothing', async () => {
    const bad = readFileSync('test/fixtures/cli/bad-time.yaml', 'utf8');
    const r = await app.inject({ method: 'POST', url: '/api/sheets', headers: auth(), payload: { yaml: bad, file: 'bad.yaml' } });
    expect(r.statusCode).toBe(422);
    const { error } = r.json();
    expect(error.code).toBe('invalid_sheet');
    expect(error.problems[0]).toMatchObject({ file: 'bad.yaml', line: 8, column: 9 });
    expect(error.problems[0].message).toContain('25:00 is not a time of day');
    expect((await app.inject({ method: 'GET', url: '/api/sheets/bad-time', headers: auth() })).statusCode).toBe(404);
  });

  it('says which field is wrong in a malformed body', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/sheets', headers: auth(), payload: { yml: SHEET } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_request' });
    expect(r.json().error.field).toBeTruthy();
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/sheets',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: '{"yaml":',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.message).toBeTruthy();
  });

  it('lints', async () => {
    const bad = readFileSync('test/fixtures/cli/unknown-var.yaml', 'utf8');
    const r = await app.inject({ method: 'POST', url: '/api/lint', headers: auth(), payload: { yaml: bad, file: 'x.yaml' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'unknown-variable', line: 11, file: 'x.yaml' })]));
  });

  it('plans from YAML and from a stored version', async () => {
    const groups = [
      { id: 'g1', name: 'Beijing' },
      { id: 'g2', name: 'Shanghai' },
    ];
    const byText = await app.inject({ method: 'POST', url: '/api/plan', headers: auth(), payload: { yaml: SHEET, anchor: '2026-12-01', groups } });
    expect(byText.statusCode).toBe(200);
    expect(byText.json().count).toBe(8);
    const byRef = await app.inject({
      method: 'POST',
      url: '/api/plan',
      headers: auth(),
      payload: { sheet: { id: 'fans-weekly', version: 1 }, anchor: '2026-12-01', groups },
    });
    expect(byRef.json().actions).toEqual(byText.json().actions);
    const both = await app.inject({ method: 'POST', url: '/api/plan', headers: auth(), payload: { anchor: '2026-12-01' } });
    expect(both.statusCode).toBe(400);
  });

  it('reports a plan that cannot be made (a missing variable) as 422 naming it', async () => {
    const yaml = SHEET.replace('club: { default: "Blue Birds" }', 'club: { required: true }');
    const r = await app.inject({ method: 'POST', url: '/api/plan', headers: auth(), payload: { yaml, anchor: '2026-12-01' } });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.message).toContain('club');
  });

  it('imports a spreadsheet, and reports bad rows without importing anything', async () => {
    const csv = 'Day,Time,Action,Content\nD1,07:00,post,Good morning\n';
    const ok = await app.inject({
      method: 'POST',
      url: '/api/import',
      headers: auth(),
      payload: { fileName: 'morning.csv', contentBase64: Buffer.from(csv).toString('base64') },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().yaml).toContain('Good morning');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/import',
      headers: auth(),
      payload: { fileName: 'bad.csv', contentBase64: Buffer.from(`${csv}D2,25:00,post,hi\n`).toString('base64') },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.problems[0].row).toBe(3);
  });

  it('serves the template library', async () => {
    const list = (await app.inject({ method: 'GET', url: '/api/templates', headers: auth() })).json();
    expect(list.templates.length).toBeGreaterThanOrEqual(8);
    const one = (await app.inject({ method: 'GET', url: `/api/templates/${list.templates[0].id}`, headers: auth() })).json();
    expect(one.yaml).toContain(`sop: ${list.templates[0].id}`);
  });

  it("offers the reader's language first: asked for, else the browser's, else English", async () => {
    const get = async (url: string, headers: Record<string, string> = {}) => (await app.inject({ method: 'GET', url, headers: { ...auth(), ...headers } })).json();
    const zh = await get('/api/templates?language=zh');
    expect(zh.language).toBe('zh');
    expect(zh.templates[0].language).toBe('zh');
    expect(zh.templates.filter((t: { language: string }) => t.language === 'zh').length).toBeGreaterThanOrEqual(8);
    expect(zh.templates.filter((t: { language: string }) => t.language === 'en').length).toBeGreaterThanOrEqual(8);
    // The admin token has no user, so the browser's language decides.
    expect((await get('/api/templates', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })).templates[0].language).toBe('zh');
    expect((await get('/api/templates')).templates[0].language).toBe('en');
    const camp = await get('/api/templates/camp-7d?language=zh');
    expect(camp.language).toBe('zh');
    expect(camp.yaml).toContain('训练营');
    expect((await get('/api/templates/camp-7d?language=en')).yaml).not.toMatch(/[\u4e00-\u9fff]/);
    const bad = await app.inject({ method: 'GET', url: '/api/templates?language=fr', headers: auth() });
    expect(bad.statusCode).toBe(400);
  });
});
