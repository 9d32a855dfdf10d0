// The split of a step's variants over groups (deterministic, balanced) and what the plan makes of
// it: the variant and its text on every action, the timeline, and member-triggered steps.

import { describe, expect, it } from 'vitest';
import { planMemberStep } from '../../src/sop/member-step.ts';
import { compilePlan, PlanError, plan, planGroup, splitGroups } from '../../src/sop/plan.ts';
import { formatTimeline } from '../../src/sop/timeline.ts';
import { splitVariants, variantFor, variantHash } from '../../src/sop/variant-split.ts';
import { groups, sheetYaml } from './factory.ts';

const ids = (n: number, prefix = 'grp_') => Array.from({ length: n }, (_, i) => `${prefix}${(i * 7919).toString(36)}`);
const tally = (m: Map<string, string>) => {
  const out: Record<string, number> = {};
  for (const v of m.values()) out[v] = (out[v] ?? 0) + 1;
  return out;
};

describe('splitVariants', () => {
  it('is exactly balanced: within one group per variant, for any number of groups and variants', () => {
    for (const n of [1, 2, 3, 7, 100, 101, 1000]) {
      for (const variants of [['a', 'b'], ['a', 'b', 'c'], ['w', 'x', 'y', 'z', 'q']]) {
        const counts = Object.values(tally(splitVariants('camp/hello', ids(n), variants)));
        expect(counts.reduce((s, c) => s + c, 0)).toBe(n);
        expect(Math.max(...counts) - Math.min(...(counts.length === variants.length ? counts : [...counts, 0]))).toBeLessThanOrEqual(1);
      }
    }
    expect(tally(splitVariants('camp/hello', ids(100), ['a', 'b']))).toEqual({ a: 50, b: 50 });
  });

  it('is the same for the same step and set of groups, whatever their order, and differs between steps', () => {
    const g = ids(60);
    const one = splitVariants('camp/hello', g, ['a', 'b']);
    expect(splitVariants('camp/hello', [...g].reverse(), ['a', 'b'])).toEqual(one);
    const other = splitVariants('camp/offer', g, ['a', 'b']);
    const same = g.filter((x) => one.get(x) === other.get(x)).length;
    // Independent per step: about half the groups get the same letter twice, not all of them.
    expect(same).toBeGreaterThan(15);
    expect(same).toBeLessThan(45);
  });

  it('deals again when a group is added: the groups before the new one in hash order keep theirs', () => {
    const g = ids(100);
    const before = splitVariants('camp/hello', g, ['a', 'b']);
    const after = splitVariants('camp/hello', [...g, 'grp_new'], ['a', 'b']);
    expect(Object.values(tally(after)).sort()).toEqual([50, 51]);
    const h = (x: string) => variantHash(`camp/hello\u0000${x}`);
    const earlier = g.filter((x) => h(x) < h('grp_new'));
    expect(earlier.every((x) => before.get(x) === after.get(x))).toBe(true);
    // The later ones shift by one place in the deal, so they swap: that is the price of balance.
    expect(g.filter((x) => h(x) > h('grp_new')).every((x) => before.get(x) !== after.get(x))).toBe(true);
  });

  it('variantFor spreads members evenly on average and never changes its answer', () => {
    const counts = { a: 0, b: 0 };
    for (const m of ids(10_000, 'mem_')) counts[variantFor('camp/welcome', m, ['a', 'b']) as 'a' | 'b']++;
    // 10,000 fair coin flips: 5,000 ± 150 is more than four standard deviations.
    expect(Math.abs(counts.a - 5000)).toBeLessThan(200);
    expect(variantFor('camp/welcome', 'mem_1', ['a', 'b'])).toBe(variantFor('camp/welcome', 'mem_1', ['a', 'b']));
    // Known values: the hash is part of the contract (a run planned on another machine, or by
    // another version of Chorus, gets the same split), so a change to it must be deliberate.
    expect([variantHash('camp/hello\u0000grp_1'), variantHash(''), variantHash('a')]).toEqual([656716508, 2872998923, 444641715]);
  });
});

const SHEET = `  - id: hello
    at: D0 10:00
    do: post
    variants:
      - id: warm
        text: "Hello {{ group.name }}, glad you are here!"
      - id: direct
        text: "Class at 20:00, D{{ day }}."
  - id: daily
    every: day
    from: D1
    until: D3
    at: "07:00"
    do: post
    variants:
      - id: a
        text: Morning A
      - id: b
        text: Morning B
  - id: plain
    at: D0 11:00
    do: post
    text: Same for all
`;

