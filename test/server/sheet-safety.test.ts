// One request must not take the server down: lint, plan and import run in worker threads, so the
// health endpoint keeps answering while the largest allowed sheet is checked; bodies, sheets and
// workbooks have caps with plain errors; deep YAML and prototype names are ordinary errors.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { SheetPool, SheetWorkTimeout } from '../../src/server/sheet-work/pool.ts';
import { TASKS } from '../../src/server/sheet-work/tasks.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { lintText } from '../../src/sop/lint/index.ts';
import { largestSheet } from '../support/big-sheet.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

const SMALL = `sop: small
title: Small
community: fans
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: D0 10:00
    do: post
    text: "Hello {{ group.name }}"
`;

describe(`sheet engine safety over HTTP on ${engine}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  const auth = () => ({ authorization: `Bearer ${token}` });
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: auth(), payload: payload as object });

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-sheet-'));
    token = await ensureAdminToken(store.db, dataDir);
    app = await buildApp({ store, dataDir, consoleDir: false });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // Start the worker thread (its first start loads the TypeScript sources).
    expect((await post('/api/lint', { yaml: SMALL })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('answers health within 100 ms while the largest allowed sheet is linted, and the lint is the in-process one', async () => {
    const yaml = largestSheet();
    const lint = () =>
      fetch(`${base}/api/lint`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ yaml, file: 'largest.yaml' }) }).then(
        async (r) => ({ status: r.status, body: await r.json() }),
      );
    let busy = true;
    const lints = Promise.all([lint(), lint()]).finally(() => {
      busy = false;
    });
    const latencies: number[] = [];
    while (busy) {
      const t = performance.now();
      const r = await fetch(`${base}/api/health`);
      await r.json();
      if (busy) latencies.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [a, b] = await lints;
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(a.body).toEqual(JSON.parse(JSON.stringify(lintText(yaml, 'largest.yaml'))));
    // Linting two such sheets takes the worker about a second; the event loop stays free. Before the
    // pool, each lint held the loop for half a second and a health call waited for it.
    latencies.sort((x, y) => x - y);
    expect(latencies.length).toBeGreaterThanOrEqual(5);
    const p90 = latencies[Math.floor(latencies.length * 0.9)];
    expect(p90, `health latencies: ${latencies.map(Math.round).join(', ')} ms`).toBeLessThan(100);
  });

  it('refuses a body over the limit with 413 too_large in plain words; the upload route has its own', async () => {
    const big = await post('/api/lint', { yaml: 'x'.repeat(3 * 1024 * 1024) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toEqual({
      code: 'too_large',
      message: 'The request is too large: this endpoint takes at most 2 MB. A sheet may be at most 512 KB, a spreadsheet to import at most 5 MB.',
    });
    // 3 MB of CSV is past the JSON limit but within the upload's: the import's own cap answers.
    const csv = Buffer.from(`Day,Time,Action,Content\n${'D1,07:00,post,x\n'.repeat(200_000)}`).toString('base64');
    const r = await post('/api/import', { fileName: 'big.csv', contentBase64: csv });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.problems[0].message).toMatch(/; a CSV file to import may be at most 2 MB$/);
    const huge = await post('/api/import', { fileName: 'huge.csv', contentBase64: 'A'.repeat(8 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.message).toMatch(/^The request is too large: this endpoint takes at most 6.7 MB\./);
  });

  it('a sheet over the step cap is a parse finding on lint and 422 on plan and save, with its position', async () => {
    const steps = Array.from({ length: 1001 }, (_, i) => `  - { id: s${i}, at: D1 10:00, do: post, text: x }`).join('\n');
    const yaml = `${SMALL.split('steps:')[0]}steps:\n${steps}\n`;
    const lint = (await post('/api/lint', { yaml })).json();
    expect(lint.parsed).toBe(false);
    expect(lint.findings).toEqual([expect.objectContaining({ rule: 'parse', line: 1007, column: 5, message: expect.stringMatching(/^the sheet has 1,001 steps; a sheet holds at most 1,000/) })]);
    for (const [url, payload] of [
      ['/api/plan', { yaml, anchor: '2026-12-01T20:00' }],
      ['/api/sheets', { yaml }],
    ] as const) {
      const r = await post(url, payload);
      expect(r.statusCode).toBe(422);
      expect(r.json().error).toMatchObject({ code: 'invalid_sheet', problems: [{ line: 1007, column: 5, path: 'steps.1000' }] });
    }
    expect((await app.inject({ method: 'GET', url: '/api/sheets', headers: auth() })).json().sheets).toEqual([]);
  });

  it('deep YAML is 422 with the position on plan and save, a parse finding on lint', async () => {
    const yaml = `${SMALL}lint: ${'{a: '.repeat(2000)}1${'}'.repeat(2000)}\n`;
    const lint = (await post('/api/lint', { yaml })).json();
    expect(lint).toMatchObject({ parsed: false, findings: [{ rule: 'parse', line: 11, message: expect.stringContaining('nested more than 32 levels') }] });
    for (const [url, payload] of [
      ['/api/plan', { yaml, anchor: '2026-12-01T20:00' }],
      ['/api/sheets', { yaml }],
    ] as const) {
      const r = await post(url, payload);
      expect(r.statusCode).toBe(422);
      expect(r.json().error.problems).toEqual([expect.objectContaining({ line: 11, column: expect.any(Number) })]);
    }
  });

  it('prototype names: `by: constructor` is 422 invalid_sheet, `{{ constructor }}` is 422 plan_failed, both with where', async () => {
    const by = await post('/api/plan', { yaml: `${SMALL}    by: constructor\n`, anchor: '2026-12-01T20:00' });
    expect(by.statusCode).toBe(422);
    expect(by.json().error).toMatchObject({ code: 'invalid_sheet', problems: [{ line: 11, column: 9, path: 'steps.0.by' }] });
    const text = await post('/api/plan', { yaml: SMALL.replace('{{ group.name }}', '{{ constructor }}'), anchor: '2026-12-01T20:00' });
    expect(text.statusCode).toBe(422);
    expect(text.json().error).toMatchObject({ code: 'plan_failed', problems: [{ step: 'hello', message: expect.stringContaining('`{{ constructor }}` is not a variable with a value') }] });
    expect(text.body).not.toContain('native code');
    const group = await post('/api/plan', { yaml: SMALL.replace('{{ group.name }}', '{{ group.toString }}'), anchor: '2026-12-01T20:00', groups: [{ id: 'g', name: 'G' }] });
    expect(group.statusCode).toBe(422);
    expect(group.body).not.toContain('native code');
  });

  it('a preview of more than 20,000 actions is refused before it is made', async () => {
    const yaml = SMALL.replace('    at: D0 10:00\n', '    every: day\n    from: D0\n    until: D999\n    at: "10:00"\n');
    const groups = Array.from({ length: 30 }, (_, i) => ({ id: `g${i}`, name: `G${i}` }));
    const r = await post('/api/plan', { yaml, anchor: '2026-12-01T20:00', groups });
    expect(r.statusCode).toBe(422);
    expect(r.json().error).toEqual({
      code: 'preview_too_large',
      message: 'This preview would hold 30,000 actions (1,000 per group × 30 groups); a preview shows at most 20,000. Preview fewer groups.',
    });
    const one = await post('/api/plan', { yaml, anchor: '2026-12-01T20:00', groups: groups.slice(0, 20) });
    expect(one.json().count).toBe(20_000);
  });

  it('a zip bomb on POST /api/import is 422 import_failed, not a huge answer', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<Types/>');
    zip.file('xl/worksheets/sheet1.xml', `<worksheet><sheetData>${'<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(300_000)}</sheetData></worksheet>`);
    const data = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(data.length).toBeLessThan(1024 * 1024);
    const r = await post('/api/import', { fileName: 'bomb.xlsx', contentBase64: data.toString('base64') });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('import_failed');
    expect(r.json().error.problems[0].message).toMatch(/^the workbook holds 11(\.\d)? MB of sheet data; a workbook may unpack to at most 8 MB of sheet data/);
    expect(r.body.length).toBeLessThan(2000);
  });
});

