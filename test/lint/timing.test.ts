// notice-lead-time, group-lead-time, final-reminders, quiet-hours, daily-density.

import { describe, expect, it } from 'vitest';
import { lineOf, lint, sheet } from './support.ts';

const notice = (at: string) => `
  - id: notice
    at: ${at}
    do: notify
    to: enrolled
    text: The camp starts soon.`;

describe('notice-lead-time', () => {
  it('fires when the first notice comes one day ahead, at the notice', () => {
    const text = sheet({}, notice('D-1 10:00'));
    const [f] = lint(text, 'notice-lead-time');
    expect(f.severity).toBe('warning');
    expect(f.line).toBe(lineOf(text, 'at: D-1 10:00'));
    expect(f.message).toContain('step `notice`');
    expect(f.message).toContain('1 day before the anchor');
    expect(f.hint).toContain('D-2');
  });

  it('passes two days ahead, and is silent when the sheet has no notify', () => {
    expect(lint(sheet({}, notice('D-2 10:00')), 'notice-lead-time')).toEqual([]);
    const posts = `
  - id: hello
    at: D0 10:00
    do: post
    text: Hello`;
    expect(lint(sheet({}, posts), 'notice-lead-time')).toEqual([]);
  });

  it('uses the earliest notice, wherever it is written in the sheet', () => {
    expect(lint(sheet({}, notice('D0 09:00') + notice('D-3 09:00').replace('id: notice', 'id: early')), 'notice-lead-time')).toEqual([]);
  });

  it('without anchor_time fires only when the day is certain', () => {
    // T-30h is D-2 or D-1 depending on the anchor's time of day: not a finding.
    expect(lint(sheet({ anchor_time: undefined }, notice('T-30h')), 'notice-lead-time')).toEqual([]);
    // T-20h is D-1 or D0 whatever the time: too late for sure.
    expect(lint(sheet({ anchor_time: undefined }, notice('T-20h')), 'notice-lead-time')).toHaveLength(1);
  });

  it('honours min_days from lint:', () => {
    const text = sheet({ lint: '  notice-lead-time: { min_days: 3 }' }, notice('D-2 10:00'));
    expect(lint(text, 'notice-lead-time')[0].message).toContain('at least 3 days');
  });
});

const create = (at: string) => `
  - id: build
    at: ${at}
    do: create_group
    name: Camp`;

describe('group-lead-time', () => {
  it('fires when the group is created on the anchor day', () => {
    const text = sheet({}, create('D0 09:00'));
    const [f] = lint(text, 'group-lead-time');
    expect(f.line).toBe(lineOf(text, 'at: D0 09:00'));
    expect(f.message).toContain("on the anchor's own day");
  });

  it('passes a day ahead, also as T-24h without anchor_time', () => {
    expect(lint(sheet({}, create('D-1 09:00')), 'group-lead-time')).toEqual([]);
    expect(lint(sheet({ anchor_time: undefined }, create('T-24h')), 'group-lead-time')).toEqual([]);
  });
});

const post = (id: string, at: string, extra = '') => `
  - id: ${id}
    at: ${at}
    do: post
    text: Reminder ${id}${extra}`;

describe('final-reminders', () => {
  it('passes three reminders in the last 12 hours of a camp', () => {
    const steps = post('r1', 'T-12h') + post('r2', 'T-2h') + post('r3', 'T-15m');
    expect(lint(sheet({}, steps), 'final-reminders')).toEqual([]);
  });

  it('fires with one, pointing at the anchor and naming what there is', () => {
    const text = sheet({}, post('r1', 'T-2h') + post('early', 'D-1 10:00'));
    const [f] = lint(text, 'final-reminders');
    expect(f.line).toBe(lineOf(text, 'anchor: Opening'));
    expect(f.message).toContain('only 1 notice or post');
    expect(f.message).toContain('`r1` at 18:00');
    expect(f.hint).toContain('2 more');
  });

  it('does not apply to delivery groups unless configured', () => {
    expect(lint(sheet({ community: 'delivery' }, post('r1', 'D3 10:00')), 'final-reminders')).toEqual([]);
    const text = sheet({ community: 'delivery', lint: '  final-reminders: { communities: [delivery] }' }, post('r1', 'D3 10:00'));
    expect(lint(text, 'final-reminders')).toHaveLength(1);
  });

  it('without anchor_time counts D0 steps as possibly inside and does not guess', () => {
    const steps = post('a', 'D0 15:00') + post('b', 'D0 18:00') + post('c', 'D0 19:00');
    expect(lint(sheet({ anchor_time: undefined }, steps), 'final-reminders')).toEqual([]);
    // Two days ahead can never be within 12 hours of the anchor.
    const far = post('a', 'D-2 15:00') + post('b', 'D-2 18:00') + post('c', 'D-2 19:00');
    expect(lint(sheet({ anchor_time: undefined }, far), 'final-reminders')).toHaveLength(1);
  });
});

