import { describe, expect, it } from 'vitest';
import { planMemberStep } from '../../src/sop/member-step.ts';
import { PlanError } from '../../src/sop/plan.ts';
import type { Sheet } from '../../src/sop/types.ts';
import { sheetYaml } from './factory.ts';

const ANCHOR = new Date('2026-12-01T12:00:00Z'); // 20:00 in Shanghai
const group = { id: 'g-7', name: 'Camp 7', attrs: { city: 'Hangzhou' } };
const member = { id: 'm-1', name: 'Ann', attrs: { level: 'active' } };

function sheetWith(header: Record<string, string> = {}): Sheet {
  return sheetYaml(
    `
  - id: soon
    on: member_join
    after: 10m
    do: direct_message
    text: "Hi {{ member.name }} ({{ member.level }}), welcome to {{ group.name }} #{{ group.index }} in {{ group.city }} — {{ course }}, day {{ day }}"
  - { id: d3, on: member_join, after: 3d at 19:30, do: direct_message, text: "How is it going, {{ member.name }}?" }
  - { id: fixed, at: "D1 09:00", do: post, text: a }
`,
    { vars: '{ course: { default: Python } }', ...header },
  );
}

const run = (sheet: Sheet, stepId: string, eventAt: string, extra = {}) =>
  planMemberStep({
    sheet,
    step: sheet.steps.find((s) => s.id === stepId)!,
    eventAt: new Date(eventAt),
    group,
    groupIndex: 7,
    member,
    anchor: ANCHOR,
    ...extra,
  });

describe('planMemberStep', () => {
  it('plans an exact delay and renders member, group, variables and the day', () => {
    // The member joins at 13:55 Shanghai time on D1.
    expect(run(sheetWith(), 'soon', '2026-12-02T05:55:00Z')).toEqual({
      due: '2026-12-02T06:05:00.000Z',
      text: 'Hi Ann (active), welcome to Camp 7 #7 in Hangzhou — Python, day 1',
    });
  });

  it('plans "3d at 19:30" on the third local calendar day after the event', () => {
    // 23:30 on 2026-12-01 in Shanghai is still 2026-12-01 locally, so 3 days later is 12-04.
    expect(run(sheetWith(), 'd3', '2026-12-01T15:30:00Z')).toEqual({ due: '2026-12-04T11:30:00.000Z', text: 'How is it going, Ann?' });
  });

  it('applies quiet hours: shift, skip (null) and error', () => {
    const at = '2026-12-01T15:00:00Z'; // 23:00 local + 10 minutes
    expect(run(sheetWith({ quiet_hours: '"22:00-08:00"' }), 'soon', at)?.due).toBe('2026-12-02T00:00:00.000Z');
    expect(run(sheetWith({ quiet_hours: '"22:00-08:00"', quiet_policy: 'skip' }), 'soon', at)).toBeNull();
    expect(() => run(sheetWith({ quiet_hours: '"22:00-08:00"', quiet_policy: 'error' }), 'soon', at)).toThrow(/quiet hours/);
  });

  it('names what is missing: a member value, a group attribute', () => {
    const sheet = sheetWith();
    expect(() => run(sheet, 'soon', '2026-12-02T05:55:00Z', { member: { id: 'm-2', name: 'Bo' } })).toThrow(/member\.level.*Bo \(m-2\)/);
    expect(() => run(sheet, 'soon', '2026-12-02T05:55:00Z', { group: { id: 'g-8', name: 'Camp 8' } })).toThrow(/group\.city.*g-8/);
  });

  it('refuses a step that is not triggered by an event', () => {
    expect(() => run(sheetWith(), 'fixed', '2026-12-02T05:55:00Z')).toThrow(PlanError);
  });
});
