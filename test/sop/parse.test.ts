import { readdirSync, readFileSync } from 'node:fs';
import * as jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SheetError } from '../../src/sop/errors.ts';
import { parseSheet } from '../../src/sop/parse.ts';

const files = [
  ...readdirSync('templates').filter((f) => f.endsWith('.yaml')).map((f) => `templates/${f}`),
  ...readdirSync('templates/zh').filter((f) => f.endsWith('.yaml')).map((f) => `templates/zh/${f}`),
  ...readdirSync('test/fixtures/lint').filter((f) => f.endsWith('.yaml')).map((f) => `test/fixtures/lint/${f}`),
  'test/fixtures/design-example.yaml',
];

function problems(text: string) {
  try {
    parseSheet(text, 'x.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof SheetError)) throw e;
    return e.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  }
}

describe('parseSheet', () => {
  it.each(files)('the fast reader (js-yaml) and the positional reader (yaml) agree on %s', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA })).toEqual(parse(text));
  });

  it('reads the DESIGN.md example', () => {
    const { sheet } = parseSheet(readFileSync('test/fixtures/design-example.yaml', 'utf8'));
    expect(sheet.steps.map((s) => s.when.kind)).toEqual(['day', 'day', 'offset', 'every', 'event', 'day']);
    expect(sheet.anchorTime).toBe(20 * 60);
    expect(sheet.vars.course).toEqual({ required: true });
  });

  it('keeps times and dates as text, as YAML 1.2 does', () => {
    const { sheet } = parseSheet(
      'sop: x\ntitle: t\ncommunity: fans\ntimezone: Asia/Shanghai\nanchor: a\nanchor_time: 20:00\nsteps:\n  - id: a\n    every: day\n    until: D2\n    at: 07:00\n    do: post\n    text: 2026-12-01\n',
    );
    expect(sheet.anchorTime).toBe(1200);
    expect(sheet.steps[0].text).toBe('2026-12-01');
    expect(sheet.steps[0].when).toEqual({ kind: 'every', days: 'day', from: 0, until: 2, minute: 420 });
  });

  it('names line and column of broken YAML', () => {
    expect(problems('sop: x\n  title: t: : \n')[0]).toMatch(/^1:6 the YAML cannot be read here/);
    expect(problems('sop: x\nsop: y\n')[0]).toMatch(/^2:1 this field is written twice/);
  });

  it('reports every problem of a sheet at once, with positions and plain words', () => {
    const p = problems(
      'sop: x\ntitle: t\ncommunity: camp\ntimezone: Asia/Shanghai\nanchor: a\nsteps:\n  - id: offer\n    at: D7 25:00\n    do: pst\n    txt: hi\n',
    );
    expect(p).toEqual([
      '3:12 `community: camp` is not allowed; use one of lead, newcomer, training_camp, delivery, fans, local',
      '9:9 step `offer`: `do: pst` is not allowed (did you mean `post`?); use one of create_group, rename, announce, welcome, invite, post, notify, direct_message, task, checkin, remind, survey, tag, move, disband, digest',
      '10:5 step `offer`: unknown field `txt` — did you mean `text`?',
    ]);
    expect(problems('sop: x\ntitle: t\ncommunity: fans\ntimezone: Asia/Shanghai\nanchor: a\nsteps:\n  - id: offer\n    at: D7 25:00\n    do: post\n    text: hi\n')).toEqual([
      '8:9 step `offer`: `at: D7 25:00` — 25:00 is not a time of day (hours go 00–23, minutes 00–59)',
    ]);
  });

  it('explains timing mistakes', () => {
    const base = 'sop: x\ntitle: t\ncommunity: fans\ntimezone: Mars/Base\nanchor: a\nsteps:\n';
    const p = problems(
      `${base}  - id: a\n    at: D3\n    do: post\n    text: x\n  - id: a\n    every: day\n    at: "07:00"\n    do: post\n    text: x\n  - id: c\n    on: member_join\n    at: D1 10:00\n    do: post\n    text: x\n  - id: d\n    at: D1 10:00\n    do: rename\n`,
    );
    expect(p).toEqual([
      '4:11 `timezone: Mars/Base` is not a time zone I know; use an IANA name such as Asia/Shanghai',
      '8:9 step `a`: `at: D3` — "D3" has a day but no time; add a time of day, like D3 09:00',
      '11:5 step `a`: a repeating step needs `until:`, the last day it runs (like until: D6)',
      '11:9 step `a`: the id `a` is already used by step 1; every step needs its own id',
      '18:9 step `c`: a step triggered by an event (`on: member_join`) takes `after:`, not `at:`',
      '21:5 step `d`: a rename needs the new `name`',
    ]);
  });
});
