// The server's log (pino through Fastify): a 5xx is written with its stack, one line per request at
// debug, and no secret — bearer tokens, cookies, Telegram's secret header, bot tokens in URLs,
// passwords in bodies, credentials in database URLs — ever reaches it.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createLogger, logLevel, logUrl, scrub } from '../../src/server/logger.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const SECRETS = {
  bearer: 'chorus_3f9a1c7e5b2d4a6c8e0f1a2b3c4d5e6f',
  password: 'correct horse battery staple 42',
  cookie: 'chorus_session=s3ss10n-c00k13-v4lu3',
  telegramSecret: 'tg-webhook-secret-9f8e7d6c5b4a',
  botToken: '7048416480:AAgeTj0e1Ol2BGqP8mi3qEMFEmOMHnDf0u',
  dbPassword: 'pg-pa55w0rd-xyz',
  queryToken: 'q-t0k3n-abcdef123456',
};

describe(`the server log on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];
  let raw = '';

  beforeAll(async () => {
    store = await testStore();
    const logger = createLogger({
      level: 'debug',
      destination: {
        write(s: string) {
          raw += s;
          for (const l of s.split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        },
      },
    });
    app = await buildApp({ store, dataDir: mkdtempSync(join(tmpdir(), 'chorus-log-')), consoleDir: false }, { logger });
    // A handler that fails the way a library does: an unexpected error whose message quotes a URL.
    app.get('/test/boom', async () => {
      throw new Error(`connect ECONNREFUSED https://api.telegram.org/bot${SECRETS.botToken}/sendMessage via postgres://chorus:${SECRETS.dbPassword}@db:5432/chorus`);
    });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('logs a 5xx at error with its stack, and the answer points there', async () => {
    const r = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(r.statusCode).toBe(500);
    expect(r.json().error.message).toMatch(/details are in its log/);
    const entry = lines.find((l) => l.msg === 'request failed with 500');
    expect(entry, raw).toBeDefined();
    expect(entry!.level).toBe(50);
    const err = entry!.err as { stack: string; message: string };
    expect(err.stack).toMatch(/logging\.test\.ts/);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('writes one line per request at debug and leaks no secret', async () => {
    const before = lines.filter((l) => l.msg === 'request').length;
    await app.inject({ method: 'GET', url: '/api/channels', headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: SECRETS.cookie } });
    await app.inject({ method: 'POST', url: '/api/login', payload: { name: 'owner', password: SECRETS.password } });
    await app.inject({ method: 'POST', url: '/webhooks/telegram/ch_nothere', headers: { 'x-telegram-bot-api-secret-token': SECRETS.telegramSecret }, payload: {} });
    await app.inject({ method: 'GET', url: `/api/health?token=${SECRETS.queryToken}` });
    await app.inject({ method: 'GET', url: `/bot${SECRETS.botToken}/getMe` });
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length - before).toBe(5);
    expect(requests.some((l) => l.url === '/api/health?token=…' && l.status === 200)).toBe(true);
    for (const [name, secret] of Object.entries(SECRETS)) expect(raw.includes(secret), `${name} leaked into the log:\n${raw}`).toBe(false);
  });

  it('scrubs secrets from any text and takes its level from the flag or CHORUS_LOG_LEVEL', () => {
    expect(scrub(`{"password":"${SECRETS.password}","name":"a"}`)).toBe('{"password":"[redacted]","name":"a"}');
    expect(scrub(`Authorization: Bearer ${SECRETS.bearer}`)).not.toContain(SECRETS.bearer);
    expect(logUrl(`/bot${SECRETS.botToken}/getUpdates?offset=3`)).toBe('/bot[redacted]/getUpdates?offset=…');
    expect(logLevel(undefined, {})).toBe('info');
    expect(logLevel(undefined, { CHORUS_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevel('warn', { CHORUS_LOG_LEVEL: 'debug' })).toBe('warn');
    expect(() => logLevel('loud', {})).toThrow(/not a log level/);
  });
});
