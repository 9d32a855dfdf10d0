// conversion-without-warmup, early-conversion, lead-lifespan, camp-feedback, rules-before-invite.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lineOf, lint, sheet } from './support.ts';

const step = (id: string, at: string, doing: string, more = '') => `
  - id: ${id}
    at: ${at}
    do: ${doing}${more}`;
const post = (id: string, at: string, kind?: string) =>
  step(id, at, 'post', `${kind ? `\n    kind: ${kind}` : ''}\n    text: Message ${id}`);

describe('sheets written the way the articles recommend', () => {
  it.each(['clean-camp.yaml', 'clean-lead.yaml'])('%s lints clean', (file) => {
    const text = readFileSync(new URL(`../fixtures/lint/${file}`, import.meta.url), 'utf8');
    expect(lint(text)).toEqual([]);
  });
});

describe('conversion-without-warmup', () => {
  it('fires when nothing warms the group up, at the offer', () => {
    const text = sheet({}, post('offer', 'D7 20:00', 'conversion'));
    const [f] = lint(text, 'conversion-without-warmup');
    expect(f.line).toBe(lineOf(text, 'id: offer'));
    expect(f.message).toContain('no warm-up step');
    expect(f.hint).toContain('D5 or D6');
  });

  it('passes a warm-up one or two days before', () => {
    expect(lint(sheet({}, post('w', 'D6 20:00', 'warmup') + post('offer', 'D7 20:00', 'conversion')), 'conversion-without-warmup')).toEqual([]);
    expect(lint(sheet({}, post('w', 'D5 09:00', 'warmup') + post('offer', 'D7 20:00', 'conversion')), 'conversion-without-warmup')).toEqual([]);
  });

  it('fires when the only warm-up is too early or on the same day', () => {
    const early = lint(sheet({}, post('w', 'D2 20:00', 'warmup') + post('offer', 'D7 20:00', 'conversion')), 'conversion-without-warmup');
    expect(early[0].message).toContain('the nearest warm-up, step `w` at D2 20:00');
    expect(lint(sheet({}, post('w', 'D7 09:00', 'warmup') + post('offer', 'D7 20:00', 'conversion')), 'conversion-without-warmup')).toHaveLength(1);
  });

  it('in a lead group accepts a warm-up earlier in its short life', () => {
    const steps = post('w', 'T-2h', 'warmup') + post('offer', 'T+1h', 'conversion');
    expect(lint(sheet({ community: 'lead' }, steps), 'conversion-without-warmup')).toEqual([]);
    expect(lint(sheet({ community: 'lead' }, post('offer', 'T+1h', 'conversion')), 'conversion-without-warmup')).toHaveLength(1);
  });

  it('judges a member-triggered offer only when the sheet has no warm-up at all', () => {
    const dm = `
  - id: offer
    on: member_join
    after: 5d at 20:00
    do: direct_message
    kind: conversion
    text: The full course is open.`;
    expect(lint(sheet({}, dm), 'conversion-without-warmup')).toHaveLength(1);
    expect(lint(sheet({}, post('w', 'D3 20:00', 'warmup') + dm), 'conversion-without-warmup')).toEqual([]);
  });
});

describe('early-conversion', () => {
  const build = step('build', 'D-1 09:00', 'create_group', '\n    name: Camp');

  it("fires on the group's second day, naming when it was created", () => {
    const text = sheet({}, build + post('offer', 'D0 21:00', 'conversion'));
    const [f] = lint(text, 'early-conversion');
    expect(f.line).toBe(lineOf(text, 'at: D0 21:00'));
    expect(f.message).toContain("on the group's 2nd day");
    expect(f.message).toContain('created by step `build` at D-1 09:00');
    expect(f.hint).toContain('D1 or later');
  });

  it('passes from the third day on', () => {
    expect(lint(sheet({}, build + post('offer', 'D1 09:00', 'conversion')), 'early-conversion')).toEqual([]);
  });

  it('without create_group counts from the first step', () => {
    expect(lint(sheet({}, post('hello', 'D0 09:00') + post('offer', 'D1 20:00', 'conversion')), 'early-conversion')).toHaveLength(1);
    expect(lint(sheet({}, post('hello', 'D0 09:00') + post('offer', 'D2 20:00', 'conversion')), 'early-conversion')).toEqual([]);
  });

  it('forbids any selling in newcomer and fans groups, also to single members', () => {
    const dm = `
  - id: offer
    on: member_join
    after: 20d at 20:00
    do: direct_message
    kind: conversion
    text: Buy now.`;
    const [f] = lint(sheet({ community: 'newcomer' }, post('hello', 'D0 09:00') + dm), 'early-conversion');
    expect(f.message).toContain('a newcomer group is for the experience');
    expect(lint(sheet({ community: 'fans' }, post('offer', 'D30 20:00', 'conversion')), 'early-conversion')[0].message).toContain('die-hard fans');
    expect(lint(sheet({ community: 'delivery' }, post('hello', 'D0 09:00') + post('offer', 'D30 20:00', 'conversion')), 'early-conversion')).toEqual([]);
  });

  it('lets a lead group sell within its life, but not in its first hours', () => {
    const lead = step('build', 'D-1 10:00', 'create_group', '\n    name: Fission');
    expect(lint(sheet({ community: 'lead' }, lead + post('offer', 'T+1h', 'conversion')), 'early-conversion')).toEqual([]);
    const [f] = lint(sheet({ community: 'lead' }, lead + post('offer', 'D-1 11:00', 'conversion')), 'early-conversion');
    expect(f.message).toContain('60 minutes into the group');
  });

  it('does not count a conversion that may come before the group exists', () => {
    const text = sheet({ anchor_time: undefined }, step('build', 'T-12h', 'create_group', '\n    name: C') + post('offer', 'D-1 23:00', 'conversion'));
    expect(lint(text, 'early-conversion')).toEqual([]);
  });
});

