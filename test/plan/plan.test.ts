import { describe, expect, it } from 'vitest';
import { compilePlan, PlanError, type PlannedAction, plan, planGroup } from '../../src/sop/plan.ts';
import { groups, sheetYaml } from './factory.ts';

// 2026-12-01 20:00 in Shanghai (UTC+8, no DST): a Tuesday.
const ANCHOR = new Date('2026-12-01T12:00:00Z');

const dues = (actions: PlannedAction[], stepId: string) => actions.filter((a) => a.step === stepId).map((a) => a.due);

function planError(run: () => unknown): PlanError {
  try {
    run();
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error('expected a PlanError');
}

describe('timing', () => {
  it('reads D-offsets as calendar days in the sheet zone, at local time', () => {
    const sheet = sheetYaml(`
  - { id: before, at: "D-2 10:00", do: post, text: a }
  - { id: same-day, at: "D0 07:30", do: post, text: b }
  - { id: after, at: "D7 20:00", do: post, text: c }
`);
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1) });
    expect(dues(actions, 'before')).toEqual(['2026-11-29T02:00:00.000Z']);
    expect(dues(actions, 'same-day')).toEqual(['2026-11-30T23:30:00.000Z']);
    expect(dues(actions, 'after')).toEqual(['2026-12-08T12:00:00.000Z']);
  });

  it('takes the D0 date from the anchor in the sheet zone, not in UTC', () => {
    // 2026-12-01 01:00 in Shanghai is still 2026-11-30 in UTC.
    const sheet = sheetYaml(`  - { id: a, at: "D0 09:00", do: post, text: a }\n`);
    const actions = plan({ sheet, anchor: new Date('2026-11-30T17:00:00Z'), groups: groups(1) });
    expect(actions[0].due).toBe('2026-12-01T01:00:00.000Z');
  });

  it('reads T-offsets as exact durations from the anchor instant', () => {
    const sheet = sheetYaml(`
  - { id: early, at: T-2h, do: post, text: a }
  - { id: late, at: T+1d, do: post, text: b }
  - { id: now, at: T0, do: post, text: c }
  - { id: odd, at: T+1h30m, do: post, text: d }
`);
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1) });
    expect(dues(actions, 'early')).toEqual(['2026-12-01T10:00:00.000Z']);
    expect(dues(actions, 'late')).toEqual(['2026-12-02T12:00:00.000Z']);
    expect(dues(actions, 'now')).toEqual(['2026-12-01T12:00:00.000Z']);
    expect(dues(actions, 'odd')).toEqual(['2026-12-01T13:30:00.000Z']);
  });

  it('repeats every day from..until inclusive, counting occurrences from 1', () => {
    const sheet = sheetYaml(`  - { id: m, every: day, from: D1, until: D6, at: "09:00", do: post, text: "day {{ day }}" }\n`);
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1) });
    expect(actions.map((a) => a.due.slice(0, 10))).toEqual([
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ]);
    expect(actions.map((a) => a.occurrence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(actions.map((a) => a.text)).toEqual(['day 1', 'day 2', 'day 3', 'day 4', 'day 5', 'day 6']);
  });

  it('repeats on weekdays and on listed days, by the local weekday of each date', () => {
    // D0 is Tuesday 2026-12-01.
    const sheet = sheetYaml(`
  - { id: wd, every: weekday, from: D1, until: D7, at: "09:00", do: post, text: a }
  - { id: mwf, every: "mon,wed,fri", until: D13, at: "12:00", do: post, text: b }
`);
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1) });
    const weekday = (iso: string) => new Date(iso).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'Asia/Shanghai' });
    expect(dues(actions, 'wd').map(weekday)).toEqual(['Wed', 'Thu', 'Fri', 'Mon', 'Tue']);
    // from defaults to D0 (a Tuesday, so not included).
    expect(dues(actions, 'mwf').map(weekday)).toEqual(['Wed', 'Fri', 'Mon', 'Wed', 'Fri', 'Mon']);
    expect(dues(actions, 'mwf')[0]).toBe('2026-12-02T04:00:00.000Z');
  });

  it('leaves event-triggered steps out of the plan', () => {
    const sheet = sheetYaml(`
  - { id: fixed, at: "D1 09:00", do: post, text: a }
  - { id: joined, on: member_join, after: 10m, do: direct_message, text: "hi {{ member.name }}" }
`);
    expect(plan({ sheet, anchor: ANCHOR, groups: groups(2) }).map((a) => a.step)).toEqual(['fixed', 'fixed']);
  });

  it('plans in the run time zone when it overrides the sheet', () => {
    const sheet = sheetYaml(`  - { id: a, at: "D1 09:00", do: post, text: a }\n`);
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1), timezone: 'Europe/Berlin' });
    // The anchor is 13:00 on 2026-12-01 in Berlin (UTC+1): D1 09:00 is 08:00 UTC on 12-02.
    expect(actions[0].due).toBe('2026-12-02T08:00:00.000Z');
  });

  it('refuses an unknown time zone in plain words', () => {
    const sheet = sheetYaml(`  - { id: a, at: "D1 09:00", do: post, text: a }\n`);
    const err = planError(() => plan({ sheet, anchor: ANCHOR, groups: groups(1), timezone: 'Mars/Base' }));
    expect(err.message).toContain('Mars/Base');
  });
});

