import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRowError, type ImportResult, importSpreadsheet } from '../../src/sop/import/index.ts';
import { plan } from '../../src/sop/plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'chorus-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the workbook to a real .xlsx file and reads its bytes back, as the CLI does. */
async function save(book: ExcelJS.Workbook, name: string): Promise<Uint8Array> {
  const path = join(dir, name);
  await book.xlsx.writeFile(path);
  return readFileSync(path);
}

const time = (h: number, m: number) => new Date(Date.UTC(1899, 11, 30, h, m));
const date = (y: number, mo: number, d: number) => new Date(Date.UTC(y, mo - 1, d));

function ok(r: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!r.ok) throw new Error(`import failed:\n${r.errors.map((e) => formatRowError('sheet.xlsx', e)).join('\n')}`);
  return r;
}

/** A Chinese sheet as operators make them: a merged title, key rows, then the table at row 5. */
async function chineseCamp(): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('SOP');
  ws.addRow(['7天读书训练营 SOP']);
  ws.mergeCells('A1:G1');
  ws.addRow(['社群类型：训练营']);
  ws.addRow(['开营日期', date(2026, 12, 1)]);
  ws.getCell('B3').numFmt = 'yyyy-mm-dd';
  ws.addRow(['日期', '时间', '动作类型', '话术', '负责人', '类型', '链接']);
  ws.addRow([date(2026, 11, 29), time(10, 0), '私聊', '你好，训练营两天后开营。\n回复1领取座位。', '机器人', '通知']);
  ws.addRow([date(2026, 11, 30), time(9, 0), '建群', '读书营·{{ group.index }}班', '群主']);
  ws.addRow([null, time(9, 30), '群公告', '群规：友善交流，禁止广告。', '群主', '群规']);
  ws.mergeCells('A6:A7');
  ws.addRow([]);
  ws.addRow(['第1-6天', time(7, 0), '打卡', '今天读了几页？', '助教', '任务']);
  ws.addRow([date(2026, 12, 7), time(20, 0), '群发', '结营福利', '班主任', '转化', { text: '点击报名', hyperlink: 'https://shop.example/camp' }]);
  for (const cell of ['A5', 'A6', 'A10']) ws.getCell(cell).numFmt = 'yyyy-mm-dd';
  for (const row of [5, 6, 7, 9, 10]) ws.getCell(`B${row}`).numFmt = 'hh:mm';
  return save(book, 'camp-zh.xlsx');
}

