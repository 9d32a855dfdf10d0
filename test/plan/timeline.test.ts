import { describe, expect, it } from 'vitest';
import { plan } from '../../src/sop/plan.ts';
import { formatTimeline } from '../../src/sop/timeline.ts';
import { groups, sheetYaml } from './factory.ts';

const ANCHOR = new Date('2026-12-01T12:00:00Z'); // Tuesday 20:00 in Shanghai
const sheet = sheetYaml(`
  - { id: notice, at: "D-2 10:00", do: notify, text: "Hi {{ member.name }}\\n\\nsecond line" }
  - { id: morning, every: day, from: D1, until: D2, at: "07:30", do: post, text: "Good morning {{ group.name }}" }
  - { id: city, at: "D1 12:00", do: post, text: "Lunch in {{ group.city }}" }
  - { id: chat, at: "D1 15:00", do: task, text: "Call everyone" }
`);

describe('formatTimeline', () => {
  it('prints one heading per local day with its D index, weekday and date, and marks the anchor', () => {
    const gs = groups(2, () => ({ city: 'Wuhan' }));
    const out = formatTimeline(plan({ sheet, anchor: ANCHOR, groups: gs }), { sheet, anchor: ANCHOR });
    const headings = out.split('\n').filter((l) => /^D-?\d/.test(l));
    expect(headings).toEqual(['D-2 · Sunday 2026-11-29', 'D0 · Tuesday 2026-12-01', 'D1 · Wednesday 2026-12-02', 'D2 · Thursday 2026-12-03']);
    expect(out).toContain('Test sheet (test-sheet) — Camp opening: Tue 2026-12-01 20:00 Asia/Shanghai');
    expect(out).toContain('10 actions for 2 groups');
    expect(out).toMatch(/20:00 {2}── Camp opening \(D0 \/ T0\)/);
    expect(out).toMatch(/10:00 {2}notice +notify +bot +g-001, g-002 +Hi \{\{ member\.name \}\} …\n/);
    expect(out).toMatch(/15:00 {2}chat +task +owner +g-001, g-002 +Call everyone/);
  });

  it('counts many groups on one line instead of repeating it', () => {
    const gs = groups(50, () => ({ city: 'Wuhan' }));
    const out = formatTimeline(plan({ sheet, anchor: ANCHOR, groups: gs }), { sheet, anchor: ANCHOR });
    const lunch = out.split('\n').filter((l) => l.includes('Lunch in'));
    expect(lunch).toHaveLength(1);
    expect(lunch[0]).toMatch(/× 50 groups +Lunch in Wuhan$/);
    // Texts that differ per group are shown once, with whose text it is.
    const morning = out.split('\n').filter((l) => l.includes('Good morning'));
    expect(morning).toHaveLength(2);
    expect(morning[0]).toMatch(/× 50 groups +Good morning Camp 1 +\(differs by group; shown for g-001\)$/);
  });

  it('shows a few different texts one line each, with their groups', () => {
    const gs = groups(5, (i) => ({ city: i < 3 ? 'Wuhan' : 'Xiamen' }));
    const out = formatTimeline(plan({ sheet, anchor: ANCHOR, groups: gs }), { sheet, anchor: ANCHOR });
    const lunch = out.split('\n').filter((l) => l.includes('Lunch in'));
    expect(lunch).toEqual([
      expect.stringMatching(/g-001, g-002, g-003 +Lunch in Wuhan$/),
      expect.stringMatching(/g-004, g-005 +Lunch in Xiamen$/),
    ]);
  });

  it('says so when nothing is planned', () => {
    expect(formatTimeline([], { sheet, anchor: ANCHOR })).toContain('Nothing is planned');
  });
});
