// Item 10 of issue 7: links in sheets and broadcasts are http/https only. A sheet with another
// scheme is an ordinary error with its position; a {{ placeholder }} link that a variable turns
// into another scheme refuses the run; a broadcast's link is a 400 naming the field.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { SheetError } from '../../src/sop/errors.ts';
import { isWebLink } from '../../src/sop/links.ts';
import { parseSheet } from '../../src/sop/parse.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const sheet = (link: string) => `sop: link-check
title: Link check
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
vars:
  offer: { required: true }
steps:
  - id: offer
    at: T+1d
    do: post
    text: Our offer
    link: "${link}"
`;

function problems(text: string) {
  try {
    parseSheet(text, 'links.yaml');
    return [];
  } catch (e) {
    if (e instanceof SheetError) return e.problems;
    throw e;
  }
}

describe('links in sheets (parse)', () => {
  it('takes http and https links and placeholders', () => {
    for (const ok of ['https://shop.example.com/x', 'http://example.com', '{{ offer }}', 'https://example.com/{{ offer }}']) expect(problems(sheet(ok)), ok).toEqual([]);
    expect(isWebLink('https://shop.example.com/a?b=1')).toBe(true);
    expect(isWebLink('https://')).toBe(false);
  });

  it('refuses javascript:, data: and other schemes with the line and column of the link', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,<b>hi</b>', 'ftp://example.com/x', 'www.example.com', 'JavaScript:alert(1)']) {
      const [p, ...rest] = problems(sheet(bad));
      expect(rest, bad).toEqual([]);
      expect(p, bad).toMatchObject({ file: 'links.yaml', line: 13, column: 11 });
      expect(p.message).toContain('a link must start with http:// or https://');
    }
  });
});

describe(`links at run start and in broadcasts, on ${engine}`, () => {
  let w: World;
  let app: FastifyInstance;
  let token: string;
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });

  beforeAll(async () => {
    w = await sandboxWorld(1);
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-links-'));
    token = await ensureAdminToken(w.store.db, dataDir);
    app = await buildApp({ store: w.store, dataDir, box: secretBox(TEST_KEY), connectors: w.connectors, consoleDir: false });
  });
  afterAll(async () => {
    await app.close();
    await w.close();
  });

  it('a placeholder link filled with javascript: refuses the preview and the run', async () => {
    const body = { sheet: sheet('{{ offer }}'), groups: 'all', anchor: new Date().toISOString(), vars: { offer: 'javascript:alert(1)' } };
    for (const url of ['/api/runs/preview', '/api/runs']) {
      const r = await post(url, body);
      expect(r.statusCode, url).toBe(422);
      expect(r.json().error.code).toBe('invalid_link');
      expect(r.json().error.message).toContain('Step "offer"');
    }
    expect(await w.store.db.selectFrom('runs').select('id').execute()).toEqual([]);
    const ok = await post('/api/runs/preview', { ...body, vars: { offer: 'https://shop.example.com/x' } });
    expect(ok.statusCode).toBe(200);
  });

  it('a broadcast link that is not http(s) is a 400 naming the field', async () => {
    for (const link of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://example.com']) {
      const r = await post('/api/broadcasts/preview', { text: 'Tonight', link, groups: 'all' });
      expect(r.statusCode, link).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'invalid_request', field: 'link', reason: 'should be an http:// or https:// link' });
    }
    expect((await post('/api/broadcasts/preview', { text: 'Tonight', link: 'https://example.com/live', groups: 'all' })).statusCode).toBe(200);
  });
});
