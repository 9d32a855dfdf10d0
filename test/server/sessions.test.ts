// Signing in: first start (setup once), session cookies (flags, 3-day sliding and 7-day absolute
// expiry, sign-out), CSRF on cookie-authenticated changes (bearer tokens exempt), and sign-in
// throttling per address, per name and address, and the slow-down per name, on a clock the test
// moves and a sleep the test records.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_LIMITS, slowDownMs, waitSeconds } from '../../src/server/accounts/throttle.ts';
import { buildApp } from '../../src/server/app.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { makeUser, PASSWORD, signIn } from './accounts-world.ts';

const DAY = 86_400_000;

describe('waitSeconds (pure)', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const ago = (min: number) => new Date(now.getTime() - min * 60_000);

  it('allows attempts below the limit and counts only the window', () => {
    expect(waitSeconds([ago(1), ago(2), ago(3), ago(4)], now, 5, 15)).toBe(0);
    expect(waitSeconds([ago(1), ago(2), ago(3), ago(4), ago(16)], now, 5, 15)).toBe(0);
  });

  it('at the limit, waits until the attempt that keeps the count at the limit ages out', () => {
    // Failures 1..5 minutes ago: the oldest (5 min ago) leaves the window in 10 minutes.
    expect(waitSeconds([ago(1), ago(2), ago(3), ago(4), ago(5)], now, 5, 15)).toBe(600);
    // Six failures: the 5th newest (4 min ago) must age out: 11 minutes.
    expect(waitSeconds([ago(5), ago(1), ago(3), ago(2), ago(4), ago(0.5)], now, 5, 15)).toBe(660);
  });
});

