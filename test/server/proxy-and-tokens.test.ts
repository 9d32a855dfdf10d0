// Items 8 and 9 of issue 7: behind a trusted reverse proxy the throttle counts the real client
// address and cookies are Secure (also whenever the public URL is https); a password change or
// reset ends the person's API tokens and other sessions; the current-password check is throttled.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { AddressSettingError, parsePublicUrl, parseTrustProxy } from '../../src/server/public-address.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { makeUser, PASSWORD, signIn } from './accounts-world.ts';

describe('parseTrustProxy and parsePublicUrl (pure)', () => {
  it('reads true, a hop count, and lists of addresses and CIDRs; refuses the rest plainly', () => {
    expect(parseTrustProxy(undefined)).toBeUndefined();
    expect(parseTrustProxy('')).toBeUndefined();
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(AddressSettingError);
    expect(() => parseTrustProxy('proxy.local')).toThrow('is not an address or a CIDR range');
    expect(() => parseTrustProxy('0')).toThrow('between 1 and 10');
  });

  it('takes http and https URLs only', () => {
    expect(parsePublicUrl('https://chorus.example.com/')?.origin).toBe('https://chorus.example.com');
    expect(() => parsePublicUrl('ftp://x')).toThrow('should start with https://');
    expect(() => parsePublicUrl('chorus.example.com')).toThrow('is not a URL');
  });
});

// One database for the file (the two parts use different people).
let store: TestStore;
beforeAll(async () => {
  store = await testStore();
});
afterAll(async () => {
  await store.drop();
});

describe(`behind a reverse proxy, on ${engine}`, () => {
  let proxied: FastifyInstance;
  let direct: FastifyInstance;
  let secure: FastifyInstance;
  const login = (app: FastifyInstance, password: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/login', payload: { name: 'pia', password }, headers });

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-proxy-'));
    const sleep = async () => {};
    // inject() comes from 127.0.0.1: the proxy.
    proxied = await buildApp({ store, dataDir, consoleDir: false, trustProxy: ['127.0.0.1'], sleep });
    direct = await buildApp({ store, dataDir, consoleDir: false, sleep });
    secure = await buildApp({ store, dataDir, consoleDir: false, publicUrl: new URL('https://chorus.example.com'), sleep });
    await makeUser(store.db, 'pia', 'operator');
  });
  afterAll(async () => {
    for (const app of [proxied, direct, secure]) await app.close();
  });

  it('throttles the client named in X-Forwarded-For, not the proxy: the owner elsewhere gets in', async () => {
    const attacker = { 'x-forwarded-for': '203.0.113.5' };
    for (let i = 0; i < 5; i++) expect((await login(proxied, 'wrong password!', attacker)).statusCode).toBe(401);
    expect((await login(proxied, PASSWORD, attacker)).statusCode).toBe(429);
    expect((await login(proxied, PASSWORD, { 'x-forwarded-for': '198.51.100.7' })).statusCode).toBe(200);
    const rows = await store.db.selectFrom('login_attempts').select('ip').distinct().execute();
    expect(rows.map((r) => r.ip)).toEqual(['203.0.113.5']);
  });

  it('without --trust-proxy the header is not believed (anyone could send it)', async () => {
    for (let i = 0; i < 5; i++) expect((await login(direct, 'wrong password!', { 'x-forwarded-for': `192.0.2.${i}` })).statusCode).toBe(401);
    expect((await login(direct, PASSWORD, { 'x-forwarded-for': '192.0.2.200' })).statusCode).toBe(429);
    // Another server on the same database counts the same failures.
    expect((await login(secure, PASSWORD)).statusCode).toBe(429);
    await store.db.deleteFrom('login_attempts').execute();
  });

  it('makes the session cookie Secure when the proxy says https, or when the public URL is https', async () => {
    const viaTls = await login(proxied, PASSWORD, { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https' });
    expect(viaTls.cookies.find((c) => c.name === 'chorus_session')!.secure).toBe(true);
    const plain = await login(direct, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(plain.cookies.find((c) => c.name === 'chorus_session')!.secure).toBeFalsy();
    const pub = await login(secure, PASSWORD);
    expect(pub.cookies.find((c) => c.name === 'chorus_session')!.secure).toBe(true);
  });
});

describe(`a new password ends tokens and other sessions, on ${engine}`, () => {
  let app: FastifyInstance;
  const NEW = 'a brand new passphrase';

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-pw-'));
    app = await buildApp({ store, dataDir, consoleDir: false, sleep: async () => {} });
    await makeUser(store.db, 'olga', 'owner');
    await makeUser(store.db, 'rita', 'operator');
  });
  afterAll(async () => {
    await app.close();
  });

  const bearer = (token: string) => app.inject({ method: 'GET', url: '/api/sheets', headers: { authorization: `Bearer ${token}` } });

  it('on a change: the personal tokens and the other sessions end, the current session stays, and the answer says so', async () => {
    const here = await signIn(app, 'rita');
    const phone = await signIn(app, 'rita');
    const token = (await here.call('POST', '/api/tokens', { name: 'laptop script' })).json().token as string;
    expect((await bearer(token)).statusCode).toBe(200);

    const r = await here.call('PATCH', '/api/me', { password: NEW, currentPassword: PASSWORD });
    expect(r.statusCode).toBe(200);
    expect(r.json().ended).toEqual({ sessions: 1, tokens: 1 });
    expect((await bearer(token)).statusCode).toBe(401);
    expect((await phone.call('GET', '/api/sheets')).statusCode).toBe(401);
    expect((await here.call('GET', '/api/sheets')).statusCode).toBe(200);
  });

  it('on a reset by an owner: every session and token of the person ends', async () => {
    const rita = await signIn(app, 'rita', NEW);
    const token = (await rita.call('POST', '/api/tokens', { name: 'cron' })).json().token as string;
    const owner = await signIn(app, 'olga');
    const id = (await owner.call('GET', '/api/users')).json().users.find((u: { name: string }) => u.name === 'rita').id;
    expect((await owner.call('PATCH', `/api/users/${id}`, { password: PASSWORD })).statusCode).toBe(200);
    expect((await bearer(token)).statusCode).toBe(401);
    expect((await rita.call('GET', '/api/sheets')).statusCode).toBe(401);
    expect(await store.db.selectFrom('api_tokens').select('id').where('user_id', '=', id).execute()).toEqual([]);
  });

  it('throttles the current-password check: five wrong ones, then 429 even with the right one', async () => {
    const rita = await signIn(app, 'rita');
    for (let i = 0; i < 5; i++) {
      const r = await rita.call('PATCH', '/api/me', { password: NEW, currentPassword: `not it, try ${i}` });
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('wrong_password');
    }
    const r = await rita.call('PATCH', '/api/me', { password: NEW, currentPassword: PASSWORD });
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('too_many_attempts');
  });
});