describe('lead-lifespan', () => {
  const lead = (disband?: string) =>
    sheet({ community: 'lead' }, step('build', 'D-1 10:00', 'create_group', '\n    name: Fission') + (disband ? step('close', disband, 'disband') : ''));

  it('fires when a lead group is never disbanded, at its creation', () => {
    const text = lead();
    const [f] = lint(text, 'lead-lifespan');
    expect(f.line).toBe(lineOf(text, 'id: build'));
    expect(f.message).toContain('never disbanded');
  });

  it('fires when it lives under 12 or over 48 hours, with the hours', () => {
    expect(lint(lead('D-1 16:00'), 'lead-lifespan')[0].message).toContain('only 6 hours');
    expect(lint(lead('D2 10:00'), 'lead-lifespan')[0].message).toContain('3 days');
  });

  it('passes 12–48 hours, and ignores other communities', () => {
    expect(lint(lead('D0 22:00'), 'lead-lifespan')).toEqual([]);
    expect(lint(sheet({ community: 'delivery' }, step('build', 'D-1 10:00', 'create_group', '\n    name: G')), 'lead-lifespan')).toEqual([]);
  });

  it('without anchor_time judges D against T only when the range is certain', () => {
    const mixed = (d: string) => sheet({ community: 'lead', anchor_time: undefined }, step('build', 'T-1h', 'create_group', '\n    name: F') + step('close', d, 'disband'));
    // T-1h is between D-1 23:00 and D0 22:59: D1 10:00 is 11–35 hours later — could be fine.
    expect(lint(mixed('D1 10:00'), 'lead-lifespan')).toEqual([]);
    // D5 is more than 48 hours later whatever the anchor time.
    expect(lint(mixed('D5 10:00'), 'lead-lifespan')).toHaveLength(1);
  });
});

describe('camp-feedback', () => {
  it('fires when a camp never asks for feedback, at its last step', () => {
    const text = sheet({}, post('day1', 'D1 08:00') + post('last', 'D7 20:00') + step('close', 'D30 10:00', 'disband'));
    const [f] = lint(text, 'camp-feedback');
    expect(f.line).toBe(lineOf(text, 'id: last'));
    expect(f.message).toContain('never asks the students for feedback');
  });

  it('fires when the feedback comes days before the end', () => {
    const text = sheet({}, step('poll', 'D2 10:00', 'survey', '\n    text: How is it?') + post('last', 'D7 20:00'));
    expect(lint(text, 'camp-feedback')[0].message).toContain('the camp runs until D7 20:00');
  });

  it('passes a closing survey or a feedback-kind step, and ignores other communities', () => {
    expect(lint(sheet({}, post('last', 'D7 20:00') + step('poll', 'D8 10:00', 'survey', '\n    text: Rate us')), 'camp-feedback')).toEqual([]);
    expect(lint(sheet({}, post('last', 'D7 20:00') + post('review', 'D7 21:00', 'feedback')), 'camp-feedback')).toEqual([]);
    expect(lint(sheet({ community: 'delivery' }, post('last', 'D7 20:00')), 'camp-feedback')).toEqual([]);
  });
});

describe('rules-before-invite', () => {
  const rules = (at: string) => step('rules', at, 'announce', '\n    kind: rules\n    text: Be kind.');
  const welcome = (at: string) => step('welcome', at, 'welcome', '\n    text: Welcome!');
  const invite = step('open', 'D-1 10:00', 'invite');

  it('passes rules and welcome set before invitations open', () => {
    expect(lint(sheet({}, rules('D-1 09:00') + welcome('D-1 09:00') + invite), 'rules-before-invite')).toEqual([]);
  });

  it('fires at the invite when the rules come later', () => {
    const text = sheet({}, invite + rules('D0 09:00') + welcome('D-1 09:00'));
    const [f] = lint(text, 'rules-before-invite');
    expect(f.line).toBe(lineOf(text, 'id: open'));
    expect(f.message).toContain('the group rules come later (step `rules` at D0 09:00)');
  });

  it('fires when there is no welcome, and suggests announce for posted rules', () => {
    const posted = step('rules', 'D-1 09:00', 'post', '\n    kind: rules\n    text: Be kind.');
    const found = lint(sheet({}, posted + invite), 'rules-before-invite');
    expect(found).toHaveLength(2);
    expect(found.map((f) => f.hint).join(' ')).toContain('make it `do: announce`');
    expect(found.map((f) => f.message).join(' ')).toContain('never sets a welcome message');
  });

  it('is silent for sheets that never invite', () => {
    expect(lint(sheet({}, post('hello', 'D0 10:00')), 'rules-before-invite')).toEqual([]);
  });
});
