// Check-ins: windows opened when a `checkin` post is out (bot or person), a member's keyword or
// reply counting once, bots and Chorus's own script never counting, windows closed with
// `checkin_missed` fired once per window into a running sheet, and the figures (pure).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { memberStreak, overallRate, rateOf, type WindowFacts, windowRate } from '../../src/community/checkin-stats.ts';
import { checkinDetail, groupCheckins } from '../../src/community/checkin-report.ts';
import { closingOf, countsFor, keywordsOf, openCheckin } from '../../src/community/checkins.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { checkAnswers, csvCell, MAX_ANSWER_CHARS } from '../../src/community/surveys.ts';
import { sweepCheckins } from '../../src/run/checkin-close.ts';
import { startRun } from '../../src/run/runs.ts';
import { completeTask } from '../../src/run/tasks.ts';
import { triggerMatches } from '../../src/run/triggers.ts';
import { parseSheet } from '../../src/sop/parse.ts';
import { readQuestion, readQuestions } from '../../src/sop/questions.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, type World } from '../support/world.ts';

const SHEET = `sop: camp-checkins
title: Camp check-ins
community: training_camp
timezone: Asia/Shanghai
anchor: Camp opening
steps:
  - id: daily
    every: day
    from: D1
    until: D3
    at: "07:00"
    do: checkin
    text: "Morning check-in: post your homework with 打卡"
  - id: evening
    at: D5 20:00
    do: checkin
    window: 2h
    keyword: [done, 完成]
    by: leader
    text: "Evening check-in: say done when you are"
  - id: nudge
    on: checkin_missed
    do: direct_message
    text: "We missed you at the check-in, {{ member.name }}"
`;

// 20:00 on 1 March 2027 in Shanghai: D1 07:00 is 2027-03-01T23:00Z.
const ANCHOR = '2027-03-01T12:00:00Z';
const D1 = new Date('2027-03-01T23:00:00Z');
const D2 = new Date('2027-03-02T23:00:00Z');
const D3 = new Date('2027-03-03T23:00:00Z');
const D5 = new Date('2027-03-06T12:00:00Z');
const NAMES: Record<string, string> = { ann: 'Ann', bob: 'Bob', cat: 'Cat', zed: 'Zed', 'helper-bot': 'Helper' };
const min = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

