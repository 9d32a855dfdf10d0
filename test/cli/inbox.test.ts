// chorus inbox [--groups] [--state] [--json] and chorus inbox reply <id> --text against a running
// server on a sandbox channel: the exact --json shape of the contract, the reply sent by the
// server's worker into the group as a reply, the question then answered, usage errors.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { runCli } from '../../src/cli/program.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { loadSecretKey, secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually } from '../support/world.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`chorus inbox on ${engine}`, () => {
  let store: TestStore;
  let server: Server;
  let channel: string;
  let group: string;

  beforeAll(async () => {
    store = await testStore();
    const dir = mkdtempSync(join(tmpdir(), 'chorus-cli-inbox-'));
    channel = (await addChannel(store.db, secretBox(loadSecretKey(dir)), { kind: 'sandbox', name: 'sandbox', config: {} })).id;
    group = await ensureGroup(store.db, channel, 'camp', 'Camp');
    await ingestEvent({ db: store.db }, channel, { type: 'message', chatId: 'camp', messageId: '41', from: { externalId: 'lin', name: 'Lin' }, text: '请问打卡截止到几点？', links: [], mentions: [], at: new Date(Date.now() - 90_000) });
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: dir, store, pollMs: 30, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dir;
    delete process.env.CHORUS_TOKEN;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('lists with the contract shape and replies into the group', async () => {
    const listed = await cli('inbox', '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'group', 'member', 'text', 'at', 'waitingSeconds', 'state']);
    expect(rows[0]).toMatchObject({ group, member: expect.stringMatching(/^mem_/), text: '请问打卡截止到几点？', state: 'open' });
    expect(rows[0]!.waitingSeconds).toBeGreaterThanOrEqual(90);
    expect((await cli('inbox', '--groups', 'tag:none', '--json')).out).toBe('[]');
    expect((await cli('inbox')).out).toMatch(/Camp\s+Lin\s+请问打卡截止到几点？\s+1 min/);

    const id = String(rows[0]!.id);
    const replied = await cli('inbox', 'reply', id, '--text', '晚上 10 点前');
    expect(replied).toMatchObject({ code: 0, out: expect.stringContaining(`reply to question ${id}`) });
    await eventually(async () => !!(await store.db.selectFrom('sandbox_messages').select('id').where('kind', '=', 'reply').where('text', '=', '晚上 10 点前').executeTakeFirst()), 10_000, 'the reply sent');
    expect(JSON.parse((await cli('inbox', '--json')).out)).toEqual([]);
    expect(JSON.parse((await cli('inbox', '--state', 'answered', '--json')).out)).toMatchObject([{ id: Number(id), state: 'answered' }]);

    expect((await cli('inbox', '--state', 'maybe')).code).toBe(2);
    expect((await cli('inbox', 'reply', 'q1', '--text', 'x')).code).toBe(2);
    expect(await cli('inbox', 'reply', '999', '--text', 'x')).toMatchObject({ code: 1, err: expect.stringContaining('There is no question 999') });
  });
});