describe('planning a step with variants', () => {
  const sheet = sheetYaml(SHEET);
  const anchor = new Date('2026-12-01T12:00:00Z');

  it('gives each group one variant, with its text; a group keeps it at every occurrence', () => {
    const gs = groups(10);
    const actions = plan({ sheet, anchor, groups: gs });
    const hello = actions.filter((a) => a.step === 'hello');
    expect(hello).toHaveLength(10);
    for (const a of hello) {
      const g = gs.find((x) => x.id === a.group)!;
      expect(a.text).toBe(a.variant === 'warm' ? `Hello ${g.name}, glad you are here!` : 'Class at 20:00, D0.');
    }
    expect(hello.filter((a) => a.variant === 'warm')).toHaveLength(5);
    for (const g of gs) {
      const daily = actions.filter((a) => a.step === 'daily' && a.group === g.id);
      expect(daily).toHaveLength(3);
      expect(new Set(daily.map((a) => a.variant)).size).toBe(1);
      expect(daily[0].text).toBe(daily[0].variant === 'a' ? 'Morning A' : 'Morning B');
    }
    // A step without variants is planned as before: no `variant` key.
    expect(actions.filter((a) => a.step === 'plain').every((a) => !('variant' in a))).toBe(true);
  });

  it('plans the same split group by group as all at once (given the run split), and again on re-planning', () => {
    const gs = groups(9);
    const all = plan({ sheet, anchor, groups: gs });
    const compiled = compilePlan({ sheet, anchor });
    const split = splitGroups(compiled, gs.map((g) => g.id));
    const byGroup = gs.flatMap((g, i) => planGroup(compiled, g, i + 1, split));
    const key = (a: { step: string; group: string; occurrence: number; variant?: string; text: string }) => `${a.step}|${a.group}|${a.occurrence}|${a.variant}|${a.text}`;
    expect(byGroup.map(key).sort()).toEqual(all.map(key).sort());
    expect(plan({ sheet, anchor, groups: [...gs].reverse() }).map(key).sort()).toEqual(all.map(key).sort());
  });

  it('refuses an unknown name inside a variant, naming it', () => {
    const bad = sheetYaml(`  - id: hello\n    at: D0 10:00\n    do: post\n    variants:\n      - id: a\n        text: "Hi {{ course }}"\n      - id: b\n        text: Hi\n`);
    try {
      plan({ sheet: bad, anchor, groups: groups(2) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanError);
      expect((e as PlanError).problems[0]).toMatchObject({ step: 'hello', message: expect.stringMatching(/^in variant `a`, `\{\{ course \}\}` is not a variable/) });
    }
  });

  it('shows the split and each variant in the readable plan', () => {
    const gs = groups(4);
    const text = formatTimeline(plan({ sheet, anchor, groups: gs }), { sheet, anchor });
    expect(text).toContain('Variants (each group gets one text of the step):\n  hello — warm × 2 groups, direct × 2 groups\n  daily — a × 2 groups, b × 2 groups');
    expect(text).toMatch(/10:00 {2}hello {2}post {2}bot {2}.+\(direct\) Class at 20:00, D0\./);
    expect(text).toContain('  10:00  hello  post  bot  g-002         (warm) Hello Camp 2, glad you are here!');
    expect(text).toContain('  07:00  daily  post  bot  g-001, g-002  (b) Morning B\n  07:00  daily  post  bot  g-003, g-004  (a) Morning A');
  });

  it('a member-triggered step gives each member one variant, always the same one', () => {
    const s = sheetYaml(`  - id: welcome\n    on: member_join\n    after: 10m\n    do: direct_message\n    variants:\n      - id: a\n        text: "Hi {{ member.name }}"\n      - id: b\n        text: "Welcome, {{ member.name }}!"\n`);
    const input = (id: string) => ({ sheet: s, step: s.steps[0], eventAt: anchor, group: groups(1)[0], groupIndex: 1, member: { id, name: `M ${id}` }, anchor });
    const seen = { a: 0, b: 0 };
    for (const m of ids(200, 'mem_')) {
      const p = planMemberStep(input(m))!;
      expect(p.text).toBe(p.variant === 'a' ? `Hi M ${m}` : `Welcome, M ${m}!`);
      expect(planMemberStep(input(m))).toEqual(p);
      seen[p.variant as 'a' | 'b']++;
    }
    expect(seen.a).toBeGreaterThan(70);
    expect(seen.b).toBeGreaterThan(70);
  });
});