describe('check-in rules (pure)', () => {
  it('counts a keyword anywhere, case-insensitively, or a reply to the post', () => {
    const w = { keyword: '打卡\n#checkin', post_message_id: 'p1' };
    expect(countsFor(w, { text: '今天打卡啦' })).toBe(true);
    expect(countsFor(w, { text: 'Day 3 #CheckIn done' })).toBe(true);
    expect(countsFor(w, { text: 'hello' })).toBe(false);
    expect(countsFor(w, { text: '', replyTo: 'p1' })).toBe(true);
    expect(countsFor(w, { text: 'hi', replyTo: 'other' })).toBe(false);
    expect(countsFor({ keyword: '打卡', post_message_id: null }, { text: 'x', replyTo: 'p1' })).toBe(false);
  });
  it('uses the default keywords when a step names none; the sheet may name one or a list', () => {
    const { sheet } = parseSheet(SHEET, 'camp.yaml');
    expect(keywordsOf(sheet.steps[0])).toEqual(['打卡', '#checkin']);
    expect(sheet.steps[1].keyword).toEqual(['done', '完成']);
    const one = parseSheet(SHEET.replace('keyword: [done, 完成]', 'keyword: " Done "'), 'one.yaml').sheet;
    expect(one.steps[1].keyword).toEqual(['Done']);
    expect(() => parseSheet(SHEET.replace('do: direct_message', 'do: direct_message\n    keyword: hi'), 'bad.yaml')).toThrow(/`keyword:` is for check-in steps \(`do: checkin`\), not for `direct_message`/);
    expect(sheet.steps[0].windowWritten).toBeUndefined();
    expect(sheet.steps[1].windowWritten).toBe(true);
  });
  it('closes after `window:`, else at the next occurrence, else at the end of that local day', () => {
    const opensAt = new Date('2027-03-01T23:05:00Z'); // 07:05 on 2 March in Shanghai
    expect(closingOf({ opensAt, step: { windowWritten: true, windowMinutes: 120 }, zone: 'Asia/Shanghai' }).toISOString()).toBe('2027-03-02T01:05:00.000Z');
    expect(closingOf({ opensAt, step: { windowMinutes: 30 }, nextDue: D2, zone: 'Asia/Shanghai' })).toEqual(D2);
    // 3 March 00:00 in Shanghai.
    expect(closingOf({ opensAt, step: { windowMinutes: 30 }, zone: 'Asia/Shanghai' }).toISOString()).toBe('2027-03-02T16:00:00.000Z');
    // A next occurrence already past (the post went out late) does not close it at once.
    expect(closingOf({ opensAt, step: { windowMinutes: 30 }, nextDue: D1, zone: 'Asia/Shanghai' }).toISOString()).toBe('2027-03-02T16:00:00.000Z');
  });
  it('reads survey questions: plain text, or choices in brackets', () => {
    expect(readQuestion('How was it? [good|ok|bad]')).toEqual({ text: 'How was it?', choices: ['good', 'ok', 'bad'] });
    expect(readQuestion('课程怎么样？[很好 | 一般 | 不好]')).toEqual({ text: '课程怎么样？', choices: ['很好', '一般', '不好'] });
    expect(readQuestion('What [one] thing?')).toEqual({ text: 'What [one] thing?' });
    expect(readQuestion('Pick [a|]')).toEqual({ text: 'Pick [a|]' });
    expect(readQuestions(['  ', 'Why?'])).toEqual([{ text: 'Why?' }]);
  });
  it('matches `on: checkin_missed` to the event of that name only', () => {
    expect(triggerMatches('checkin_missed', 'checkin_missed')).toBe(true);
    expect(triggerMatches('checkin_missed', 'member_join')).toBe(false);
    expect(triggerMatches('checkin_missed', { keyword: 'checkin_missed' })).toBe(false);
  });
});

describe('survey answers (pure)', () => {
  const qs = readQuestions(['How was it? [good|ok|bad]', 'Why?']);
  it('cleans answers and refuses a wrong count, a non-choice, an overlong or an empty form', () => {
    expect(checkAnswers(qs, ['good', '  because\r\nit was  '])).toEqual({ answers: ['good', 'because\nit was'] });
    expect(checkAnswers(qs, ['', 'x'])).toEqual({ answers: ['', 'x'] });
    expect(checkAnswers(qs, ['good'])).toEqual({ index: -1, problem: 'count' });
    expect(checkAnswers(qs, ['great', ''])).toEqual({ index: 0, problem: 'not_a_choice' });
    expect(checkAnswers(qs, ['ok', 'x'.repeat(MAX_ANSWER_CHARS + 1)])).toEqual({ index: 1, problem: 'too_long' });
    expect(checkAnswers(qs, [' ', ''])).toEqual({ index: -1, problem: 'empty' });
    expect(checkAnswers(qs, ['ok', 'a\u0000b\ud800'])).toEqual({ answers: ['ok', 'ab\ufffd'] });
  });
  it('writes CSV cells that a spreadsheet will not run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(null)).toBe('');
  });
});

