// The members and segments commands against a real server (serve() on a random port), run
// in-process through runCli as a script would: the contract's JSON fields exactly, the readable
// tables, and the exit codes (1 for what the server refuses, 2 for a wrong call).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type PeopleWorld, seedPeople } from '../support/people-seed.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function json<T = Record<string, unknown>>(...argv: string[]): Promise<T> {
  const r = await cli(...argv);
  if (r.code !== 0) throw new Error(`chorus ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

const MEMBER_FIELDS = ['id', 'name', 'identities', 'groups', 'stage', 'level', 'points', 'tags', 'messages', 'checkins', 'lastActiveAt'];

describe(`chorus member and segment commands on ${engine}`, () => {
  let store: TestStore;
  let server: Server;
  let w: PeopleWorld;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-cli-members-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: false, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    w = await seedPeople(store.db, new Date());
    await store.db.insertInto('member_events').values({ member_id: w.m.alice, group_id: w.g1, kind: 'join', at: new Date(), detail: JSON.stringify({ link: 'https://t.me/+abc' }) }).execute();
  });
  afterAll(async () => {
    await server.close();
    await store.drop();
  });

  it('member list --json: exactly the contract fields', async () => {
    const list = await json<Record<string, unknown>[]>('member', 'list', '--json');
    expect(list.map((m) => m.name)).toEqual(['Alice Wang', 'Bob Li', 'Botty', 'Dave', 'Erin', 'Frank']);
    for (const m of list) expect(Object.keys(m)).toEqual(MEMBER_FIELDS);
    const alice = list[0] as { identities: Record<string, unknown>[]; groups: Record<string, unknown>[] };
    expect(alice.identities).toEqual([{ channel: w.tg, externalId: '111', username: 'alicew' }]);
    expect(alice.groups).toEqual([{ group: w.g1, role: null, joinedAt: expect.any(String), leftAt: null, via: { link: 'https://t.me/+abc', inviter: null, scene: null } }]);
    expect(alice).toMatchObject({ stage: 'engaged', level: 'active', points: 30, tags: ['vip'], messages: 10, checkins: 3, lastActiveAt: expect.any(String) });
    const vips = await json<{ name: string }[]>('member', 'list', '--where', 'tag:vip+!stage:customer', '--json');
    expect(vips.map((m) => m.name)).toEqual(['Alice Wang']);
  });

  it('member list: a readable table', async () => {
    const r = await cli('member', 'list', '--where', 'tag:vip');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^id +name +identities +groups +stage +level +points +tags +last active/);
    expect(r.out).toMatch(/mem_alice +Alice Wang +ch_tg:111 +Camp One +engaged +active +30 +vip/);
    expect(r.out).toContain('2 members');
    expect((await cli('member', 'list', '--where', 'tag:nobody')).out).toBe('No member matches "tag:nobody".');
  });

  it('a bad selector is a usage error (exit 2) naming the term', async () => {
    const r = await cli('member', 'list', '--where', 'tag:vip+stage:rich');
    expect(r.code).toBe(2);
    expect(r.err).toBe('The member selector is not valid: "rich" is not a stage; the stages are stranger, curious, acquainted, engaged, familiar, customer, repeat');
    expect((await cli('member', 'tag', '--where', 'frob', '--add', 'x')).code).toBe(2);
    expect((await cli('segment', 'save', 'x', '--where', '!')).code).toBe(2);
  });

  it('member show --json: the fields plus events; by <channel>:<platform id>; unknown → exit 1', async () => {
    const shown = await json<Record<string, unknown>>('member', 'show', `${w.tg}:111`, '--json');
    expect(Object.keys(shown)).toEqual([...MEMBER_FIELDS, 'events']);
    expect(shown.events).toEqual([{ at: expect.any(String), kind: 'join', group: w.g1, detail: { link: 'https://t.me/+abc' } }]);
    const text = await cli('member', 'show', w.m.alice);
    expect(text.out).toContain('Alice Wang (mem_alice)');
    expect(text.out).toContain('Camp One');
    const missing = await cli('member', 'show', 'mem_nobody');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('There is no member "mem_nobody"');
  });

  it('member tag: one member or a selector; nothing to change is a usage error', async () => {
    expect(await cli('member', 'tag', w.m.bob, '--add', 'gold,silver')).toMatchObject({ code: 0, out: 'Tags changed on 1 member.' });
    expect((await cli('member', 'tag', '--where', 'tag:gold', '--remove', 'silver', '--add', 'q4')).out).toBe('Tags changed on 1 member.');
    expect((await json<{ tags: string[] }>('member', 'show', w.m.bob, '--json')).tags).toEqual(['gold', 'q4']);
    expect((await cli('member', 'tag', w.m.bob)).code).toBe(2);
    expect((await cli('member', 'tag', '--add', 'x')).code).toBe(2);
    expect((await cli('member', 'tag', w.m.bob, '--where', 'all', '--add', 'x')).code).toBe(2);
    const bad = await cli('member', 'tag', w.m.bob, '--add', 'x'.repeat(51));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('longer than 50');
  });

  it('member points: {balance}; spending too much is refused (exit 1)', async () => {
    expect(await json('member', 'points', w.m.alice, '--add', '5', '--reason', 'helped', '--json')).toEqual({ balance: 35 });
    expect(await json('member', 'points', w.m.alice, '--spend', '10', '--reason', 'mug', '--json')).toEqual({ balance: 25 });
    expect((await cli('member', 'points', w.m.alice, '--spend', '10', '--reason', 'mug')).out).toBe('Balance: 15 points.');
    const over = await cli('member', 'points', w.m.alice, '--spend', '100', '--reason', 'car');
    expect(over.code).toBe(1);
    expect(over.err).toContain('fewer than the 100 to spend');
    expect((await cli('member', 'points', w.m.alice, '--add', '1', '--spend', '1', '--reason', 'x')).code).toBe(2);
    expect((await cli('member', 'points', w.m.alice, '--add', '-3', '--reason', 'x')).code).toBe(2);
    expect((await cli('member', 'points', w.m.alice, '--add', '3')).code).toBe(2);
  });

  it('member role: set and remove; a group by <channel>:<platform chat id>', async () => {
    expect((await cli('member', 'role', w.m.alice, '--group', `${w.tg}:-100`, '--set', 'committee')).out).toBe(`${w.m.alice} is committee in ${w.tg}:-100.`);
    expect((await json<{ groups: { role: string }[] }>('member', 'show', w.m.alice, '--json')).groups[0].role).toBe('committee');
    expect(await json('member', 'role', w.m.alice, '--group', w.g1, '--set', 'none', '--json')).toEqual({ role: 'none' });
    expect((await cli('member', 'role', w.m.alice, '--group', w.g3, '--set', 'kol')).code).toBe(1);
    expect((await cli('member', 'role', w.m.alice, '--group', w.g1, '--set', 'king')).code).toBe(1);
  });

  it('segment save and list --json: {name, selector, members}', async () => {
    expect((await cli('segment', 'save', 'vips', '--where', 'tag:vip')).out).toBe('Saved segment vips: tag:vip');
    await cli('segment', 'save', 'quiet', '--where', 'inactive>14d');
    expect(await json('segment', 'list', '--json')).toEqual([
      { name: 'quiet', selector: 'inactive>2w', members: 3 },
      { name: 'vips', selector: 'tag:vip', members: 2 },
    ]);
    expect((await cli('segment', 'list')).out).toMatch(/vips +tag:vip +2/);
  });

  it('member merge and forget', async () => {
    const merged = await json<Record<string, unknown>>('member', 'merge', w.m.erin, `${w.tg}:555`, '--json');
    expect(Object.keys(merged)).toEqual(MEMBER_FIELDS);
    expect((merged.identities as unknown[]).length).toBe(2);
    const same = await cli('member', 'merge', w.m.alice, w.m.bob);
    expect(same.code).toBe(1);
    expect(same.err).toContain('same channel');
    expect((await cli('member', 'forget', w.m.dave)).out).toBe(`Erased the personal data of ${w.m.dave}; the counts stay.`);
    expect((await json<{ id: string }[]>('member', 'list', '--json')).map((m) => m.id)).not.toContain(w.m.dave);
    expect((await cli('member', 'forget', w.m.dave)).code).toBe(1);
  });
});
