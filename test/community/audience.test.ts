// The member selector: the grammar (every term, negation, the errors' words naming the term) and
// its query on a small world — present vs left, enrolled without bots and leaders, tags, stages,
// levels, roles, group terms, durations, counts, combined terms and a leader's visibility.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceQuery, type AudienceScope } from '../../src/community/audience.ts';
import { english, render } from '../../src/i18n/index.ts';
import { AudienceError, audienceProblem, formatAudience, parseAudience } from '../../src/sop/audience.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type PeopleWorld, seedPeople } from '../support/people-seed.ts';

const problem = (text: string) => {
  const p = audienceProblem(text);
  return p ? english(p) : undefined;
};

describe('the member selector grammar', () => {
  it('reads every term', () => {
    const terms = parseAudience(
      'all+members+enrolled+tag:vip+stage:customer+level:active+role:kol+group:tag:camp+segment:vips+joined<7d+active<12h+inactive>2w+points>=10+checkins<3+points=0+checkins>1+points<=5',
    ).map((c) => c.term);
    expect(terms).toEqual([
      { kind: 'all' },
      { kind: 'members' },
      { kind: 'enrolled' },
      { kind: 'tag', value: 'vip' },
      { kind: 'stage', value: 'customer' },
      { kind: 'level', value: 'active' },
      { kind: 'role', value: 'kol' },
      { kind: 'group', value: 'tag:camp' },
      { kind: 'segment', value: 'vips' },
      { kind: 'joined', minutes: 7 * 1440 },
      { kind: 'active', minutes: 720 },
      { kind: 'inactive', minutes: 2 * 10080 },
      { kind: 'points', op: '>=', value: 10 },
      { kind: 'checkins', op: '<', value: 3 },
      { kind: 'points', op: '=', value: 0 },
      { kind: 'checkins', op: '>', value: 1 },
      { kind: 'points', op: '<=', value: 5 },
    ]);
  });

  it('negates a term with !, tolerates spaces, and writes the canonical form back', () => {
    const c = parseAudience(' tag:vip + ! stage:customer + active < 7d + joined<90m ');
    expect(c.map((x) => x.negated)).toEqual([false, true, false, false]);
    expect(formatAudience(c)).toBe('tag:vip+!stage:customer+active<1w+joined<90m');
    expect(formatAudience(parseAudience('inactive>48h+points>=3'))).toBe('inactive>2d+points>=3');
  });

  it('says what is wrong, naming the term', () => {
    expect(problem('')).toMatch(/^the member selector is empty/);
    expect(problem('tag:vip+frobnicate')).toMatch(/^"frobnicate" is not a member selector term/);
    expect(problem('stage:rich')).toBe('"rich" is not a stage; the stages are stranger, curious, acquainted, engaged, familiar, customer, repeat');
    expect(problem('level:guru')).toContain('"guru" is not a level');
    expect(problem('role:king')).toContain('"king" is not a role in a group; the roles are leader, assistant, committee, kol');
    expect(problem('tag:')).toBe('"tag:" needs a value after the colon');
    expect(problem('!')).toContain('put the term to negate right after the "!"');
    expect(problem('active>7d')).toBe('"active>7d" is written active<7d');
    expect(problem('inactive<7d')).toBe('"inactive<7d" is written inactive>7d');
    expect(problem('joined<0d')).toBe('"joined<0d" needs a number greater than 0');
    expect(problem('points>>3')).toContain('"points>>3" is not a comparison I can read');
    expect(problem('active<7y')).toContain('"active<7y" is not a comparison');
    expect(problem('colour:red')).toContain('"colour:red" is not a member selector term');
    expect(problem(Array.from({ length: 21 }, () => 'all').join('+'))).toBe('a member selector holds at most 20 terms');
    expect(problem('tag:vip+active<7d')).toBeUndefined();
  });

  it('words errors in Chinese too', () => {
    try {
      parseAudience('stage:rich');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AudienceError);
      expect(render('zh', (e as AudienceError).text)).toContain('“rich”不是关系阶段');
    }
  });
});