describe('the sheet worker pool', () => {
  const pool = new SheetPool(1);
  afterAll(() => pool.close());

  it('gives the in-process answers, errors included', async () => {
    {
      const plan = { yaml: SMALL, file: 's.yaml', anchor: '2026-12-01T20:00', groups: [{ id: 'g1', name: 'One' }] };
      expect(await pool.run('plan', plan)).toEqual(JSON.parse(JSON.stringify(TASKS.plan(plan))));
      expect(await pool.run('lint', { yaml: SMALL, file: 's.yaml' })).toEqual(TASKS.lint({ yaml: SMALL, file: 's.yaml' }));
      await expect(pool.run('plan', { ...plan, yaml: 'sop: [' })).rejects.toMatchObject({ name: 'SheetError', problems: [expect.objectContaining({ line: 1 })] });
      await expect(pool.run('plan', { ...plan, yaml: SMALL.replace('group.name', 'course') })).rejects.toMatchObject({ name: 'PlanError' });
    }
  });

  it('a thread that cannot start fails the waiting tasks instead of restarting in a loop', async () => {
    const broken = new SheetPool(1, 1000, new URL('./no-such-entry.mjs', import.meta.url));
    try {
      const tasks = [broken.run('lint', { yaml: SMALL, file: 'a.yaml' }), broken.run('lint', { yaml: SMALL, file: 'b.yaml' })];
      for (const t of tasks) await expect(t).rejects.toThrow();
      await expect(broken.run('lint', { yaml: SMALL, file: 'c.yaml' })).rejects.toThrow();
    } finally {
      await broken.close();
    }
  });

  it('stops a task past its time limit and keeps serving with a fresh thread', async () => {
    {
      const yaml = largestSheet();
      await pool.run('lint', { yaml: SMALL, file: 'warm.yaml' });
      await expect(pool.run('lint', { yaml, file: 'slow.yaml' }, { timeLimitMs: 1 })).rejects.toBeInstanceOf(SheetWorkTimeout);
      expect((await pool.run('lint', { yaml: SMALL, file: 'after.yaml' })).parsed).toBe(true);
    }
  });
});
