// The text rules read every variant's text and name the variant; `variant-balance` warns when the
// variants differ in more than their words.

import { describe, expect, it } from 'vitest';
import { lint, sheet } from './support.ts';

const withVariants = (a: string, b: string, extra = '') =>
  sheet({ community: 'fans' }, `  - id: hello\n    at: D1 10:00\n    do: post${extra}\n    variants:\n      - id: a\n        text: "${a}"\n      - id: b\n        text: "${b}"\n`);

describe('text rules over variants', () => {
  it('unknown-variable names the variant and points into its text', () => {
    const f = lint(withVariants('Hi {{ group.name }}', 'Hi {{ corse }}'), 'unknown-variable');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/^step `hello`, variant `b`: `\{\{ corse \}\}`/);
    expect(f[0].line).toBe(15);
  });

  it('long-paragraph and one-link look at every variant', () => {
    const long = 'x'.repeat(210);
    const lp = lint(withVariants('short', long), 'long-paragraph');
    expect(lp.map((x) => x.message.slice(0, 40))).toEqual(['step `hello`, variant `b`: a paragraph o']);
    const links = lint(withVariants('see https://a.example and https://b.example', 'see https://a.example and https://b.example too'), 'one-link');
    expect(links.map((x) => x.message.split(' carries')[0])).toEqual(['step `hello`, variant `a`', 'step `hello`, variant `b`']);
    // The step's `link:` counts in every variant.
    expect(lint(withVariants('Hi', 'see https://b.example', '\n    link: https://shop.example'), 'one-link').map((x) => x.message.split(' carries')[0])).toEqual(['step `hello`, variant `b`']);
  });
});

describe('variant-balance', () => {
  it('warns when one variant carries a link another lacks', () => {
    const f = lint(withVariants('Hello', 'Hello, see https://camp.example/a'), 'variant-balance');
    expect(f).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 15,
        message: 'step `hello`, variant `b` carries the link https://camp.example/a, which variant `a` does not; the click figures would compare the link, not the words',
      }),
    ]);
  });

  it('warns about two identical texts, and is quiet about fair variants', () => {
    expect(lint(withVariants('Hello  friends', 'Hello friends'), 'variant-balance').map((x) => x.message)).toEqual([
      'step `hello`, variant `b` has the same text as variant `a`; two identical texts compare nothing',
    ]);
    expect(lint(withVariants('Warm words: https://x.example', 'Direct: https://x.example'), 'variant-balance')).toEqual([]);
    expect(lint(withVariants('Warm words', 'Direct', '\n    link: https://x.example'))).toEqual([]);
  });
});
