// `chorus admission …` and `chorus blacklist …` against a real server on a random port, run
// in-process as a script would: the exact JSON fields, and the exit codes (0 done, 1 the server
// refused, 2 a wrong call).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`chorus admission and blacklist (${engine})`, () => {
  let store: TestStore;
  let server: Server;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-cli-admission-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: false, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    await store.db.insertInto('channels').values({ id: 'ch_sb', kind: 'sandbox', name: 'sb', config_sealed: 'unused' }).execute();
    await ensureGroup(store.db, 'ch_sb', 'g1', 'Camp');
    for (const [id, name] of [['u1', 'Lin'], ['u2', 'Mei']]) {
      await ingestEvent({ db: store.db }, 'ch_sb', { type: 'join_request', chatId: 'g1', member: { externalId: id, name }, at: new Date() });
    }
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('lists applications with exactly the contract fields', async () => {
    const r = await cli('admission', 'list', '--state', 'pending', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as Record<string, unknown>[];
    expect(list).toHaveLength(2);
    for (const a of list) {
      expect(Object.keys(a).sort()).toEqual(['answers', 'group', 'id', 'member', 'reason', 'reviewer', 'source', 'state']);
      expect(a).toMatchObject({ source: 'join_request', state: 'pending', answers: [] });
    }
    expect((await cli('admission', 'list')).out).toContain('Lin');
    expect((await cli('admission', 'list', '--state', 'maybe')).code).toBe(1);
  });

  it('approves and rejects, with the reason required', async () => {
    const [a, b] = JSON.parse((await cli('admission', 'list', '--json')).out) as { id: string }[];
    expect((await cli('admission', 'reject', a.id)).code).toBe(2);
    const rejected = await cli('admission', 'reject', a.id, '--reason', 'not a student');
    expect(rejected.code).toBe(0);
    expect((await cli('admission', 'approve', b.id)).code).toBe(0);
    const again = await cli('admission', 'approve', b.id);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already approved');
    expect((await cli('admission', 'approve', 'adm_nope')).code).toBe(1);
    const decided = JSON.parse((await cli('admission', 'list', '--json')).out) as { id: string; state: string; reason: string | null }[];
    expect(decided.find((x) => x.id === a.id)).toMatchObject({ state: 'rejected', reason: 'not a student' });
    expect(decided.find((x) => x.id === b.id)).toMatchObject({ state: 'approved' });
  });

  it('adds, lists and removes blacklist entries by <channel>:<user id> or member id', async () => {
    expect((await cli('blacklist', 'add', 'ch_sb:u1')).code).toBe(2);
    const added = await cli('blacklist', 'add', 'ch_sb:u1', '--reason', 'spam');
    expect(added.code).toBe(0);
    const list = JSON.parse((await cli('blacklist', 'list', '--json')).out) as { member: string; reason: string }[];
    expect(list).toEqual([expect.objectContaining({ reason: 'spam', identities: [{ channel: 'ch_sb', externalId: 'u1' }] })]);
    expect((await cli('blacklist', 'add', list[0].member, '--reason', 'again')).code).toBe(1);
    const unknown = await cli('blacklist', 'add', 'ch_sb:nobody', '--reason', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('There is no member "ch_sb:nobody"');
    expect((await cli('blacklist', 'remove', list[0].member)).code).toBe(0);
    expect(JSON.parse((await cli('blacklist', 'list', '--json')).out)).toEqual([]);
    expect((await cli('blacklist', 'remove', list[0].member)).code).toBe(1);
  });
});
