// Item 14: a leader copying a private message must never see `{{ member.name }}`. Plan → run →
// task text, with the template library's own sheets, in English and in Chinese.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankMemberValues, languageOfText, privateMessageInstruction } from '../../src/run/member-blank.ts';
import { startRun } from '../../src/run/runs.ts';
import { listTasks } from '../../src/run/tasks.ts';
import { readTemplate } from '../../src/sop/templates.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, type World } from '../support/world.ts';

const CAMP_VARS = {
  course: 'Public speaking',
  teacher: 'Ms. Li',
  assistant_name: 'Anna',
  classroom_link: 'https://example.com/live',
  full_course: 'the 8-week course',
  offer_link: 'https://example.com/offer',
  survey_link: 'https://example.com/survey',
};

describe('blanks and instructions (pure)', () => {
  it('turns member values into blanks in the text’s language, and leaves the rest', () => {
    expect(blankMemberValues('Hi {{ member.name }}, see you in {{ group.name }}.')).toBe('Hi ____, see you in {{ group.name }}.');
    expect(blankMemberValues('{{member.name}}你好，{{ member.city }}见')).toBe('【成员昵称】你好，【成员的city】见');
    expect(blankMemberValues('No names here.')).toBe('No names here.');
    expect(languageOfText('欢迎')).toBe('zh');
    expect(languageOfText('Welcome')).toBe('en');
  });

  it('says plainly whom to write to', () => {
    expect(privateMessageInstruction({ do: 'notify', to: 'enrolled' }, 'Camp 3', 'Hi {{ member.name }}')).toBe(
      'Write privately to each enrolled member of “Camp 3”, one message each, with the person\'s name where the blank (____) is.',
    );
    expect(privateMessageInstruction({ do: 'remind', unless: 'checked_in_today' }, 'Camp 3', 'Check in today')).toBe(
      'Write privately to each member of “Camp 3” who has not checked in today, one message each.',
    );
    expect(privateMessageInstruction({ do: 'notify', to: 'tag:approved' }, '杭州 1 群', '{{ member.name }}你好')).toBe(
      '请逐一私聊「杭州 1 群」里的每位带「approved」标签的成员，一人发一条，把【成员昵称】换成对方的昵称。',
    );
    expect(privateMessageInstruction({ do: 'remind', to: 'enrolled', unless: 'customer' }, '杭州 1 群', '还有名额')).toBe(
      '请逐一私聊「杭州 1 群」里还没购买的每位已报名的成员，一人发一条。',
    );
    expect(privateMessageInstruction({ do: 'post' }, 'Camp 3', 'Hi')).toBeUndefined();
  });
});

describe(`a run's private-message tasks show no template syntax (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await sandboxWorld(2);
  });
  afterAll(async () => {
    await w.close();
  });

  // The notice and the nudges go to an audience: until they fall due, their group rows are what the
  // board shows — blanks and whom they are for, never `{{ member.name }}` — and each member's row,
  // made when they fall due, has the text filled in (test/run/audiences.test.ts,
  // test/run/templates-with-members.test.ts). What is a person's task from the start shows no
  // template syntax either.
  it.each(['en', 'zh'] as const)('camp-7d (%s): the audience rows show blanks and whom they are for; tasks show no template syntax', async (language) => {
    const anchor = new Date(Date.now() + 4 * 86_400_000);
    const run = await startRun(w.ctx, { sheet: readTemplate('camp-7d', language), groups: `id:${w.groups[0]}`, anchor: anchor.toISOString(), vars: CAMP_VARS });
    const tasks = (await listTasks(w.store.db, { states: ['assigned'] })).filter((t) => t.runId === run.id);
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) expect(`${t.text} ${t.instruction ?? ''}`, t.step).not.toMatch(/\{\{|\}\}/);
    expect(tasks.find((t) => t.step === 'notice')).toBeUndefined();

    const rows = await w.store.db.selectFrom('ledger').select(['step_id', 'mode', 'content']).where('run_id', '=', run.id).where('step_id', 'in', ['notice', 'nudge']).execute();
    const content = (step: string) => {
      const c = rows.find((r) => r.step_id === step)!.content;
      return (typeof c === 'string' ? JSON.parse(c) : c) as { text: string; instruction: string; audience: string; template: string; unless?: string };
    };
    const notice = content('notice');
    const nudge = content('nudge');
    expect(notice).toMatchObject({ audience: 'enrolled' });
    expect(nudge).toMatchObject({ audience: 'members', unless: 'checked_in_today' });
    expect(notice.template).toMatch(/\{\{ member\.name \}\}/);
    if (language === 'en') {
      expect(notice.text).toMatch(/^Hi ____, your 7-day Public speaking camp/);
      expect(notice.instruction).toBe('Write privately to each enrolled member of “Group 1”, one message each, with the person\'s name where the blank (____) is.');
      expect(nudge.instruction).toMatch(/^Write privately to each member of “Group 1” who has not checked in today/);
    } else {
      expect(notice.text).toMatch(/^【成员昵称】你好，你报名的 7 天Public speaking训练营/);
      expect(notice.instruction).toBe('请逐一私聊「Group 1」里的每位已报名的成员，一人发一条，把【成员昵称】换成对方的昵称。');
      expect(nudge.instruction).toMatch(/^请逐一私聊「Group 1」里今天还没打卡的每位群成员/);
    }
    // A task that is not a private message has no instruction, and its text is as written.
    const hello = tasks.find((t) => t.step === 'private-hello')!;
    expect(hello.instruction).toBeUndefined();
  });

  it('keeps the template in rows the bot sends, so it can fill each member in', async () => {
    const sheet = `sop: w
title: W
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: welcome
    at: T+1h
    do: welcome
    text: "Welcome, {{ member.name }}!"
`;
    const run = await startRun(w.ctx, { sheet, groups: `id:${w.groups[1]}`, anchor: new Date(Date.now() + 86_400_000).toISOString() });
    const row = await w.store.db.selectFrom('ledger').select(['mode', 'content']).where('run_id', '=', run.id).executeTakeFirstOrThrow();
    const content = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
    expect(row.mode).toBe('bot');
    expect(content.text).toBe('Welcome, {{ member.name }}!');
  });
});