describe('quiet-hours', () => {
  it("fires inside the sheet's window and says what shift does", () => {
    const text = sheet({ quiet_hours: '22:00-08:00' }, post('early', 'D1 07:00'));
    const [f] = lint(text, 'quiet-hours');
    expect(f.line).toBe(lineOf(text, 'at: D1 07:00'));
    expect(f.message).toContain('07:00');
    expect(f.message).toContain('it will go out at 08:00 instead');
    expect(f.severity).toBe('warning');
  });

  it('says skip drops it, and is an error when the policy makes planning fail', () => {
    expect(lint(sheet({ quiet_hours: '22:00-08:00', quiet_policy: 'skip' }, post('e', 'D1 07:00')), 'quiet-hours')[0].message).toContain(
      'will not be sent at all',
    );
    const [f] = lint(sheet({ quiet_hours: '22:00-08:00', quiet_policy: 'error' }, post('e', 'D1 07:00')), 'quiet-hours');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('planning a run of this sheet will fail');
  });

  it('uses the default window when the sheet declares none; the 07:00 cadence is fine', () => {
    const [f] = lint(sheet({}, post('late', 'D1 23:00')), 'quiet-hours');
    expect(f.message).toContain('declares no `quiet_hours`');
    expect(lint(sheet({}, post('morning', 'D1 07:00')), 'quiet-hours')).toEqual([]);
  });

  it('ignores steps done by people and human tasks', () => {
    const steps = `${post('late', 'D1 23:00')}
    by: leader
  - id: chat
    at: D1 23:30
    do: task
    text: Call the late joiners.`;
    expect(lint(sheet({}, steps), 'quiet-hours')).toEqual([]);
  });

  it('checks T-steps only when anchor_time gives their time of day', () => {
    expect(lint(sheet({ anchor_time: undefined }, post('after', 'T+3h')), 'quiet-hours')).toEqual([]);
    expect(lint(sheet({ anchor_time: '20:00' }, post('after', 'T+3h')), 'quiet-hours')[0].message).toContain('23:00');
  });

  it('checks member-triggered steps with a time of day, listing each day once', () => {
    const steps = `
  - id: nudge
    on: member_join
    after: 1d at 23:30
    do: direct_message
    text: How is it going?
  - id: nightly
    every: day
    from: D1
    until: D3
    at: "23:00"
    do: post
    text: Good night`;
    const found = lint(sheet({}, steps), 'quiet-hours');
    expect(found).toHaveLength(2);
    expect(found[1].message).toContain('D1–D3');
  });
});

const cadence = (times: string[], from = 'D1', until = 'D6') =>
  times
    .map(
      (t, i) => `
  - id: c${i}
    every: day
    from: ${from}
    until: ${until}
    at: "${t}"
    do: post
    text: Cadence ${t}`,
    )
    .join('');

describe('daily-density', () => {
  it("passes seed 000's 07/08/12/18/20 cadence", () => {
    expect(lint(sheet({}, cadence(['07:00', '08:00', '12:00', '18:00', '20:00'])), 'daily-density')).toEqual([]);
  });

  it('fires at the sixth message with the times and the limit', () => {
    const text = sheet({}, cadence(['07:00', '08:00', '12:00', '18:00', '20:00']) + post('extra', 'D3 21:00'));
    const [f] = lint(text, 'daily-density');
    expect(f.line).toBe(lineOf(text, 'at: D3 21:00'));
    expect(f.message).toBe(
      '5 messages land in the group on D3 (07:00, 08:00, 12:00, 18:00, 20:00) and step `extra` at 21:00 makes 6; the limit is 5 a day',
    );
  });

  it('counts checkins, surveys and announcements but not private messages or tasks', () => {
    const steps = `${cadence(['07:00', '08:00', '12:00', '18:00', '20:00'], 'D1', 'D1')}
  - id: dm
    at: D1 21:00
    do: notify
    to: enrolled
    text: Private
  - id: chat
    at: D1 21:30
    do: task
    text: Do something`;
    expect(lint(sheet({}, steps), 'daily-density')).toEqual([]);
    const more = `${cadence(['07:00', '08:00', '12:00', '18:00', '20:00'], 'D1', 'D1')}
  - id: poll
    at: D1 21:00
    do: survey
    text: How was today?`;
    expect(lint(sheet({}, more), 'daily-density')).toHaveLength(1);
  });

  it('honours max_posts', () => {
    const text = sheet({ lint: '  daily-density: { max_posts: 6 }' }, cadence(['07:00', '08:00', '12:00', '18:00', '20:00']) + post('extra', 'D3 21:00'));
    expect(lint(text, 'daily-density')).toEqual([]);
  });

  it('fires when two messages are under 30 minutes apart, naming both', () => {
    const text = sheet({}, post('a', 'D2 07:00') + post('b', 'D2 07:10'));
    const [f] = lint(text, 'daily-density');
    expect(f.line).toBe(lineOf(text, 'at: D2 07:10'));
    expect(f.message).toContain('10 minutes after step `a`');
    expect(lint(sheet({}, post('a', 'D2 07:00') + post('b', 'D2 07:30')), 'daily-density')).toEqual([]);
  });

  it('without anchor_time compares T-steps with T-steps and never D with T', () => {
    const tt = sheet({ anchor_time: undefined }, post('a', 'T-1h') + post('b', 'T-50m'));
    expect(lint(tt, 'daily-density')[0].message).toContain('10 minutes after');
    const dt = sheet({ anchor_time: undefined }, post('a', 'D0 19:50') + post('b', 'T-5m'));
    expect(lint(dt, 'daily-density')).toEqual([]);
    // With anchor_time the same pair is known to be 5 minutes apart.
    expect(lint(sheet({ anchor_time: '20:00' }, post('a', 'D0 19:50') + post('b', 'T-5m')), 'daily-density')).toHaveLength(1);
  });

  it('leaves member-triggered steps out of the group count', () => {
    const steps = `${cadence(['07:00', '08:00', '12:00', '18:00', '20:00'], 'D1', 'D1')}
  - id: hello
    on: member_join
    after: 1d at 21:00
    do: post
    text: Say hello to our newest member!`;
    expect(lint(sheet({}, steps), 'daily-density')).toEqual([]);
  });
});
