// Item 10 of issue 7: security headers on every answer (API, docs, console, errors), with HSTS and
// upgrade-insecure-requests only when the public URL is https.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

describe(`security headers, on ${engine}`, () => {
  let store: TestStore;
  let plain: FastifyInstance;
  let https: FastifyInstance;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-headers-'));
    plain = await buildApp({ store, dataDir, consoleDir: false });
    https = await buildApp({ store, dataDir, consoleDir: false, publicUrl: new URL('https://chorus.example.com') });
  });
  afterAll(async () => {
    await plain.close();
    await https.close();
    await store.drop();
  });

  it('sends CSP with frame-ancestors none, nosniff, DENY framing and no referrer, on answers and errors alike', async () => {
    for (const url of ['/api/health', '/api/docs', '/', '/api/nope', '/api/sheets']) {
      const r = await plain.inject({ method: 'GET', url });
      const csp = String(r.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('adds HSTS and upgrade-insecure-requests when the public URL is https', async () => {
    const r = await https.inject({ method: 'GET', url: '/api/health' });
    expect(r.headers['strict-transport-security']).toBe('max-age=15552000');
    expect(String(r.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });
});
