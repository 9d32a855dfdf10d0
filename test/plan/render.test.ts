import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/sop/plan.ts';
import { bindTemplate, compileTemplate, fillMember, renderForGroup } from '../../src/sop/render.ts';
import { step } from './factory.ts';

const post = step('p', { kind: 'day', day: 1, minute: 540 });
const dm = step('dm', { kind: 'day', day: 1, minute: 540 }, { do: 'direct_message' });
const scope = { vars: { course: 'Python', empty: '' }, anchorText: '2026-12-01 20:00', day: 3 };

describe('compileTemplate', () => {
  it('splits literals and references, with or without spaces inside the braces', () => {
    const t = compileTemplate('Hi {{member.name}}, {{ course }} day {{  day  }}!');
    expect(t.problems).toEqual([]);
    expect(t.segments).toEqual([
      'Hi ',
      { ref: { kind: 'member', key: 'name' }, raw: '{{member.name}}' },
      ', ',
      { ref: { kind: 'var', name: 'course' }, raw: '{{ course }}' },
      ' day ',
      { ref: { kind: 'day' }, raw: '{{  day  }}' },
      '!',
    ]);
  });

  it('reads group names, the index, attributes in any script, and the anchor', () => {
    const refs = compileTemplate('{{ group.name }}{{ group.index }}{{ group.城市 }}{{ run.anchor }}').segments;
    expect(refs.map((s) => (typeof s === 'string' ? s : s.ref))).toEqual([
      { kind: 'group', key: 'name' },
      { kind: 'group', key: 'index' },
      { kind: 'group', key: { attr: '城市' } },
      { kind: 'anchor' },
    ]);
  });

  it('reports what is not a name, an unknown run value and an unclosed brace', () => {
    expect(compileTemplate('{{ course | upper }}').problems).toEqual([expect.stringContaining('is not a name')]);
    expect(compileTemplate('{{ }}').problems).toEqual([expect.stringContaining('is not a name')]);
    expect(compileTemplate('{{ run.id }}').problems).toEqual([expect.stringContaining('{{ run.anchor }}')]);
    expect(compileTemplate('{{ a.b.c }}').problems).toHaveLength(1);
    expect(compileTemplate('see {{ course').problems).toEqual([expect.stringContaining('never closed')]);
  });

  it('leaves text without braces as one literal', () => {
    expect(compileTemplate('just } text {').segments).toEqual(['just } text {']);
  });
});

describe('bindTemplate and renderForGroup', () => {
  it('resolves everything but the group at bind time; an empty var value is a value', () => {
    const problems: string[] = [];
    const bound = bindTemplate(compileTemplate('{{ course }}{{ empty }} D{{ day }} {{ group.name }}#{{ group.index }} {{ run.anchor }}'), post, scope, problems);
    expect(problems).toEqual([]);
    expect(bound).toEqual([
      'Python D3 ',
      { key: 'name', raw: '{{ group.name }}' },
      '#',
      { key: 'index', raw: '{{ group.index }}' },
      ' 2026-12-01 20:00',
    ]);
    expect(renderForGroup(bound, { id: 'g', name: 'Camp 7' }, 7)).toBe('Python D3 Camp 7#7 2026-12-01 20:00');
  });

  it('gives a plain string when the text does not depend on the group', () => {
    expect(bindTemplate(compileTemplate('Hello {{ course }}'), post, scope, [])).toBe('Hello Python');
  });

  it('reports unknown variables, listing the known ones', () => {
    const problems: string[] = [];
    bindTemplate(compileTemplate('{{ cours }}'), post, scope, problems);
    expect(problems).toEqual([expect.stringMatching(/\{\{ cours \}\}.*did you mean `course`.*course, empty/)]);
  });

  it('keeps member names as written, fills them when a member is given, refuses them in group posts', () => {
    const t = compileTemplate('Hi {{ member.name }} from {{ member.city }}');
    expect(bindTemplate(t, dm, scope, [])).toBe('Hi {{ member.name }} from {{ member.city }}');
    const filled: string[] = [];
    expect(bindTemplate(t, dm, { ...scope, member: { id: 'm1', name: 'Ann', attrs: { city: 'Pune' } } }, filled)).toBe('Hi Ann from Pune');
    const lacking: string[] = [];
    bindTemplate(t, dm, { ...scope, member: { id: 'm1', name: 'Ann' } }, lacking);
    expect(lacking).toEqual([expect.stringContaining('{{ member.city }}` has no value for member Ann (m1)')]);
    const inPost: string[] = [];
    bindTemplate(t, post, scope, inPost);
    expect(inPost).toHaveLength(2);
  });

  it('refuses a group without the attribute or with an empty one', () => {
    const bound = bindTemplate(compileTemplate('{{ group.city }}'), post, scope, []);
    expect(() => renderForGroup(bound, { id: 'g', name: 'G' }, 1)).toThrow(/group\.city/);
    expect(() => renderForGroup(bound, { id: 'g', name: 'G', attrs: { city: '' } }, 1)).toThrow(/group\.city/);
    expect(renderForGroup(bound, { id: 'g', name: 'G', attrs: { city: 'Lyon' } }, 1)).toBe('Lyon');
  });
});

describe('fillMember', () => {
  it('fills member names in a planned text and leaves other text alone', () => {
    expect(fillMember('Hi {{ member.name }} ({{member.id}})', { id: 'm9', name: 'Bo' })).toBe('Hi Bo (m9)');
    expect(fillMember('no names here', { id: 'm9', name: 'Bo' })).toBe('no names here');
  });

  it('throws a PlanError naming a missing member value', () => {
    expect(() => fillMember('{{ member.level }}', { id: 'm9', name: 'Bo' })).toThrow(PlanError);
  });
});
