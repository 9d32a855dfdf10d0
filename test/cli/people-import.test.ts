// `chorus member import`, `chorus orders import`, `chorus orders webhook` and `chorus candidates`
// against a real server started in-process, as a script would run them: the exact JSON fields
// and the exit codes (0 written, 1 rows with problems and nothing written, 2 unreadable file).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { recordMemberEvent } from '../../src/community/events.ts';
import { ensureMember, openMembership } from '../../src/community/members.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`chorus member import, orders, candidates (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let dir: string;
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-cli-people-'));
    dir = mkdtempSync(join(tmpdir(), 'chorus-cli-files-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('member import --json: {created, updated, errors}, exit 0', async () => {
    const r = await cli('member', 'import', file('m.csv', '\uFEFF手机,姓名,城市\n13800138000,林伟,杭州\n13900139000,王芳,上海\n'), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ created: 2, updated: 0, errors: [] });
    const again = await cli('member', 'import', file('m2.csv', 'phone,name\n13800138000,Lin Wei\n'));
    expect(again).toMatchObject({ code: 0, out: expect.stringContaining('0 members created, 1 updated') });
  });

  it('member import with bad rows: exit 1, every row named, nothing written', async () => {
    const p = file('bad.csv', 'phone,name\n13700137000,OK\nnot-a-phone,X\n');
    const r = await cli('member', 'import', p, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ created: 0, updated: 0, errors: [{ row: 3, message: expect.stringContaining('phone: "not-a-phone" is not a phone number') }] });
    const human = await cli('member', 'import', p);
    expect(human.code).toBe(1);
    expect(human.err).toContain(`${p}: row 3: phone: "not-a-phone"`);
    expect(human.err).toContain('1 problem; nothing was written.');
    expect(await store.db.selectFrom('members').select('id').where('phone', '=', '+8613700137000').execute()).toEqual([]);
    expect((await cli('member', 'import', join(dir, 'missing.csv'))).code).toBe(2);
  });

  it('orders import --json: {imported, updated, errors}; a re-import updates', async () => {
    const p = file('o.csv', 'order,phone,amount,product,at\nX-1,13800138000,199,Camp,2026-12-01 20:00\n');
    const first = await cli('orders', 'import', p, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ imported: 1, updated: 0, errors: [] });
    expect(JSON.parse((await cli('orders', 'import', p, '--json')).out)).toEqual({ imported: 0, updated: 1, errors: [] });
  });

  it('orders webhook --json: {url, secret}; --rotate makes a new one', async () => {
    const a = JSON.parse((await cli('orders', 'webhook', '--json')).out);
    expect(Object.keys(a)).toEqual(['url', 'secret']);
    expect(a.url).toBe(`${server.url}/webhooks/orders`);
    const b = JSON.parse((await cli('orders', 'webhook', '--rotate', '--json')).out);
    expect(b.secret).not.toBe(a.secret);
  });

  it('candidates --json: [{member, name, score, reasons}] with English reasons', async () => {
    const db = store.db;
    await db.insertInto('channels').values({ id: 'tg', kind: 'telegram', name: 'Telegram', config_sealed: 'unused' }).execute();
    await db.insertInto('groups').values({ id: 'gc', channel_id: 'tg', external_id: '-9', name: 'Camp' }).execute();
    const m = (await ensureMember(db, 'tg', { externalId: '5', name: 'Mia' })).id;
    await openMembership(db, { groupId: 'gc', memberId: m, joinedAt: new Date(Date.now() - 3 * 86_400_000) });
    await recordMemberEvent(db, { memberId: m, groupId: 'gc', kind: 'reply', at: new Date() });
    const r = await cli('candidates', '--group', 'tg:-9', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out);
    expect(list).toEqual([{ member: m, name: 'Mia', score: expect.any(Number), reasons: ['answered 1 question from others', 'in the group for 3 days'] }]);
    expect(Object.keys(list[0])).toEqual(['member', 'name', 'score', 'reasons']);
    expect((await cli('candidates', '--group', 'nope')).code).toBe(1);
    expect((await cli('candidates', '--group', 'gc', '--top', 'x')).code).toBe(2);
    expect((await cli('candidates')).code).toBe(2);
  });
});
