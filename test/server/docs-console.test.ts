// The OpenAPI document lists every registered route with its permission and schemas; the docs
// page works offline; the console is served from its build folder with an SPA fallback, and
// without a build `/` says how to make one.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { openApiPath } from '../../src/server/openapi.ts';
import { routeTable } from '../../src/server/registry.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

describe(`API documentation and the console on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let bare: FastifyInstance;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-docs-'));
    const dist = mkdtempSync(join(tmpdir(), 'chorus-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Chorus console</title><div id="root"></div>');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log("chorus")');
    app = await buildApp({ store, dataDir, consoleDir: dist });
    bare = await buildApp({ store, dataDir, consoleDir: join(dist, 'missing') });
  });
  afterAll(async () => {
    await app.close();
    await bare.close();
    await store.drop();
  });

  it('lists every registered route in the OpenAPI document, with permission and schemas', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const routes = routeTable(app);
    expect(listed.sort()).toEqual(routes.map((x) => `${x.method} ${openApiPath(x.path)}`).sort());
    for (const x of routes) {
      const op = doc.paths[openApiPath(x.path)][x.method.toLowerCase()];
      expect(op['x-permission']).toBe(x.permission);
      expect(op.summary).toBe(x.summary);
    }
    const login = doc.paths['/api/login'].post;
    expect(login.security).toEqual([]);
    expect(login.responses['429']).toBeDefined();
    expect(login.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['name', 'password'], additionalProperties: false });
    const board = doc.paths['/api/runs/{id}/board'].get;
    expect(board['x-leader-scoped']).toBe(true);
    expect(board.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
      { name: 'attention', in: 'query', required: false, schema: { type: 'string', enum: ['0', '1', 'true', 'false'] } },
    ]);
    // A query with a transform (tasks' comma-separated states) is documented by its input.
    expect(doc.paths['/api/tasks'].get.parameters.find((p: { name: string }) => p.name === 'state').schema).toMatchObject({ type: 'string' });
  });

  it('serves a readable docs page without outside assets', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<code>/api/runs/{id}/board</code>');
    expect(r.body).toContain('permission: <b>users.manage</b>');
    expect(r.body).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });

  it('serves the console build, and index.html for the console’s own paths', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('Chorus console');
    const asset = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("chorus")');
    for (const path of ['/runs/run_1a2b', '/tasks', '/sheets/camp-7d/edit?x=1']) {
      const r = await app.inject({ method: 'GET', url: path });
      expect(r.statusCode, path).toBe(200);
      expect(r.body, path).toContain('Chorus console');
    }
    // Not the console's: unknown API paths, webhooks, missing assets, other methods.
    const api = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('not_found');
    expect((await app.inject({ method: 'GET', url: '/assets/gone-9.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/runs' })).statusCode).toBe(404);
  });

  it('says how to build the console when there is no build', async () => {
    const r = await bare.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build:web');
    expect((await bare.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({ ok: true, engine });
  });
});