describe('check-in figures (pure)', () => {
  const w = (id: number, day: number, present: string[], marked: string[], closed = true): WindowFacts => ({
    id,
    opensAt: new Date(Date.UTC(2027, 2, day)),
    closed,
    present: new Set(present),
    marked: new Set(marked),
  });
  it('rates a window over the members present at its opening, counting a late joiner who checked in', () => {
    expect(windowRate(w(1, 1, ['a', 'b', 'c', 'd'], ['a', 'b', 'c']))).toEqual({ members: 4, checkedIn: 3, rate: 0.75 });
    expect(windowRate(w(1, 1, ['a', 'b'], ['a', 'z']))).toEqual({ members: 3, checkedIn: 2, rate: 0.667 });
    expect(windowRate(w(1, 1, [], []))).toEqual({ members: 0, checkedIn: 0, rate: 0 });
    expect(rateOf({ present: 2, marked: 2, markedLate: 1 })).toEqual({ members: 3, checkedIn: 2, rate: 0.667 });
    expect(overallRate([windowRate(w(1, 1, ['a', 'b'], ['a'])), windowRate(w(2, 2, ['a', 'b'], ['a', 'b']))])).toEqual({ members: 4, checkedIn: 3, rate: 0.75 });
  });
  it('counts current and best streaks over the windows the member was present for', () => {
    const ws = [
      w(5, 5, ['a', 'b'], ['a', 'b']),
      w(1, 1, ['a'], ['a']),
      w(2, 2, ['a'], ['a']),
      w(3, 3, ['a', 'b'], []),
      w(4, 4, ['a', 'b'], ['a', 'b']),
      w(6, 6, ['a', 'b'], ['b'], false), // still open: a may still check in
    ];
    expect(memberStreak(ws, 'a')).toEqual({ windows: 6, checkedIn: 4, rate: 0.667, current: 2, best: 2 });
    expect(memberStreak(ws, 'b')).toEqual({ windows: 4, checkedIn: 3, rate: 0.75, current: 3, best: 3 });
    expect(memberStreak(ws, 'nobody')).toEqual({ windows: 0, checkedIn: 0, rate: 0, current: 0, best: 0 });
    const closedMiss = [...ws.slice(0, 5), w(6, 6, ['a', 'b'], ['b'], true)];
    expect(memberStreak(closedMiss, 'a').current).toBe(0);
  });
});

