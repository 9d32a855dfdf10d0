// How the console reaches a phone (issue 7 item 29): the build's compressed copies go to browsers
// that accept them, hashed assets are cached for a year, index.html is always revalidated,
// `/leader` gets the page that preloads the leader's tasks, and API answers are compressed too.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { cacheControlFor } from '../../src/server/console.ts';
import { ensureAdminToken, readAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const SCRIPT = `console.log(${JSON.stringify('chorus '.repeat(400))})`;

describe(`serving the console to slow phones (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-delivery-'));
    const dist = mkdtempSync(join(tmpdir(), 'chorus-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Chorus console</title>');
    writeFileSync(join(dist, 'leader.html'), '<!doctype html><title>Chorus leader</title>');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'app-1234.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'app-1234.js.br'), brotliCompressSync(SCRIPT));
    writeFileSync(join(dist, 'assets', 'app-1234.js.gz'), gzipSync(SCRIPT));
    await ensureAdminToken(store.db, dataDir);
    token = readAdminToken(dataDir)!;
    app = await buildApp({ store, dataDir, consoleDir: dist });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('sends the brotli copy, else the gzip copy, else the file, and lets browsers keep it a year', async () => {
    const br = await app.inject({ method: 'GET', url: '/assets/app-1234.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

    const gz = await app.inject({ method: 'GET', url: '/assets/app-1234.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(SCRIPT);

    const plain = await app.inject({ method: 'GET', url: '/assets/app-1234.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it('has every page revalidate index.html, and gives /leader the page that preloads its tasks', async () => {
    for (const url of ['/', '/runs/run_1', '/index.html']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['cache-control'], url).toBe('no-cache');
      expect(r.body, url).toContain('Chorus console');
    }
    const leader = await app.inject({ method: 'GET', url: '/leader?assignee=x' });
    expect(leader.headers['cache-control']).toBe('no-cache');
    expect(leader.body).toContain('Chorus leader');
    expect(cacheControlFor('assets/x-1.css')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('leader.html')).toBe('no-cache');
  });

  it('compresses API answers for clients that accept it', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'br' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(r.rawPayload).toString()).openapi).toBeDefined();
  });
});