describe('quiet hours', () => {
  const steps = `
  - { id: early, at: "D1 07:00", do: post, text: a }
  - { id: late, at: "D1 23:30", do: post, text: b }
  - { id: fine, at: "D1 12:00", do: post, text: c }
  - { id: exact, at: T+4h, do: post, text: d }
`;

  it('shift moves an action to the end of the quiet window, on the next day after midnight', () => {
    const sheet = sheetYaml(steps, { quiet_hours: '"22:00-08:00"', quiet_policy: 'shift' });
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1) });
    expect(dues(actions, 'early')).toEqual(['2026-12-02T00:00:00.000Z']); // 08:00 on D1
    expect(dues(actions, 'late')).toEqual(['2026-12-03T00:00:00.000Z']); // 08:00 on D2
    expect(dues(actions, 'fine')).toEqual(['2026-12-02T04:00:00.000Z']);
    // T+4h is 00:00 local on D1: T-steps are subject to quiet hours too.
    expect(dues(actions, 'exact')).toEqual(['2026-12-02T00:00:00.000Z']);
  });

  it('shift works for a window that does not wrap midnight', () => {
    const sheet = sheetYaml(`  - { id: lunch, at: "D1 12:15", do: post, text: a }\n`, { quiet_hours: '"12:00-14:00"' });
    expect(plan({ sheet, anchor: ANCHOR, groups: groups(1) })[0].due).toBe('2026-12-02T06:00:00.000Z');
  });

  it('skip drops the occurrence and keeps the numbering of the others', () => {
    const sheet = sheetYaml(
      `  - { id: r, every: day, from: D1, until: D3, at: "21:00", do: post, text: a }
  - { id: q, at: "D2 22:30", do: post, text: b }
`,
      { quiet_hours: '"22:00-08:00"', quiet_policy: 'skip' },
    );
    const actions = plan({ sheet, anchor: ANCHOR, groups: groups(1) });
    expect(actions.map((a) => a.step)).toEqual(['r', 'r', 'r']);
    const skipping = sheetYaml(
      `  - { id: r, every: "mon,wed", from: D0, until: D7, at: "07:00", do: post, text: a }\n`,
      { quiet_hours: '"06:30-07:30"', quiet_policy: 'skip' },
    );
    expect(plan({ sheet: skipping, anchor: ANCHOR, groups: groups(1) })).toEqual([]);
  });

  it('error refuses the plan, naming the step and the local times', () => {
    const sheet = sheetYaml(steps, { quiet_hours: '"22:00-08:00"', quiet_policy: 'error' });
    const err = planError(() => plan({ sheet, anchor: ANCHOR, groups: groups(1) }));
    expect(err.problems.map((p) => p.step)).toEqual(['early', 'late', 'exact']);
    expect(err.problems[0].message).toContain('2026-12-02 07:00');
    expect(err.problems[0].message).toContain('22:00–08:00');
    expect(err.message).toContain('step `late`');
  });
});