describe(`check-in windows (${engine})`, () => {
  let w: World;
  let runId: string;
  const db = () => w.store.db;
  const ingest = (e: InboundEvent) => ingestEvent({ db: db() }, w.channelId, e);
  const join = (chatId: string, externalId: string, name: string, at: Date, isBot = false) =>
    ingest({ type: 'member_joined', chatId, member: { externalId, name, isBot }, at });
  let n = 0;
  const say = (chatId: string, externalId: string, text: string, at: Date, opts: { replyTo?: string; isBot?: boolean; messageId?: string } = {}) =>
    ingest({
      type: 'message',
      chatId,
      messageId: opts.messageId ?? `m${++n}`,
      from: { externalId, name: NAMES[externalId] ?? externalId, ...(opts.isBot ? { isBot: true } : {}) },
      text,
      links: [],
      mentions: [],
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
      at,
    });
  const row = (step: string, occurrence: number, group = w.groups[0]) =>
    db().selectFrom('ledger').selectAll().where('run_id', '=', runId).where('group_id', '=', group).where('step_id', '=', step).where('occurrence', '=', occurrence).executeTakeFirstOrThrow();
  /** The bot's post went out: the row as the worker leaves it. */
  const posted = async (step: string, occurrence: number, at: Date, messageId: string | null) => {
    const r = await row(step, occurrence);
    await db().updateTable('ledger').set({ state: 'sent', executed_at: at, executed_by: 'bot', platform_message_id: messageId }).where('id', '=', r.id).execute();
    return Number(r.id);
  };
  const memberId = async (externalId: string) =>
    (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;
  const nudges = () => db().selectFrom('ledger').select(['member_id', 'occurrence']).where('run_id', '=', runId).where('step_id', '=', 'nudge').orderBy('member_id').orderBy('occurrence').execute();

  beforeAll(async () => {
    w = await sandboxWorld(2);
    runId = (await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-1,chat-2', anchor: ANCHOR })).id;
    const before = min(D1, -600);
    for (const [id, name] of [
      ['ann', 'Ann'],
      ['bob', 'Bob'],
      ['cat', 'Cat'],
    ])
      await join('chat-1', id, name, before);
    await join('chat-1', 'helper-bot', 'Helper', before, true);
    await join('chat-2', 'zed', 'Zed', before);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('opens a window when the post is out, closing at the next occurrence, with the default keywords', async () => {
    const id = await posted('daily', 1, min(D1, 1), 'post-1');
    const opened = await openCheckin(db(), id);
    expect(opened).toBeTypeOf('number');
    expect(await openCheckin(db(), id)).toBeUndefined();
    const c = await db().selectFrom('checkins').selectAll().where('id', '=', opened!).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ run_id: runId, group_id: w.groups[0], step_id: 'daily', occurrence: 1, ledger_id: id, keyword: '打卡\n#checkin', post_message_id: 'post-1', closed: false });
    expect(new Date(c.opens_at)).toEqual(min(D1, 1));
    expect(new Date(c.closes_at!)).toEqual(D2);
    // Any other row opens nothing.
    expect(await openCheckin(db(), Number((await row('nudge', 1).catch(() => ({ id: 0 }))).id))).toBeUndefined();
  });

  it('counts a keyword or a reply once per member; bots, other groups, messages before the window and redeliveries count nothing', async () => {
    const ann = await memberId('ann');
    await say('chat-1', 'ann', 'hello before', min(D1, -5));
    await say('chat-1', 'ann', '打卡 day 1', min(D1, 10), { messageId: 'a1' });
    await say('chat-1', 'ann', '#CHECKIN again', min(D1, 20));
    await say('chat-1', 'ann', '打卡 day 1', min(D1, 10), { messageId: 'a1' }); // redelivered
    await say('chat-1', 'bob', '', min(D1, 30), { replyTo: 'post-1' }); // a photo answering the post
    await say('chat-1', 'helper-bot', '打卡 for everyone', min(D1, 31), { isBot: true });
    await say('chat-1', 'cat', 'no word here', min(D1, 32));
    await say('chat-2', 'zed', '打卡', min(D1, 33));
    const marks = await db().selectFrom('checkin_marks').select(['member_id', 'message_id']).orderBy('member_id').execute();
    expect(marks).toEqual(
      [
        { member_id: ann, message_id: 'a1' },
        { member_id: await memberId('bob'), message_id: expect.any(String) },
      ].sort((a, b) => a.member_id.localeCompare(b.member_id)),
    );
    const counters = await db().selectFrom('members').select(['id', 'checkins']).where('id', 'in', [ann, await memberId('cat')]).execute();
    expect(Object.fromEntries(counters.map((c) => [c.id, c.checkins]))).toEqual({ [ann]: 1, [await memberId('cat')]: 0 });
    expect(await db().selectFrom('member_events').select('kind').where('member_id', '=', ann).where('kind', '=', 'checkin').execute()).toHaveLength(1);
  });

  it("never counts Chorus's own check-in text pasted into the group", async () => {
    await say('chat-1', 'cat', 'Morning check-in: post your homework with 打卡', min(D1, 40));
    expect(await db().selectFrom('checkin_marks').select('member_id').where('member_id', '=', await memberId('cat')).execute()).toEqual([]);
  });

  it('closes the window at its end once, firing checkin_missed for those present who did not check in', async () => {
    expect(await sweepCheckins({ db: db() }, min(D2, -1))).toMatchObject({ closed: 0 });
    const first = await sweepCheckins({ db: db() }, D2);
    expect(first).toMatchObject({ closed: 1, planned: 1 });
    const c = await db().selectFrom('checkins').select(['id', 'closed']).where('step_id', '=', 'daily').where('occurrence', '=', 1).executeTakeFirstOrThrow();
    expect(c.closed).toBe(true);
    // Cat only: Ann and Bob checked in, the bot never counts, Zed is in another group.
    expect(await nudges()).toEqual([{ member_id: await memberId('cat'), occurrence: Number(c.id) }]);
    expect(await sweepCheckins({ db: db() }, min(D2, 5))).toMatchObject({ closed: 0, planned: 0 });
    expect(await nudges()).toHaveLength(1);
    // A message after the close counts nothing.
    await say('chat-1', 'cat', '打卡 late', min(D2, -1));
    expect(await db().selectFrom('checkin_marks').select('member_id').where('member_id', '=', await memberId('cat')).execute()).toEqual([]);
  });

  it("opens windows the send paths missed from the sweep, counting the messages stored since the post", async () => {
    await say('chat-1', 'cat', '打卡 day two', min(D2, 15));
    await posted('daily', 2, min(D2, 2), 'post-2');
    const r = await sweepCheckins({ db: db() }, min(D2, 30));
    expect(r.opened).toBe(1);
    const c = await db().selectFrom('checkins').select('id').where('step_id', '=', 'daily').where('occurrence', '=', 2).executeTakeFirstOrThrow();
    expect(await db().selectFrom('checkin_marks').select('member_id').where('checkin_id', '=', c.id).execute()).toEqual([{ member_id: await memberId('cat') }]);
  });

  it('a missed check-in fires again for the next window (one nudge per window), and the next window closes the previous one', async () => {
    await posted('daily', 3, min(D3, 0), null);
    await sweepCheckins({ db: db() }, min(D3, 1));
    const windows = await db().selectFrom('checkins').select(['occurrence', 'closed', 'closes_at']).where('step_id', '=', 'daily').orderBy('occurrence').execute();
    expect(windows.map((x) => x.closed)).toEqual([true, true, false]);
    const nudged = await nudges();
    // Window 2: Ann and Bob missed it.
    expect(nudged.map((x) => x.member_id).sort()).toEqual([await memberId('ann'), await memberId('bob'), await memberId('cat')].sort());
    // The last one closes at the end of its local day (4 March in Shanghai).
    expect(new Date(windows[2].closes_at!).toISOString()).toBe('2027-03-04T16:00:00.000Z');
  });

  it("a leader's check-in opens when the task is done, with the step's window and keywords", async () => {
    const r = await row('evening', 1);
    expect(r.mode).toBe('human');
    await completeTask(db(), Number(r.id), 'leader-1', { at: min(D5, 3) });
    const c = await db().selectFrom('checkins').selectAll().where('step_id', '=', 'evening').executeTakeFirstOrThrow();
    expect(c).toMatchObject({ keyword: 'done\n完成', post_message_id: null });
    expect(new Date(c.closes_at!).toISOString()).toBe(min(D5, 123).toISOString());
    await say('chat-1', 'bob', 'DONE!', min(D5, 10));
    await say('chat-1', 'ann', '打卡', min(D5, 11)); // not this step's word
    expect((await db().selectFrom('checkin_marks').select('member_id').where('checkin_id', '=', c.id).execute()).map((m) => m.member_id)).toEqual([await memberId('bob')]);
  });

  it("reports a group's windows with rates, and one window with who did and did not and their streaks", async () => {
    const { checkins, overall } = await groupCheckins(db(), w.groups[0]);
    expect(checkins.map((c) => [c.step, c.occurrence, c.members, c.checkedIn, c.rate])).toEqual([
      ['daily', 1, 3, 2, 0.667],
      ['daily', 2, 3, 1, 0.333],
      ['daily', 3, 3, 0, 0],
      ['evening', 1, 3, 1, 0.333],
    ]);
    expect(overall).toEqual({ members: 12, checkedIn: 4, rate: 0.333 });
    const d = await checkinDetail(db(), w.groups[0], checkins[1].id);
    expect(d!.did.map((p) => [p.name, p.current, p.best])).toEqual([['Cat', 1, 1]]);
    expect(d!.didNot.map((p) => [p.name, p.checkedIn, p.windows, p.best])).toEqual([
      ['Ann', 1, 3, 1],
      ['Bob', 1, 3, 1],
    ]);
    expect(await checkinDetail(db(), w.groups[1], checkins[1].id)).toBeUndefined();
  });
});
