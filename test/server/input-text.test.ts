// Item 3 of issue 7: text that cannot be stored (NUL, a lone surrogate) is refused at the boundary
// with a 400 naming the field, before anything is written; and an audited change commits together
// with its audit entry or not at all.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../src/run/runs.ts';
import { buildApp } from '../../src/server/app.ts';
import { findUnstorableText } from '../../src/server/text-check.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const SHEET = `sop: text-check
title: Text check
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
steps:
  - id: hello
    at: T+1d
    do: post
    text: "Welcome, {{ group.name }}!"
`;

describe('findUnstorableText (pure)', () => {
  it('finds NUL and lone surrogates anywhere, keys included, and lets emoji and Chinese pass', () => {
    expect(findUnstorableText({ a: 'fine 你好 🎉', b: ['ok', { c: 'x' }] })).toBeUndefined();
    expect(findUnstorableText({ groups: 'tag:\udfff' })).toBe('groups');
    expect(findUnstorableText({ groups: 'tag:\ud83d' })).toBe('groups');
    expect(findUnstorableText({ vars: { course: 'a\u0000b' } })).toBe('vars.course');
    expect(findUnstorableText({ list: ['ok', 'bad\udc00'] })).toBe('list.1');
    expect(findUnstorableText({ vars: { 'k\ud800': 'v' } })).toBe('vars.k\ud800');
    expect(findUnstorableText('\u0000')).toBe('');
  });
});

describe(`unstorable text is refused at the boundary, on ${engine}`, () => {
  let w: World;
  let app: FastifyInstance;
  let token: string;
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  const count = async (table: 'runs' | 'audit_log' | 'sheets' | 'channels' | 'login_attempts') =>
    Number((await w.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    w = await sandboxWorld(2);
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-text-'));
    token = await ensureAdminToken(w.store.db, dataDir);
    app = await buildApp({ store: w.store, dataDir, box: secretBox(TEST_KEY), connectors: w.connectors, consoleDir: false });
  });
  afterAll(async () => {
    await app.close();
    await w.close();
  });

  it('a lone surrogate in a run selector: 400 naming the field, and no run', async () => {
    const r = await post('/api/runs', { sheet: SHEET, groups: 'channel:sandbox\udfff', anchor: new Date().toISOString() });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_text', field: 'groups' });
    expect(await count('runs')).toBe(0);
    expect(await count('sheets')).toBe(0);
    expect(await count('audit_log')).toBe(0);
    // The same run with clean text starts, once, with its audit entry.
    const ok = await post('/api/runs', { sheet: SHEET, groups: 'channel:sandbox', anchor: new Date().toISOString() });
    expect(ok.statusCode).toBe(201);
    expect(await count('runs')).toBe(1);
    expect(await w.store.db.selectFrom('audit_log').select('action').where('action', '=', 'run.start').execute()).toHaveLength(1);
  });

  it('names nested fields, and covers broadcasts, sheets, channels and the query', async () => {
    const vars = await post('/api/runs/preview', { sheet: SHEET, groups: 'all', anchor: new Date().toISOString(), vars: { course: 'x\u0000' } });
    expect(vars.json().error).toMatchObject({ code: 'invalid_text', field: 'vars.course' });
    const bc = await post('/api/broadcasts', { text: 'hello \ud83d', groups: 'all' });
    expect(bc.statusCode).toBe(400);
    expect(bc.json().error).toMatchObject({ code: 'invalid_text', field: 'text' });
    const sheet = await post('/api/sheets', { yaml: SHEET.replace('Text check', 'Text\u0000check') });
    expect(sheet.json().error).toMatchObject({ code: 'invalid_text', field: 'yaml' });
    const channel = await post('/api/channels', { kind: 'sandbox', name: 'bad \udfff', config: {} });
    expect(channel.json().error).toMatchObject({ code: 'invalid_text', field: 'name' });
    const query = await app.inject({ method: 'GET', url: '/api/runs?kind=%00', headers: { authorization: `Bearer ${token}` } });
    expect(query.statusCode).toBe(400);
    expect(query.json().error).toMatchObject({ code: 'invalid_text', field: 'kind' });
    expect(await count('channels')).toBe(1);
    expect(await count('runs')).toBe(1);
  });

  it('NUL in a sign-in name or password: 400 naming the field, nothing recorded', async () => {
    const name = await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'olga\u0000', password: 'whatever-it-is' } });
    expect(name.statusCode).toBe(400);
    expect(name.json().error).toMatchObject({ code: 'invalid_text', field: 'name' });
    const password = await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'olga', password: 'pass\u0000word-long' } });
    expect(password.statusCode).toBe(400);
    expect(password.json().error).toMatchObject({ code: 'invalid_text', field: 'password' });
    expect(await count('login_attempts')).toBe(0);
  });

  it('a webhook whose JSON decodes to a lone surrogate is refused before the connector', async () => {
    const r = await app.inject({
      method: 'POST',
      url: `/webhooks/telegram/${w.channelId}`,
      headers: { 'content-type': 'application/json' },
      payload: '{"update_id":1,"message":{"text":"\\udfff"}}',
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('message.text');
  });

  it('an operation and its audit entry commit together: a failing entry leaves no run', async () => {
    const before = await count('runs');
    await expect(
      startRun(w.ctx, { sheet: SHEET, groups: 'channel:sandbox', anchor: new Date().toISOString() }, {
        inTransaction: async (trx) => {
          await trx.insertInto('audit_log').values({ actor: 't', action: 'run.start', target: null, detail: JSON.stringify({}) }).execute();
          throw new Error('the audit entry could not be written');
        },
      }),
    ).rejects.toThrow('could not be written');
    expect(await count('runs')).toBe(before);
    expect(await w.store.db.selectFrom('audit_log').select('id').where('actor', '=', 't').execute()).toHaveLength(0);
  });
});