describe('texts and executors', () => {
  const sheet = sheetYaml(
    `
  - { id: build, at: "D-1 09:00", do: create_group, name: "{{ course }} camp · {{ group.index }}" }
  - { id: hello, at: "D0 09:00", do: post, text: "{{ group.name }} in {{ group.city }} with {{ teacher }}, opening {{ run.anchor }}" }
  - { id: card, at: "D0 10:00", do: post, link: "https://x.example/{{ group.index }}" }
  - { id: pic, at: "D0 10:30", do: post, image: pics/a.png }
  - { id: both, at: "D0 11:00", do: post, text: "Buy now", link: "https://shop.example" }
  - { id: note, at: "D0 12:00", do: notify, text: "Hi {{ member.name }}" }
  - { id: chat, at: "D0 13:00", do: task, text: "Chat 1:1 with new members" }
  - { id: label, at: "D0 14:00", do: tag, tag: vip }
  - { id: offer, at: "D0 15:00", do: post, by: leader, text: Offer }
`,
    { vars: '{ course: { required: true }, teacher: { default: "Ms. Li" } }' },
  );
  const gs = groups(2, (i) => ({ city: ['Hangzhou', 'Suzhou'][i] }));
  const actions = plan({ sheet, anchor: ANCHOR, groups: gs, vars: { course: 'Python' } });
  const of = (stepId: string, group = 'g-001') => actions.find((a) => a.step === stepId && a.group === group)!;

  it('renders variables, group names, attributes, the index and the anchor', () => {
    expect(of('build').text).toBe('Python camp · 1');
    expect(of('build', 'g-002').text).toBe('Python camp · 2');
    expect(of('hello', 'g-002').text).toBe('Camp 2 in Suzhou with Ms. Li, opening 2026-12-01 20:00');
  });

  it('lets run variables override sheet defaults', () => {
    const again = plan({ sheet, anchor: ANCHOR, groups: gs, vars: { course: 'Go', teacher: 'Mr. Wu' } });
    expect(again.find((a) => a.step === 'hello')!.text).toBe('Camp 1 in Hangzhou with Mr. Wu, opening 2026-12-01 20:00');
  });

  it('keeps member names as written for member-addressed steps', () => {
    expect(of('note').text).toBe('Hi {{ member.name }}');
  });

  it('uses the link or image of a post without text, the text when both are given, else nothing', () => {
    expect(of('card', 'g-002').text).toBe('https://x.example/2');
    expect(of('pic').text).toBe('pics/a.png');
    expect(of('both').text).toBe('Buy now');
    expect(of('label').text).toBe('');
  });

  it('defaults the executor to the owner for tasks and to the bot otherwise', () => {
    expect(of('chat').executor).toBe('owner');
    expect(of('hello').executor).toBe('bot');
    expect(of('offer').executor).toBe('leader');
  });
});

