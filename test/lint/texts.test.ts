// unknown-variable, long-paragraph, one-link.

import { describe, expect, it } from 'vitest';
import { lineOf, lint, sheet } from './support.ts';

const vars = '  course: { required: true }\n  teacher: { default: "Ms. Li" }';

describe('unknown-variable', () => {
  it('is an error pointing at the exact line inside a block text, with a did-you-mean', () => {
    const text = sheet(
      { vars },
      `
  - id: hello
    at: D1 09:00
    do: post
    text: |
      Good morning.

      Today in {{ coures }} we paint trees.`,
    );
    const [f] = lint(text, 'unknown-variable');
    expect(f.severity).toBe('error');
    expect(f.line).toBe(lineOf(text, 'Today in'));
    expect(f.column).toBe(text.split('\n')[f.line - 1].indexOf('{{') + 1);
    expect(f.message).toContain('step `hello`');
    expect(f.message).toContain('did you mean `course`?');
  });

  it('accepts declared vars, group.*, run.anchor and day anywhere', () => {
    const text = sheet(
      { vars },
      `
  - id: hello
    at: D1 09:00
    do: post
    name: x
    text: "{{ course }} with {{teacher}} in {{ group.name }} ({{ group.city }}), day {{ day }} of {{ run.anchor }}"`,
    );
    expect(lint(text, 'unknown-variable')).toEqual([]);
  });

  it('accepts member.* in private and member-triggered steps only', () => {
    const ok = `
  - id: dm
    at: D1 09:00
    do: notify
    to: enrolled
    text: "Hi {{ member.name }}"
  - id: joined
    on: member_join
    after: 10m
    do: post
    text: "Everyone, welcome {{ member.name }}!"`;
    expect(lint(sheet({}, ok), 'unknown-variable')).toEqual([]);
    const bad = `
  - id: morning
    at: D1 09:00
    do: post
    text: "Good morning {{ member.name }}"`;
    const [f] = lint(sheet({}, bad), 'unknown-variable');
    expect(f.message).toContain('a `post` goes to the whole group');
  });

  it('rejects run.* other than anchor, bare group, empty and unclosed braces, in every rendered field', () => {
    const text = sheet(
      {},
      `
  - id: poll
    at: D1 09:00
    do: survey
    text: "Run {{ run.date }} in {{ group }} {{ }}"
    questions: ["How was {{ lesson }}?"]
    link: "https://x.example/{{ course"`,
    );
    const found = lint(text, 'unknown-variable');
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining('`{{ run.date }}` is not known'),
      expect.stringContaining('`{{ group }}` needs an attribute'),
      expect.stringContaining('`{{ }}` is empty'),
      expect.stringContaining('`{{ lesson }}` is not a variable'),
      expect.stringContaining('never closed'),
    ]);
    expect(found[3].line).toBe(lineOf(text, 'questions:'));
  });
});

describe('long-paragraph', () => {
  const long = 'Every brush stroke counts. '.repeat(9).trim(); // 242 characters

  it('fires at the line of the long paragraph, with its length', () => {
    const text = sheet(
      {},
      `
  - id: story
    at: D1 09:00
    do: post
    text: |
      A short opening.

      ${long}`,
    );
    const [f] = lint(text, 'long-paragraph');
    expect(f.severity).toBe('info');
    expect(f.line).toBe(lineOf(text, 'Every brush'));
    expect(f.message).toContain(`a paragraph of ${long.length} characters`);
  });

  it('passes the same words split into short paragraphs, and honours max_chars', () => {
    const split = sheet(
      {},
      `
  - id: story
    at: D1 09:00
    do: post
    text: |
      ${long.slice(0, 120)}

      ${long.slice(120)}`,
    );
    expect(lint(split, 'long-paragraph')).toEqual([]);
    const one = sheet({ lint: '  long-paragraph: { max_chars: 300 }' }, `\n  - id: s\n    at: D1 09:00\n    do: post\n    text: "${long}"`);
    expect(lint(one, 'long-paragraph')).toEqual([]);
  });

  it('counts characters as people do: one Chinese character is one', () => {
    const zh = (n: number) => sheet({}, `\n  - id: s\n    at: D1 09:00\n    do: post\n    text: "${'好'.repeat(n)}"`);
    expect(lint(zh(200), 'long-paragraph')).toEqual([]);
    expect(lint(zh(201), 'long-paragraph')).toHaveLength(1);
  });
});

describe('one-link', () => {
  const msg = (text: string, link?: string) =>
    sheet({}, `\n  - id: offer\n    at: D1 09:00\n    do: post\n    text: "${text}"${link ? `\n    link: ${link}` : ''}`);

  it('fires on two links in the text, at the second', () => {
    const text = msg('Buy https://a.example/x or read https://b.example/y.');
    const [f] = lint(text, 'one-link');
    expect(f.line).toBe(lineOf(text, 'https://b.example'));
    expect(f.column).toBe(text.split('\n')[f.line - 1].indexOf('https://b.example') + 1);
    expect(f.message).toContain('carries 2 links (https://a.example/x, https://b.example/y)');
  });

  it('counts `link:` with the links in the text, once each', () => {
    expect(lint(msg('See https://a.example/x', 'https://a.example/x'), 'one-link')).toEqual([]);
    expect(lint(msg('See https://b.example/y', 'https://a.example/x'), 'one-link')).toHaveLength(1);
    expect(lint(msg('Open the camp page', 'https://a.example/x'), 'one-link')).toEqual([]);
  });

  it('honours max_links', () => {
    const text = sheet({ lint: '  one-link: { max_links: 2 }' }, '\n  - id: o\n    at: D1 09:00\n    do: post\n    text: "https://a.example https://b.example"');
    expect(lint(text, 'one-link')).toEqual([]);
  });
});
