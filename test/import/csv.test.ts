import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatRowError, type ImportResult, importSpreadsheet } from '../../src/sop/import/index.ts';
import { parseSheet } from '../../src/sop/parse.ts';
import { plan } from '../../src/sop/plan.ts';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/import/${name}`, import.meta.url)));
const csv = (text: string) => new TextEncoder().encode(text);

function ok(r: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!r.ok) throw new Error(`import failed:\n${r.errors.map((e) => formatRowError('sheet', e)).join('\n')}`);
  return r;
}
function failed(r: ImportResult): Extract<ImportResult, { ok: false }> {
  if (r.ok) throw new Error(`import should have failed, but produced:\n${r.yaml}`);
  return r;
}

describe('importing an English CSV sheet', () => {
  it('reads every row into a step with its timing, action, owner, kind and content', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-en.csv'), 'camp-en.csv', { community: 'training_camp' }));
    const { sheet } = r.sheet;
    expect(sheet.sop).toBe('camp-en');
    expect(sheet.title).toBe('camp-en');
    expect(sheet.community).toBe('training_camp');
    expect(sheet.timezone).toBe('Asia/Shanghai');
    expect(sheet.steps.map((s) => s.do)).toEqual([
      'notify',
      'create_group',
      'announce',
      'welcome',
      'invite',
      'post',
      'post',
      'post',
      'post',
      'survey',
    ]);
    const [notice, build, rules, , invite, morning, , offer, lastCall, survey] = sheet.steps;
    expect(notice).toMatchObject({ id: 'notify-d-2-1000', when: { kind: 'day', day: -2, minute: 600 }, by: 'bot', kind: 'info' });
    expect(notice.text).toBe('Hi {{ member.name }}, your camp starts in two days.\n\nReply 1 to get your seat.');
    expect(build).toMatchObject({ name: '7-day camp', by: 'owner', when: { kind: 'day', day: -1, minute: 540 } });
    expect(rules).toMatchObject({ do: 'announce', kind: 'rules', text: 'Group rules: be kind; no ads.' });
    expect(invite).toMatchObject({ note: 'open the live code', by: 'leader' });
    expect(morning.when).toEqual({ kind: 'every', days: 'day', from: 1, until: 6, minute: 420 });
    expect(offer).toMatchObject({ kind: 'conversion', link: 'https://shop.example/camp' });
    expect(lastCall.when).toEqual({ kind: 'offset', minutes: -120 });
    expect(survey).toMatchObject({ by: 'assistant', kind: 'feedback', link: 'https://forms.example/s' });
  });

  it('writes YAML a person can read: header first, block text, quoted clock times, row comments', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-en.csv'), 'camp-en.csv'));
    const lines = r.yaml.split('\n');
    expect(lines.findIndex((l) => l.startsWith('sop:'))).toBeLessThan(lines.findIndex((l) => l.startsWith('steps:')));
    expect(r.yaml).toContain('    text: |-\n      Hi {{ member.name }}, your camp starts in two days.\n\n      Reply 1 to get your seat.\n');
    expect(r.yaml).toContain('    at: "07:00"\n');
    expect(r.yaml).toContain('  - id: post-d1-d6-0700 # row 7\n    every: day\n    from: D1\n    until: D6\n');
    // The text is the YAML that was checked: parsing it again gives the same sheet.
    expect(parseSheet(r.yaml).sheet).toEqual(r.sheet.sheet);
  });

  it('tells the caller which defaults it chose', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-en.csv'), 'camp-en.csv'));
    expect(r.sheet.sheet.community).toBe('newcomer');
    expect(r.notes.join('\n')).toMatch(/community type was not given, so it is newcomer/);
    expect(r.notes.join('\n')).toMatch(/sheet id is "camp-en", made from the file name/);
  });

  it('round-trips: the imported sheet plans one action per step occurrence and group', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-en.csv'), 'camp-en.csv', { community: 'training_camp' }));
    const groups = [
      { id: 'g1', name: 'Camp 1' },
      { id: 'g2', name: 'Camp 2' },
    ];
    const actions = plan({ sheet: r.sheet.sheet, anchor: new Date('2026-12-01T12:00:00Z'), groups });
    // 9 single steps + a morning post on D1..D6 = 15 occurrences, for each of 2 groups.
    expect(actions).toHaveLength(30);
    const mornings = actions.filter((a) => a.step === 'post-d1-d6-0700' && a.group === 'g1');
    expect(mornings.map((a) => a.due)).toEqual([
      '2026-12-01T23:00:00.000Z',
      '2026-12-02T23:00:00.000Z',
      '2026-12-03T23:00:00.000Z',
      '2026-12-04T23:00:00.000Z',
      '2026-12-05T23:00:00.000Z',
      '2026-12-06T23:00:00.000Z',
    ]);
    expect(actions.find((a) => a.step === 'post-t-2h')?.due).toBe('2026-12-01T10:00:00.000Z');
  });
});

describe('importing a Chinese CSV sheet', () => {
  it('maps Chinese headers, actions, owners and kinds, and 第N天 / 前N天 / 7点 / 晚上8点', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-zh.csv'), 'camp-zh.csv', { community: 'training_camp' }));
    const steps = r.sheet.sheet.steps;
    expect(steps.map((s) => [s.do, s.by, s.kind ?? null])).toEqual([
      ['notify', 'bot', 'info'],
      ['create_group', 'owner', null],
      ['announce', 'owner', 'rules'],
      ['welcome', 'bot', null],
      ['invite', 'leader', null],
      ['post', 'bot', 'activation'],
      ['post', 'leader', 'warmup'],
      ['post', 'leader', 'conversion'],
      ['survey', 'assistant', 'feedback'],
      ['disband', 'owner', null],
    ]);
    expect(steps[0].when).toEqual({ kind: 'day', day: -2, minute: 600 });
    expect(steps[5].when).toEqual({ kind: 'every', days: 'day', from: 1, until: 6, minute: 420 });
    expect(steps[6].when).toEqual({ kind: 'day', day: 5, minute: 1200 });
    expect(steps[1].name).toBe('7天训练营');
  });

  it('gives rows with an empty Day cell the day above (merged cells) and says so', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-zh.csv'), 'camp-zh.csv'));
    const [, build, rules, welcome, invite] = r.sheet.sheet.steps;
    for (const s of [build, rules, welcome, invite]) expect(s.when).toMatchObject({ kind: 'day', day: -1 });
    expect(r.notes.join('\n')).toContain('take the day of the row above (as a merged cell does): 4–6');
  });

  it('skips blank rows but keeps the spreadsheet row numbers', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-zh.csv'), 'camp-zh.csv'));
    expect(r.sheet.sheet.steps).toHaveLength(10);
    expect(r.yaml).toContain('- id: disband-d8-1000 # row 12');
  });

  it('gives a Chinese file name the id "sheet" and keeps the name as the title', async () => {
    const r = ok(await importSpreadsheet(fixture('camp-zh.csv'), '7天训练营SOP.csv'));
    expect(r.sheet.sheet.sop).toBe('sheet');
    expect(r.sheet.sheet.title).toBe('7天训练营SOP');
  });
});

describe('dates', () => {
  it('reads a GB18030 (Excel on Chinese Windows) CSV with dates, counting from the earliest date', async () => {
    const r = ok(await importSpreadsheet(fixture('dates-gbk.csv'), 'dates.csv'));
    const steps = r.sheet.sheet.steps;
    expect(steps.map((s) => [s.do, s.when])).toEqual([
      ['post', { kind: 'day', day: 2, minute: 1200 }],
      ['checkin', { kind: 'day', day: 3, minute: 420 }],
      ['notify', { kind: 'day', day: 0, minute: 600 }],
    ]);
    expect(r.notes.join('\n')).toContain('counted from 2026-11-29, the earliest date in the sheet, as D0');
  });

  it('counts from the anchor date when one is given', async () => {
    const r = ok(await importSpreadsheet(fixture('dates-gbk.csv'), 'dates.csv', { anchorDate: '2026-12-01' }));
    expect(r.sheet.sheet.steps.map((s) => (s.when.kind === 'day' ? s.when.day : null))).toEqual([0, 1, -2]);
  });

  it('turns a date range with a time into a daily recurrence', async () => {
    const r = ok(
      await importSpreadsheet(csv('Date,Time,Action,Content\n2026-12-01~2026-12-06,07:00,post,早安\n'), 'd.csv', { anchorDate: '2026-11-30' }),
    );
    expect(r.sheet.sheet.steps[0].when).toEqual({ kind: 'every', days: 'day', from: 1, until: 6, minute: 420 });
  });

  it('reports bad options as whole-import errors (row 0)', async () => {
    const r = failed(await importSpreadsheet(fixture('camp-en.csv'), 'camp-en.csv', { sop: 'My Camp', timezone: 'Mars/Base' }));
    expect(r.errors).toEqual([
      { row: 0, message: 'the sheet id "My Camp" may use only lowercase letters a–z, digits and dashes, like camp-7d' },
      { row: 0, message: '"Mars/Base" is not a time zone I know; use an IANA name such as Asia/Shanghai' },
    ]);
  });

  it('rejects an anchor date that is not a date', async () => {
    const r = failed(await importSpreadsheet(fixture('dates-gbk.csv'), 'dates.csv', { anchorDate: 'next monday' }));
    expect(r.errors).toEqual([{ row: 0, message: expect.stringContaining('"next monday" is not a date') }]);
  });
});

describe('rows that cannot be read', () => {
  it('reports every bad row with its spreadsheet row number and column, and produces no YAML', async () => {
    const r = failed(await importSpreadsheet(fixture('bad-rows.csv'), 'bad-rows.csv'));
    expect(r).not.toHaveProperty('yaml');
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'Action'],
      [4, 'Time'],
      [5, 'Content'],
      [6, 'Day'],
      [7, 'Time'],
      [8, 'Owner'],
      [9, 'Kind'],
      [10, 'Time'],
    ]);
    const [action, time, content, day, noTime] = r.errors;
    expect(action.message).toMatch(/^"发朋友圈" is not an action I know; use one of .*post \(群发, 发消息/);
    expect(time.message).toMatch(/"25:00" is not a time of day/);
    expect(content.message).toMatch(/a post needs its text/);
    expect(day.message).toMatch(/"tomorrow" is not a day/);
    expect(noTime.message).toMatch(/D3 has no time of day/);
    expect(r.errors[7].message).toMatch(/needs a time of day/);
  });

  it('formats an error as file, row, column and message', () => {
    expect(formatRowError('sheet.csv', { row: 7, column: '时间', message: '"25:00" is not a time of day' })).toBe(
      'sheet.csv: row 7, column 时间: "25:00" is not a time of day',
    );
    expect(formatRowError('sheet.csv', { row: 0, message: 'the file is empty' })).toBe('sheet.csv: the file is empty');
  });

  it('reports duplicate and malformed step ids from the ID column', async () => {
    const text = 'ID,Day,Time,Action,Content\nhello,D1,07:00,post,a\nhello,D1,08:00,post,b\n欢迎,D1,09:00,post,c\n';
    const r = failed(await importSpreadsheet(csv(text), 'ids.csv'));
    expect(r.errors).toEqual([
      { row: 3, column: 'ID', message: 'the id "hello" is already used on row 2; every step needs its own id' },
      { row: 4, column: 'ID', message: expect.stringContaining('"欢迎" cannot be a step id') },
    ]);
  });

  it('refuses 每天 without a range, a backwards range, a row without an action, and two days in one row', async () => {
    const text = [
      'Day,Time,Action,Content',
      '每天 D1,07:00,post,a',
      'D6-D1,07:00,post,b',
      'D2,07:00,,c',
      'D2,2026-12-01 07:00,post,d',
      'T-2h,07:00,post,e',
    ].join('\n');
    const r = failed(await importSpreadsheet(csv(text), 'x.csv'));
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'Day'],
      [3, 'Day'],
      [4, 'Action'],
      [5, 'Time'],
      [6, 'Time'],
    ]);
    const [daily, backwards, noAction, twice, offset] = r.errors.map((e) => e.message);
    expect(offset).toMatch(/^an offset like T-2h already says exactly when; leave the other timing cell empty/);
    expect(daily).toMatch(/^"every day" \(每天\) needs a range of days, like 每天 D1-D6/);
    expect(backwards).toMatch(/^the range D6–D1 ends before it starts/);
    expect(noAction).toMatch(/^this row has no action/);
    expect(twice).toMatch(/^the day is written twice, in Day \(D2\) and in Time/);
  });
});

describe('columns', () => {
  it('names the columns found and the ones expected when a required column is missing', async () => {
    const r = failed(await importSpreadsheet(csv('Day,Time,Owner\nD1,07:00,bot\n'), 'x.csv'));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].row).toBe(1);
    expect(r.errors[0].message).toMatch(/^the header row is missing the Action column and the Content column\. Columns found: Day, Time, Owner\. Columns expected: Day \(/);
    expect(r.errors[0].message).toContain('Content (Text, Script, Message, 内容, 话术');
  });

  it('recognizes headers whatever their case, spacing and notes in brackets', async () => {
    const text = ' DAY ,time（北京时间）,Action *,SCRIPT,by\nd1,7:00,POST,hi,Bot\n';
    const r = ok(await importSpreadsheet(csv(text), 'x.csv'));
    expect(r.sheet.sheet.steps[0]).toMatchObject({ do: 'post', by: 'bot', text: 'hi', when: { kind: 'day', day: 1, minute: 420 } });
  });

  it('refuses two columns that mean the same thing instead of picking one', async () => {
    const r = failed(await importSpreadsheet(csv('天,时间,动作,内容,话术\nD1,7:00,群发,a,b\n'), 'x.csv'));
    expect(r.errors[0].message).toBe('two columns both look like the Content column: 内容 (D) and 话术 (E); rename or remove one of them');
  });

  it('reads a time written in the Day cell, T-offsets, windows, audiences and links', async () => {
    const text = [
      'Day,Action,Content,To,Window,Link',
      'D-2 10:00,通知,Hi,已报名,2小时,',
      'T-30m,群发,Soon,,半小时,',
      'D3 19:30,打标签,active,标签:camp,,',
      'D3 20:00,群发,,,,https://x.example/a',
    ].join('\n');
    const r = ok(await importSpreadsheet(csv(text), 'x.csv'));
    const [a, b, c, d] = r.sheet.sheet.steps;
    expect(a).toMatchObject({ to: 'enrolled', windowMinutes: 120, when: { kind: 'day', day: -2, minute: 600 } });
    expect(b).toMatchObject({ windowMinutes: 30, when: { kind: 'offset', minutes: -30 } });
    expect(c).toMatchObject({ do: 'tag', tag: 'active', to: 'tag:camp' });
    expect(d).toMatchObject({ do: 'post', link: 'https://x.example/a' });
    expect(d.text).toBeUndefined();
  });

  it('reads UTF-16 tab-separated text (Excel "Unicode text")', async () => {
    const body = Buffer.from('天\t时间\t动作\t内容\n第1天\t8:00\t群发\t早安\n', 'utf16le');
    const data = new Uint8Array([0xff, 0xfe, ...body]);
    const r = ok(await importSpreadsheet(data, 'x.txt'));
    expect(r.sheet.sheet.steps[0]).toMatchObject({ do: 'post', text: '早安', when: { kind: 'day', day: 1, minute: 480 } });
  });

  it('refuses an old .xls file with a way out', async () => {
    const r = failed(await importSpreadsheet(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), 'old.xls'));
    expect(r.errors[0].message).toMatch(/save it as \.xlsx or \.csv/);
  });
});