describe(`the member selector's query (${engine})`, () => {
  let store: TestStore;
  let w: PeopleWorld;
  const now = new Date('2026-12-01T12:00:00Z');
  const pick = async (selector: string, scope: Partial<AudienceScope> = {}) => {
    const q = await audienceQuery(store.db, selector, { now, ...scope });
    const ids = (await q.execute()).map((r) => r.id);
    const names = Object.entries(w.m).filter(([, id]) => ids.includes(id)).map(([n]) => n);
    return names.sort();
  };

  beforeAll(async () => {
    store = await testStore();
    w = await seedPeople(store.db, now);
  });
  afterAll(async () => {
    await store.drop();
  });

  it('all: everyone but the forgotten', async () => {
    expect(await pick('all')).toEqual(['alice', 'bob', 'botty', 'dave', 'erin', 'frank']);
  });

  it('members: present in a group now; in a step, in that group', async () => {
    expect(await pick('members')).toEqual(['alice', 'bob', 'botty', 'dave', 'erin', 'frank']);
    // Bob left g1 yesterday: no longer one of its members.
    expect(await pick('members', { groupId: w.g1 })).toEqual(['alice', 'botty', 'dave']);
    expect(await pick('all', { groupId: w.g2 })).toEqual(['bob', 'frank']);
  });

  it('enrolled: present, not a bot, not the group leader or assistant', async () => {
    expect(await pick('enrolled', { groupId: w.g1 })).toEqual(['alice']);
    expect(await pick('enrolled')).toEqual(['alice', 'bob', 'erin', 'frank']);
  });

  it('tag, stage, level, role', async () => {
    expect(await pick('tag:vip')).toEqual(['alice', 'erin']);
    expect(await pick('tag:buyer')).toEqual(['erin']);
    expect(await pick('stage:customer')).toEqual(['erin']);
    expect(await pick('stage:stranger')).toEqual(['botty', 'dave', 'frank']);
    expect(await pick('level:contributing')).toEqual(['erin']);
    expect(await pick('role:leader')).toEqual(['dave']);
    expect(await pick('role:kol')).toEqual(['frank']);
    expect(await pick('role:kol', { groupId: w.g1 })).toEqual([]);
  });

  it('group:<group selector term>: present in a group it picks', async () => {
    expect(await pick('group:tag:camp')).toEqual(['alice', 'botty', 'dave']);
    expect(await pick('group:id:grp_2')).toEqual(['bob', 'frank']);
    expect(await pick('group:channel:wc')).toEqual(['erin']);
    expect(await pick('group:tag:nothing')).toEqual([]);
  });

  it('joined<, active<, inactive> (never active counts as inactive)', async () => {
    expect(await pick('joined<7d')).toEqual(['alice', 'frank']);
    expect(await pick('joined<7d', { groupId: w.g2 })).toEqual(['frank']);
    expect(await pick('active<2d')).toEqual(['alice', 'frank']);
    expect(await pick('active<13h')).toEqual(['frank']);
    expect(await pick('active<12h')).toEqual([]);
    expect(await pick('inactive>14d')).toEqual(['bob', 'botty', 'erin']);
  });

  it('points and check-in counts', async () => {
    expect(await pick('points>=30')).toEqual(['alice', 'frank']);
    expect(await pick('points>30')).toEqual(['frank']);
    expect(await pick('points=5')).toEqual(['dave']);
    expect(await pick('points<5')).toEqual(['bob', 'botty', 'erin']);
    expect(await pick('checkins>=3')).toEqual(['alice']);
    expect(await pick('checkins<=0')).toEqual(['bob', 'botty', 'dave', 'erin', 'frank']);
  });

  it('combines terms (all must hold) and negations', async () => {
    expect(await pick('tag:vip+!stage:customer')).toEqual(['alice']);
    expect(await pick('tag:vip+active<7d+!stage:customer')).toEqual(['alice']);
    expect(await pick('!tag:vip+members+!role:leader')).toEqual(['bob', 'botty', 'frank']);
    expect(await pick('enrolled+inactive>14d')).toEqual(['bob', 'erin']);
  });

  it("a leader sees members who are or were in their groups, and nobody else's", async () => {
    const ann = [w.g1, w.g3];
    // Bob left ann's g1 but was in it: ann still sees him; Frank is only in bob's g2.
    expect(await pick('all', { visibleGroups: ann })).toEqual(['alice', 'bob', 'botty', 'dave', 'erin']);
    expect(await pick('role:kol', { visibleGroups: ann })).toEqual([]);
    expect(await pick('all', { visibleGroups: [w.g2] })).toEqual(['bob', 'frank']);
    expect(await pick('all', { visibleGroups: [] })).toEqual([]);
  });

  it('segment:<name>: what a saved segment picks, negatable, nested; unknown or looping is an error', async () => {
    await store.db.insertInto('segments').values([
      { name: 'vips', selector: 'tag:vip' },
      { name: 'quiet-vips', selector: 'segment:vips+inactive>14d' },
      { name: 'loop-a', selector: 'segment:loop-b' },
      { name: 'loop-b', selector: 'tag:x+segment:loop-a' },
    ]).execute();
    expect(await pick('segment:vips')).toEqual(['alice', 'erin']);
    expect(await pick('segment:quiet-vips')).toEqual(['erin']);
    expect(await pick('members+!segment:vips')).toEqual(['bob', 'botty', 'dave', 'frank']);
    expect(await pick('segment:vips', { visibleGroups: [w.g1] })).toEqual(['alice']);
    await expect(pick('segment:nope')).rejects.toThrow(AudienceError);
    await expect(pick('segment:nope')).rejects.toMatchObject({ text: { key: 'audience.noSegment' } });
    await expect(pick('segment:loop-a')).rejects.toMatchObject({ text: { key: 'audience.segmentLoop', vars: { name: 'loop-a', path: 'loop-a → loop-b → loop-a' } } });
  });

  it('a send leaves out bots and the blacklisted', async () => {
    await store.db.updateTable('members').set({ blacklisted_at: now }).where('id', '=', w.m.alice).execute();
    expect(await pick('members', { groupId: w.g1, sending: true })).toEqual(['dave']);
    await store.db.updateTable('members').set({ blacklisted_at: null }).where('id', '=', w.m.alice).execute();
  });
});
