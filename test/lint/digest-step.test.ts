// The digest-step rule: a `do: digest` writes its own post, so its own text, audience or executor
// are errors, `review:` is `leader` and only on a digest — worded in both languages.

import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/sop/lint/index.ts';

const sheet = (steps: string) => `sop: digest-lint
title: Digest lint
community: fans
timezone: Asia/Shanghai
anchor: Start
steps:
${steps}`;

const errors = (text: string, locale: 'en' | 'zh' = 'en') =>
  lintText(text, 'd.yaml', locale)
    .findings.filter((f) => f.rule === 'digest-step')
    .map(({ severity, line, message }) => ({ severity, line, message }));

describe('lint: digest-step', () => {
  it('a plain weekly digest, and one for the leader to review, are clean', () => {
    const ok = sheet(`  - id: weekly
    every: mon
    from: D1
    until: D28
    at: "09:00"
    do: digest
  - id: weekly-review
    every: mon
    from: D1
    until: D28
    at: "10:00"
    do: digest
    review: leader
`);
    expect(lintText(ok, 'd.yaml').parsed).toBe(true);
    expect(errors(ok)).toEqual([]);
  });

  it('refuses its own text, audience and executor, a reviewer that is not one, and review on another step', () => {
    const bad = sheet(`  - id: weekly
    at: D7 09:00
    do: digest
    text: "This week"
    to: enrolled
    by: leader
    review: boss
  - id: hello
    at: D0 09:00
    do: post
    text: Hello
    review: leader
`);
    expect(errors(bad)).toEqual([
      { severity: 'error', line: 10, message: 'step `weekly` is a digest, which writes its own post into the group: `text:` does not apply' },
      { severity: 'error', line: 11, message: 'step `weekly` is a digest, which writes its own post into the group: `to:` does not apply' },
      { severity: 'error', line: 12, message: 'step `weekly` is a digest, which writes its own post into the group: `by:` does not apply' },
      { severity: 'error', line: 13, message: 'step `weekly`: `review: boss` is not a reviewer; use one of leader' },
      { severity: 'error', line: 18, message: 'step `hello` (`do: post`) has `review:`, which only a `do: digest` step takes' },
    ]);
    const zh = lintText(bad, 'd.yaml', 'zh').findings.filter((f) => f.rule === 'digest-step');
    expect(zh.map((f) => f.message)).toEqual([
      '步骤 `weekly` 是群周报，内容由系统生成并发到群里：不需要 `text:`',
      '步骤 `weekly` 是群周报，内容由系统生成并发到群里：不需要 `to:`',
      '步骤 `weekly` 是群周报，内容由系统生成并发到群里：不需要 `by:`',
      '步骤 `weekly`：`review: boss` 不是审核人；请用 leader',
      '步骤 `hello`（`do: post`）写了 `review:`，只有 `do: digest` 步骤才能用',
    ]);
    expect(zh.every((f) => /[\u4e00-\u9fff]/.test(f.hint))).toBe(true);
  });

  it('a digest on a member event is an error', () => {
    expect(errors(sheet(`  - id: weekly
    on: member_join
    after: 7d
    do: digest
`))).toEqual([{ severity: 'error', line: 8, message: "step `weekly` is a digest triggered by a member event; a digest is the week's, posted on a day and time" }]);
  });
});