describe('slowDownMs (pure)', () => {
  it('holds nothing below the threshold, then doubles from half a second up to the cap', () => {
    expect([0, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => slowDownMs(n, DEFAULT_LOGIN_LIMITS))).toEqual([0, 0, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});

describe(`sessions, CSRF and sign-in throttling on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let clock = new Date('2026-03-01T08:00:00Z');
  /** The delays the throttle asked for, instead of waiting them. */
  const slept: number[] = [];
  const login = (name: string, password: string, ip = '10.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/login', payload: { name, password }, remoteAddress: ip });

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-sessions-'));
    app = await buildApp({ store, dataDir, consoleDir: false, now: () => clock, sleep: async (ms) => void slept.push(ms) });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  describe('first start', () => {
    it('says setup is needed until the owner exists, creates the owner once and signs them in', async () => {
      const before = (await app.inject({ method: 'GET', url: '/api/session' })).json();
      expect(before).toEqual({ user: null, setupNeeded: true, csrfToken: null });

      const short = await app.inject({ method: 'POST', url: '/api/setup', payload: { name: 'olga', password: 'short' } });
      expect(short.statusCode).toBe(400);
      expect(short.json().error).toMatchObject({ field: 'password', reason: 'is too small (at least 12)' });

      const r = await app.inject({ method: 'POST', url: '/api/setup', payload: { name: 'olga', password: PASSWORD, displayName: 'Olga K.' } });
      expect(r.statusCode).toBe(201);
      expect(r.json().user).toMatchObject({ name: 'olga', displayName: 'Olga K.', role: 'owner', locale: 'zh' });
      const cookie = r.cookies.find((c) => c.name === 'chorus_session')!;
      const session = (await app.inject({ method: 'GET', url: '/api/session', cookies: { chorus_session: cookie.value } })).json();
      expect(session).toEqual({ user: r.json().user, setupNeeded: false, csrfToken: r.json().csrfToken });

      const again = await app.inject({ method: 'POST', url: '/api/setup', payload: { name: 'mallory', password: PASSWORD } });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('setup_done');
      expect((await store.db.selectFrom('users').select('name').execute()).map((u) => u.name)).toEqual(['olga']);
    });
  });

  describe('sessions', () => {
    beforeAll(async () => {
      await makeUser(store.db, 'otto', 'operator');
    });

    it('sets an HTTP-only, SameSite=Lax cookie for the whole site that lasts 3 days; only its hash is stored', async () => {
      const r = await login('otto', PASSWORD);
      expect(r.statusCode).toBe(200);
      const c = r.cookies.find((x) => x.name === 'chorus_session')!;
      expect(c).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(c.secure).toBeFalsy();
      expect(new Date(c.expires!).getTime()).toBe(clock.getTime() + 3 * DAY);
      const rows = await store.db.selectFrom('sessions').select(['id', 'csrf_token']).execute();
      expect(rows.some((s) => s.id === c.value)).toBe(false);
      expect(rows.some((s) => s.csrf_token === r.json().csrfToken)).toBe(true);
    });

    it('slides: each use extends the session to 3 days from then; unused for 3 days, it has ended', async () => {
      const start = clock;
      const me = await signIn(app, 'otto');
      clock = new Date(start.getTime() + 2 * DAY);
      const used = await me.call('GET', '/api/session');
      expect(used.json().user.name).toBe('otto');
      const renewed = used.cookies.find((x) => x.name === 'chorus_session')!;
      expect(new Date(renewed.expires!).getTime()).toBe(clock.getTime() + 3 * DAY);
      clock = new Date(start.getTime() + 4 * DAY);
      expect((await me.call('GET', '/api/sheets')).statusCode).toBe(200);
      clock = new Date(start.getTime() + 4 * DAY + 3 * DAY + 1000);
      const late = await me.call('GET', '/api/sheets');
      expect(late.statusCode).toBe(401);
      expect(late.json().error.message).toBe('Your session has ended; sign in again.');
      expect((await me.call('GET', '/api/session')).json().user).toBeNull();
    });

    it('ends 7 days after sign-in however often it is used (absolute lifetime)', async () => {
      const start = clock;
      const me = await signIn(app, 'otto');
      for (let day = 1; day <= 6; day++) {
        clock = new Date(start.getTime() + day * DAY);
        const r = await me.call('GET', '/api/session');
        expect(r.json().user?.name).toBe('otto');
        const c = r.cookies.find((x) => x.name === 'chorus_session');
        // Never promised past the seventh day.
        if (c) expect(new Date(c.expires!).getTime()).toBeLessThanOrEqual(start.getTime() + 7 * DAY);
      }
      clock = new Date(start.getTime() + 7 * DAY + 1000);
      expect((await me.call('GET', '/api/sheets')).statusCode).toBe(401);
    });

    it('ends a session stored before the absolute limit existed (30 days to run) once it is 7 days old', async () => {
      const start = clock;
      const me = await signIn(app, 'otto');
      await store.db.updateTable('sessions').set({ expires_at: new Date(start.getTime() + 30 * DAY) }).where('csrf_token', '=', me.csrf!).execute();
      clock = new Date(start.getTime() + 7 * DAY + 1000);
      expect((await me.call('GET', '/api/sheets')).statusCode).toBe(401);
    });

    it('signs out: the session is deleted on the server and the cookie cleared', async () => {
      const me = await signIn(app, 'otto');
      const out = await me.call('POST', '/api/logout');
      expect(out.statusCode).toBe(200);
      const cleared = out.cookies.find((x) => x.name === 'chorus_session')!;
      expect(new Date(cleared.expires!).getTime()).toBeLessThanOrEqual(Date.now());
      expect((await me.call('GET', '/api/sheets')).statusCode).toBe(401);
      expect(await store.db.selectFrom('sessions').select('id').where('csrf_token', '=', me.csrf!).execute()).toEqual([]);
    });

    it('ends every session of a user who is disabled', async () => {
      const owner = await signIn(app, 'olga');
      const me = await signIn(app, 'otto');
      const id = (await owner.call('GET', '/api/users')).json().users.find((u: { name: string }) => u.name === 'otto').id;
      expect((await owner.call('PATCH', `/api/users/${id}`, { disabled: true })).statusCode).toBe(200);
      expect((await me.call('GET', '/api/sheets')).statusCode).toBe(401);
      const again = await login('otto', PASSWORD);
      expect(again.statusCode).toBe(403);
      expect(again.json().error.code).toBe('account_disabled');
      expect((await owner.call('PATCH', `/api/users/${id}`, { disabled: false })).statusCode).toBe(200);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie-authenticated change without the token or with a wrong one, and accepts the right one', async () => {
      const me = await signIn(app, 'otto');
      const body = { yaml: 'sop: x\n' };
      const missing = await app.inject({ method: 'POST', url: '/api/lint', cookies: { chorus_session: me.cookie! }, payload: body });
      expect(missing.statusCode).toBe(403);
      expect(missing.json().error.code).toBe('csrf');
      const wrong = await me.call('POST', '/api/lint', body, { 'x-csrf-token': 'x'.repeat(me.csrf!.length) });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().error.code).toBe('csrf');
      expect((await me.call('POST', '/api/lint', body)).statusCode).toBe(200);
      // Reading needs no token.
      expect((await app.inject({ method: 'GET', url: '/api/sheets', cookies: { chorus_session: me.cookie! } })).statusCode).toBe(200);
    });

    it('does not stand in the way of signing in again with a session cookie but no token', async () => {
      const me = await signIn(app, 'otto');
      const r = await app.inject({ method: 'POST', url: '/api/login', cookies: { chorus_session: me.cookie! }, payload: { name: 'olga', password: PASSWORD } });
      expect(r.statusCode).toBe(200);
      expect(r.json().user.name).toBe('olga');
    });

    it('does not ask bearer-token requests for one', async () => {
      const me = await signIn(app, 'otto');
      const made = await me.call('POST', '/api/tokens', { name: 'script' });
      const r = await app.inject({ method: 'POST', url: '/api/lint', headers: { authorization: `Bearer ${made.json().token}` }, payload: { yaml: 'sop: x\n' } });
      expect(r.statusCode).toBe(200);
    });
  });

  describe('sign-in throttling', () => {
    it('refuses the guessing address after 5 failures for a name (429 with retryAfterSeconds), even with the right password', async () => {
      clock = new Date('2026-06-01T10:00:00Z');
      await makeUser(store.db, 'tina', 'viewer');
      for (let i = 0; i < 5; i++) {
        const r = await login('tina', `wrong-${i}`, '10.1.0.66');
        expect(r.statusCode).toBe(401);
        expect(r.json().error).toMatchObject({ code: 'bad_credentials', message: 'The name or the password is wrong.' });
        clock = new Date(clock.getTime() + 60_000);
      }
      const blocked = await login('tina', PASSWORD, '10.1.0.66');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error.code).toBe('too_many_attempts');
      // The first failure (5 minutes ago) leaves the 15-minute window in 10 minutes.
      expect(blocked.json().error.retryAfterSeconds).toBe(600);
      expect(blocked.headers['retry-after']).toBe('600');
      expect(blocked.json().error.message).toBe('Too many failed sign-ins; try again in 10 minutes.');
      // Letter case and spaces do not make another name.
      expect((await login(' TINA ', PASSWORD, '10.1.0.66')).statusCode).toBe(429);
    });

    it('does not lock the owner out: from another address the right password gets in, only slowed down', async () => {
      slept.length = 0;
      const r = await login('tina', PASSWORD, '10.1.0.7');
      expect(r.statusCode).toBe(200);
      // Five failures at the name from anywhere: the answer was held half a second.
      expect(slept).toEqual([500]);
    });

    it('slows down guessing from many addresses, doubling per failure, but never refuses the name', async () => {
      clock = new Date('2026-06-02T10:00:00Z');
      await makeUser(store.db, 'uma', 'viewer');
      slept.length = 0;
      for (let i = 0; i < 9; i++) expect((await login('uma', 'wrong', `10.4.0.${i}`)).statusCode).toBe(401);
      expect(slept).toEqual([500, 1000, 2000, 4000]);
      slept.length = 0;
      expect((await login('uma', PASSWORD, '10.4.1.1')).statusCode).toBe(200);
      expect(slept).toEqual([8000]);
    });

    it('lets the name in again once the window has passed, and a success clears its failures', async () => {
      clock = new Date('2026-06-01T10:15:01Z');
      expect((await login('tina', PASSWORD, '10.1.0.66')).statusCode).toBe(200);
      for (let i = 0; i < 4; i++) expect((await login('tina', 'wrong', '10.2.0.1')).statusCode).toBe(401);
      expect((await login('tina', PASSWORD, '10.2.0.1')).statusCode).toBe(200);
      // The count started again: four more failures are still allowed.
      for (let i = 0; i < 4; i++) expect((await login('tina', 'wrong', '10.2.0.2')).statusCode).toBe(401);
      expect((await login('tina', PASSWORD, '10.2.0.2')).statusCode).toBe(200);
    });

    it('limits one address guessing many names (20 in 15 minutes), unknown names included', async () => {
      clock = new Date('2026-07-01T10:00:00Z');
      for (let i = 0; i < 20; i++) expect((await login(`nobody-${i}`, 'guess', '10.9.9.9')).statusCode).toBe(401);
      const r = await login('otto', PASSWORD, '10.9.9.9');
      expect(r.statusCode).toBe(429);
      expect(r.json().error.retryAfterSeconds).toBe(15 * 60);
      expect((await login('otto', PASSWORD, '10.9.9.10')).statusCode).toBe(200);
    });

    it('takes about as long for an unknown name as for a wrong password', async () => {
      clock = new Date('2026-08-01T10:00:00Z');
      const time = async (name: string, ip: string) => {
        const t = performance.now();
        expect((await login(name, 'not the password', ip)).statusCode).toBe(401);
        return performance.now() - t;
      };
      await time('otto', '10.3.0.0');
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        known.push(await time('olga', `10.3.1.${i}`));
        unknown.push(await time(`ghost-${i}`, `10.3.2.${i}`));
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // Both run one argon2 verification; without the dummy hash an unknown name answers in ~1 ms.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    });
  });
});
