// The public application form: a valid application lands on its own status page, which shows the
// personal invite link (made through the ledger) once the reviewer approves; a joining through
// that link makes the applicant the application's member. A bad code, an oversized body and too
// many tries get plain pages; the form reveals nothing about other groups.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, withToken } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe(`the public application form (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let worker: Worker;
  let admin: Caller;
  let code: string;
  let groupId: string;
  let channelId: string;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-form-'));
    const box = secretBox(TEST_KEY);
    const connectors = new ConnectorCache(store.db, box);
    app = await buildApp({ store, dataDir, consoleDir: false, box, connectors });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    channelId = (await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' })).json().id;
    groupId = (await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c1', name: 'Spring Camp' })).json().id;
    await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c2', name: 'Secret Club' });
    await admin.call('PATCH', `/api/groups/${groupId}/admission`, { questions: ['Which city are you in?'], language: 'zh' });
    const opened = (await admin.call('POST', `/api/groups/${groupId}/admission/form`, { open: true })).json();
    code = opened.formCode;
    expect(opened.formPath).toBe(`/apply/${code}`);
    worker = new Worker({ db: store.db, connectors, pollMs: 50, heartbeatMs: 200 });
    await worker.start();
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    await store?.drop();
  });

  it('shows the form in the group language, or the one asked for, with no script', async () => {
    const zh = await app.inject({ method: 'GET', url: `/apply/${code}` });
    expect(zh.statusCode).toBe(200);
    expect(zh.headers['content-type']).toMatch(/text\/html/);
    expect(zh.body).toContain('申请加入Spring Camp');
    expect(zh.body).toContain('1. Which city are you in?');
    expect(zh.body).not.toContain('<script');
    expect(zh.body).not.toContain('Secret Club');
    const en = await app.inject({ method: 'GET', url: `/apply/${code}?lang=en` });
    expect(en.body).toContain('Apply to join Spring Camp');
  });

  it('answers a wrong code like any unknown page', async () => {
    for (const bad of ['nope', 'A'.repeat(22), `${code}x`]) {
      const r = await app.inject({ method: 'GET', url: `/apply/${bad}?lang=en` });
      expect(r.statusCode).toBe(404);
      expect(r.body).toContain('This page does not exist');
      expect(r.body).not.toContain('Spring Camp');
    }
    expect((await app.inject({ method: 'POST', url: '/apply/nope', headers: FORM, payload: form({ name: 'x' }) })).statusCode).toBe(404);
  });

  it('takes an application, shows its state, and the personal link once approved; the join links the member', async () => {
    const missing = await app.inject({ method: 'POST', url: `/apply/${code}?lang=en`, headers: { ...FORM, 'x-forwarded-for': '10.0.0.1' }, payload: form({ name: 'Lin', contact: '' }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Please answer question 1.');
    expect(missing.body).toContain('value="Lin"');

    const sent = await app.inject({ method: 'POST', url: `/apply/${code}?lang=en`, headers: FORM, payload: form({ name: 'Lin <b>', contact: 'lin@example.com', a0: 'Shanghai' }) });
    expect(sent.statusCode).toBe(303);
    const status = sent.headers.location as string;
    expect(status).toMatch(new RegExp(`^/apply/${code}/s/`));
    expect((await app.inject({ method: 'GET', url: status })).body).toContain('waiting for review');

    const [a] = (await admin.call('GET', '/api/admissions?state=pending')).json().admissions;
    expect(a).toMatchObject({ source: 'form', member: null, name: 'Lin <b>', contact: 'lin@example.com', answers: [{ question: 'Which city are you in?', answer: 'Shanghai' }] });
    expect((await admin.call('POST', `/api/admissions/${a.id}/approve`, {})).statusCode).toBe(200);
    let page = '';
    await eventually(async () => {
      page = (await app.inject({ method: 'GET', url: status })).body;
      return page.includes('https://sandbox.chorus.local/join/');
    }, 15_000, 'the personal link on the status page');
    expect(page).not.toContain('<b>');
    const link = /https:\/\/sandbox\.chorus\.local\/join\/[^"<]+/.exec(page)![0];
    // The group's shared link is not replaced by a personal one.
    expect((await store.db.selectFrom('groups').select('invite_link').where('id', '=', groupId).executeTakeFirst())?.invite_link).toBeNull();

    await ingestEvent({ db: store.db }, channelId, { type: 'member_joined', chatId: 'c1', member: { externalId: 'u-lin', name: 'Lin' }, via: { inviteLink: link }, at: new Date() });
    const linked = (await admin.call('GET', '/api/admissions')).json().admissions.find((x: { id: string }) => x.id === a.id);
    expect(linked.member).toMatch(/^mem_/);
    // A forged status token is an unknown page.
    expect((await app.inject({ method: 'GET', url: `${status.split('?')[0]}x` })).statusCode).toBe(404);
  }, 30_000);

  it('refuses an oversized application and slows down a flood', async () => {
    const big = await app.inject({ method: 'POST', url: `/apply/${code}?lang=en`, headers: { ...FORM, 'x-forwarded-for': '10.0.0.2' }, payload: form({ name: 'x', a0: 'y'.repeat(20_000) }) });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('Too much text');
    const long = await app.inject({ method: 'POST', url: `/apply/${code}?lang=en`, headers: FORM, payload: form({ name: 'x', a0: 'y'.repeat(1200) }) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('at most 1000 characters');
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push((await app.inject({ method: 'POST', url: `/apply/${code}?lang=en`, remoteAddress: '10.9.9.9', headers: FORM, payload: form({ name: `n${i}`, a0: 'z' }) })).statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(codes.slice(5)).toEqual([429, 429]);
  }, 30_000);

  it('closes the form: the old address stops working', async () => {
    await admin.call('POST', `/api/groups/${groupId}/admission/form`, { open: false });
    expect((await app.inject({ method: 'GET', url: `/apply/${code}` })).statusCode).toBe(404);
  });
});