describe('importing an XLSX sheet', () => {
  it('finds the header under title rows and reads key rows above it', async () => {
    const r = ok(await importSpreadsheet(await chineseCamp(), '读书营.xlsx'));
    const { sheet } = r.sheet;
    expect(sheet.title).toBe('7天读书训练营 SOP');
    expect(sheet.community).toBe('training_camp');
    expect(sheet.sop).toBe('sheet');
    expect(r.notes.join('\n')).toContain('steps were read from the worksheet SOP, header on row 4');
    expect(r.notes.join('\n')).toContain('dates were counted from the anchor date 2026-12-01 (D0)');
  });

  it('reads Excel date and time cells, merged Day cells, Chinese words and hyperlinks', async () => {
    const r = ok(await importSpreadsheet(await chineseCamp(), 'camp.xlsx'));
    const steps = r.sheet.sheet.steps;
    expect(steps.map((s) => [s.do, s.by, s.kind ?? null, s.when])).toEqual([
      ['notify', 'bot', 'info', { kind: 'day', day: -2, minute: 600 }],
      ['create_group', 'owner', null, { kind: 'day', day: -1, minute: 540 }],
      ['announce', 'owner', 'rules', { kind: 'day', day: -1, minute: 570 }],
      ['checkin', 'assistant', 'task', { kind: 'every', days: 'day', from: 1, until: 6, minute: 420 }],
      ['post', 'leader', 'conversion', { kind: 'day', day: 6, minute: 1200 }],
    ]);
    expect(steps[0].text).toBe('你好，训练营两天后开营。\n回复1领取座位。');
    expect(steps[1].name).toBe('读书营·{{ group.index }}班');
    expect(steps[4].link).toBe('https://shop.example/camp');
    expect(r.yaml).toContain('# row 10');
  });

  it('plans the imported sheet: 4 single steps and 6 check-ins per group', async () => {
    const r = ok(await importSpreadsheet(await chineseCamp(), 'camp.xlsx'));
    const groups = [1, 2, 3].map((i) => ({ id: `g${i}`, name: `读书营${i}班` }));
    const actions = plan({ sheet: r.sheet.sheet, anchor: new Date('2026-12-01T12:00:00Z'), groups });
    expect(actions).toHaveLength(30);
    expect(actions.filter((a) => a.action === 'checkin' && a.group === 'g2')).toHaveLength(6);
    expect(actions.find((a) => a.action === 'create_group' && a.group === 'g3')?.due).toBe('2026-11-30T01:00:00.000Z');
  });

  it('reports bad rows with the row number Excel shows, counting the title rows', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Sheet1');
    ws.addRow(['Launch SOP']);
    ws.addRow([]);
    ws.addRow(['Day', 'Time', 'Action', 'Content', 'Owner']);
    ws.addRow(['D1', time(7, 0), 'post', 'ok', 'bot']);
    ws.addRow(['D1', time(8, 0), 'shout', 'loud', 'bot']);
    ws.addRow(['D2', 'noon-ish', 'post', 'x', 'bot']);
    ws.addRow(['D3', time(9, 0), 'announce', null, 'owner']);
    ws.getCell('B4').numFmt = 'hh:mm';
    const r = await importSpreadsheet(await save(book, 'bad.xlsx'), 'bad.xlsx');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => formatRowError('bad.xlsx', e))).toEqual([
      expect.stringMatching(/^bad\.xlsx: row 5, column Action: "shout" is not an action I know/),
      expect.stringMatching(/^bad\.xlsx: row 6, column Time: "noon-ish" is not a time of day/),
      expect.stringMatching(/^bad\.xlsx: row 7, column Content: an announcement needs its text/),
    ]);
  });

  it('reads English headers, numeric day cells and a meta worksheet; options win over it', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Steps');
    ws.addRow(['ID', 'Day', 'Time', 'Action', 'Text', 'Executor', 'Type']);
    ws.addRow(['last-notice', -2, '10:00', 'notify', 'Two days to go', 'bot', 'info']);
    ws.addRow([null, 0, '7pm', 'post', 'Welcome aboard', 'leader', 'info']);
    ws.addRow([null, 'D1~D3', '8:00', 'checkin', 'Check in here', 'assistant', 'task']);
    const meta = book.addWorksheet('meta');
    meta.addRow(['sop id', 'launch-3d']);
    meta.addRow(['title', 'Three-day launch']);
    meta.addRow(['community', 'fans']);
    meta.addRow(['timezone', 'Europe/Berlin']);
    meta.addRow(['industry', 'fitness']);
    const data = await save(book, 'launch.xlsx');

    const r = ok(await importSpreadsheet(data, 'launch.xlsx'));
    const { sheet } = r.sheet;
    expect(sheet).toMatchObject({ sop: 'launch-3d', title: 'Three-day launch', community: 'fans', timezone: 'Europe/Berlin', industry: 'fitness' });
    expect(sheet.steps.map((s) => [s.id, s.when])).toEqual([
      ['last-notice', { kind: 'day', day: -2, minute: 600 }],
      ['post-d0-1900', { kind: 'day', day: 0, minute: 1140 }],
      ['checkin-d1-d3-0800', { kind: 'every', days: 'day', from: 1, until: 3, minute: 480 }],
    ]);

    const overridden = ok(await importSpreadsheet(data, 'launch.xlsx', { community: 'local', title: 'Mine' }));
    expect(overridden.sheet.sheet).toMatchObject({ community: 'local', title: 'Mine', sop: 'launch-3d' });
  });

  it('reports a bad value in the meta worksheet', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Steps').addRow(['Day', 'Time', 'Action', 'Content']);
    book.getWorksheet('Steps')?.addRow(['D1', '07:00', 'post', 'hi']);
    book.addWorksheet('设置').addRow(['社群类型', '培训群']);
    const r = await importSpreadsheet(await save(book, 'm.xlsx'), 'm.xlsx');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([{ row: 1, message: expect.stringMatching(/^"培训群" is not a community type I know; .*\(in the worksheet 设置\)$/) }]);
  });
});