describe('strict rendering', () => {
  it('refuses a required variable without a value before planning anything', () => {
    const sheet = sheetYaml(`  - { id: a, at: "D1 09:00", do: post, text: plain }\n`, {
      vars: '{ course: { required: true }, city: { required: true } }',
    });
    const err = planError(() => plan({ sheet, anchor: ANCHOR, groups: groups(1), vars: { city: ' ' } }));
    expect(err.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('`course` is required'),
      expect.stringContaining('`city` is required'),
    ]);
  });

  it('names every unknown name and its step, never rendering an empty string', () => {
    const sheet = sheetYaml(`
  - { id: a, at: "D1 09:00", do: post, text: "Hi {{ coures }}" }
  - { id: b, at: "D1 10:00", do: post, text: "{{ run.start }} and {{ weird name }}" }
  - { id: c, at: "D1 11:00", do: post, text: "Hello {{ member.name }}" }
  - { id: d, at: "D1 12:00", do: post, text: "open {{ course" }
  - { id: e, at: "D1 13:00", do: post, text: fine, link: "https://x.example/{{ nope }}" }
`);
    const err = planError(() => plan({ sheet, anchor: ANCHOR, groups: groups(1) }));
    const byStep = (s: string) => err.problems.filter((p) => p.step === s).map((p) => p.message);
    expect(byStep('a')).toEqual([expect.stringContaining('{{ coures }}')]);
    expect(byStep('b')).toEqual([expect.stringContaining('{{ run.start }}'), expect.stringContaining('{{ weird name }}')]);
    expect(byStep('c')).toEqual([expect.stringContaining('not sent to one member at a time')]);
    expect(byStep('d')).toEqual([expect.stringContaining('never closed')]);
    expect(byStep('e')).toEqual([expect.stringContaining('{{ nope }}')]);
    expect(err.message).toContain('step `a`: ');
  });

  it('names the groups that lack an attribute a text uses, counting the rest', () => {
    const sheet = sheetYaml(`  - { id: a, at: "D1 09:00", do: post, text: "See you in {{ group.city }}" }\n`);
    const gs = groups(6, (i): Record<string, string> => (i === 0 ? { city: 'Xi’an' } : i === 1 ? { city: '' } : {}));
    const err = planError(() => plan({ sheet, anchor: ANCHOR, groups: gs }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0].step).toBe('a');
    expect(err.problems[0].message).toContain('`{{ group.city }}` has no value for groups g-002 (Camp 2), g-003 (Camp 3), g-004 (Camp 4) and 2 more');
    expect(() => planGroup(compilePlan({ sheet, anchor: ANCHOR }), gs[2], 3)).toThrow(/g-003/);
  });

  it('checks group attributes of event-triggered steps up front too', () => {
    const sheet = sheetYaml(`  - { id: j, on: member_join, do: direct_message, text: "Welcome to {{ group.city }}" }\n`);
    expect(() => plan({ sheet, anchor: ANCHOR, groups: groups(1) })).toThrow(/group\.city/);
  });

  it('refuses two groups with the same id', () => {
    const sheet = sheetYaml(`  - { id: a, at: "D1 09:00", do: post, text: a }\n`);
    const gs = [...groups(2), { id: 'g-001', name: 'Again' }];
    expect(() => plan({ sheet, anchor: ANCHOR, groups: gs })).toThrow(/g-001 is listed twice/);
  });
});

describe('order', () => {
  const sheet = sheetYaml(`
  - { id: second, at: "D1 09:00", do: post, text: "#{{ group.index }}" }
  - { id: first, at: "D1 08:00", do: post, text: "#{{ group.index }}" }
  - { id: same, at: "D1 09:00", do: announce, text: "#{{ group.index }}" }
`);
  const gs = [
    { id: 'b', name: 'B' },
    { id: 'a', name: 'A' },
    { id: 'c', name: 'C' },
  ];

  it('sorts by due, then group id, then step order; group.index follows run order', () => {
    const actions = plan({ sheet, anchor: ANCHOR, groups: gs });
    expect(actions.map((a) => `${a.due.slice(11, 16)} ${a.group} ${a.step} ${a.text}`)).toEqual([
      '00:00 a first #2',
      '00:00 b first #1',
      '00:00 c first #3',
      '01:00 a second #2',
      '01:00 a same #2',
      '01:00 b second #1',
      '01:00 b same #1',
      '01:00 c second #3',
      '01:00 c same #3',
    ]);
  });

  it('planGroup gives the same actions as plan for that group', () => {
    const all = plan({ sheet, anchor: ANCHOR, groups: gs });
    const compiled = compilePlan({ sheet, anchor: ANCHOR });
    gs.forEach((g, i) => {
      expect(planGroup(compiled, g, i + 1)).toEqual(all.filter((a) => a.group === g.id));
    });
  });
});
