// A live code end to end on the local Telegram Bot API server, with the real server (serve():
// API, public page, worker, long polling) and the CLI: two groups the bot administers and no
// invite link yet; the first scan finds none, an `invite` row makes one with createChatInviteLink
// and the page says it is being prepared; then scans redirect to the first group's link, people
// join through it (chat_member.invite_link) and count as the live code's; the second group takes
// over when the first reaches its cap; all full raises the alert and the staff's create_group task
// (Telegram bots cannot create groups); the bot added to the group staff made gets it adopted, and
// once it is made an admin there (added as a plain member first) its link is made at once and
// scans go there. `chorus livecode status --json` prints exactly the contract's fields.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { eventually } from '../support/world.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function json<T>(...argv: string[]): Promise<T> {
  const r = await cli(...argv);
  if (r.code !== 0) throw new Error(`chorus ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

interface Status {
  current: string | null;
  groups: { group: string; name: string; members: number; cap: number | null; routed: number; full: boolean; ready: boolean; joins: number }[];
  scans: number;
  joins: number;
}

describe(`a live code on Telegram (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let tg: TelegramBotApi;
  let token: string;
  let channelId: string;
  const chats: number[] = [];
  const groups: string[] = [];
  let lc: { id: string; url: string };
  const staff = { id: 7001, first_name: 'Mei' };
  let nextUser = 8001;

  let scanned = 0;
  const scan = () => {
    scanned++;
    return fetch(`${server.url}${new URL(lc.url).pathname}?lang=en`, { redirect: 'manual' });
  };
  const status = async (): Promise<Status> => {
    const r = await fetch(`${server.url}/api/livecodes/${lc.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as Status;
  };
  const groupOf = async (chat: number) =>
    (await store.db.selectFrom('groups').select(['id', 'invite_link', 'member_count']).where('channel_id', '=', channelId).where('external_id', '=', String(chat)).executeTakeFirst());
  /** A person opens the live code, follows the redirect and joins through the link. */
  async function scanAndJoin(expectChat: number): Promise<void> {
    const r = await scan();
    expect(r.status).toBe(302);
    const link = r.headers.get('location') as string;
    expect(tg.chat(expectChat)?.inviteLinks.map((l) => l.invite_link)).toContain(link);
    await tg.join(expectChat, { id: nextUser++, first_name: 'Joiner' }, { inviteLink: link });
  }

  beforeAll(async () => {
    process.env.CHORUS_LIVECODE_SCANS_PER_MINUTE = '1000';
    store = await testStore();
    tg = await startTelegramBotApi();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-lc-tg-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, pollMs: 50, receiverLeaseMs: 3_000, publicUrl: new URL('https://chorus.example.com'), log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    token = await ensureAdminToken(store.db, dataDir);
    expect((await cli('channel', 'add', 'telegram', '--token', tg.token, '--api-root', tg.url, '--name', 'Spring bot')).code).toBe(0);
    channelId = (await store.db.selectFrom('channels').select('id').where('kind', '=', 'telegram').executeTakeFirstOrThrow()).id;
    // chat_member updates come only once the poller asked for them (allowed_updates).
    await eventually(async () => tg.calls('getUpdates').length > 0, 10_000, 'the first poll');
    // Staff add the bot (as an administrator) to two groups: Chorus learns of them from my_chat_member.
    for (const title of ['Spring 1', 'Spring 2']) chats.push(await tg.addBotToChat(title, staff.id));
    for (const chat of chats) {
      await eventually(async () => !!(await groupOf(chat)), 10_000, 'the group seen');
      groups.push((await groupOf(chat))!.id);
    }
  }, 60_000);
  afterAll(async () => {
    delete process.env.CHORUS_LIVECODE_SCANS_PER_MINUTE;
    await server?.close();
    await tg?.close();
    await store?.drop();
  });

  it('makes the first link through the ledger, then routes, counts the joins and moves on when a group fills', async () => {
    for (const chat of chats) expect((await groupOf(chat))?.invite_link).toBeNull();
    // A slow Bot API, so the first scan comes before the worker has the link.
    tg.setLatency(1_000);
    lc = await json<{ id: string; url: string }>('livecode', 'create', '--groups', `id:${groups.join(',')}`, '--cap', '5', '--auto-create', '--name', 'Spring', '--json');
    expect(lc.url).toMatch(/^https:\/\/chorus\.example\.com\/j\/[A-Za-z0-9_-]{16}$/);
    const first = await scan();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('being prepared');
    tg.setLatency(0);
    const invites = await store.db.selectFrom('ledger').select(['group_id', 'action', 'mode']).where('run_id', '=', `${lc.id}_ops`).where('step_id', '=', 'livecode-link').orderBy('group_id').execute();
    expect(invites).toEqual([...groups].sort().map((g) => ({ group_id: g, action: 'invite', mode: 'bot' })));
    // The worker sends the rows: createChatInviteLink, and the link kept on the group.
    await eventually(async () => !!(await groupOf(chats[0]))?.invite_link && !!(await groupOf(chats[1]))?.invite_link, 10_000, 'the invite links');
    expect(tg.calls('createChatInviteLink')).toHaveLength(2);
    expect(tg.chat(chats[0])?.inviteLinks[0]).toMatchObject({ name: 'Chorus live code', invite_link: (await groupOf(chats[0]))?.invite_link });

    for (let i = 0; i < 3; i++) await scanAndJoin(chats[0]);
    await eventually(async () => (await status()).joins === 3, 10_000, 'the joins counted');
    // Each group started with its creator and the bot (getChatMemberCount when the bot was added):
    // three seats under the cap of 5. The first group is at its cap: the second takes over.
    await scanAndJoin(chats[1]);
    await eventually(async () => (await status()).joins === 4, 10_000, 'the fourth join');
    const s = await status();
    expect(s.current).toBe(groups[1]);
    expect(s.groups.map((g) => [g.group, g.members, g.cap, g.full, g.joins])).toEqual([
      [groups[0], 5, 5, true, 3],
      [groups[1], 3, 5, false, 1],
    ]);
  }, 30_000);

  it('raises the alert and the staff task when every group is full', async () => {
    for (let i = 0; i < 2; i++) await scanAndJoin(chats[1]);
    const full = await scan();
    expect(full.status).toBe(200);
    const page = await full.text();
    expect(page).toContain('All groups are full right now');
    expect(page).not.toContain('Spring');
    const notes = await store.db.selectFrom('notifications').select('message').execute();
    expect(notes.filter((n) => n.message.includes('every group is full'))).toHaveLength(1);
    const task = await store.db.selectFrom('ledger').select(['action', 'mode', 'state']).where('run_id', '=', `${lc.id}_ops`).where('step_id', '=', 'livecode-new-group').execute();
    expect(task).toEqual([{ action: 'create_group', mode: 'human', state: 'assigned' }]);
    await eventually(async () => (await status()).joins === 6, 10_000, 'six joins');
    expect((await status()).current).toBeNull();
  }, 30_000);

  it('adopts the group staff made when the bot is added to it, and routes there', async () => {
    // Staff add the bot as a plain member first, as Telegram's member list does, then make it an admin.
    const chat = await tg.addBotToChat('Spring 3', staff.id, 'member');
    await eventually(async () => (await status()).groups.length === 3, 10_000, 'the adoption');
    // Without admin rights the bot cannot make the link; the row fails and says why.
    const third = (await groupOf(chat))!.id;
    const linkRows = () => store.db.selectFrom('ledger').select(['state', 'last_error']).where('group_id', '=', third).where('step_id', '=', 'livecode-link').orderBy('id').execute();
    await eventually(async () => (await linkRows())[0]?.state === 'failed', 10_000, 'the first try');
    expect((await linkRows())[0].last_error).toMatch(/Make the bot an admin/);
    // Made an admin: the link is asked for again at once (not after the 10-minute pause).
    await tg.setBotStatus(chat, 'administrator', staff.id);
    // The task is done: the group it asked for is there.
    expect(await store.db.selectFrom('ledger').select('state').where('run_id', '=', `${lc.id}_ops`).where('step_id', '=', 'livecode-new-group').execute()).toEqual([{ state: 'done' }]);
    await eventually(async () => !!(await groupOf(chat))?.invite_link, 10_000, 'its invite link');
    await eventually(async () => (await scan()).headers.get('location') === (await groupOf(chat))?.invite_link, 10_000, 'the scans routed there');
    await scanAndJoin(chat);
    await eventually(async () => (await status()).joins === 7, 10_000, 'a join in the new group');
    // Scans are written in batches (every 50 ms).
    await eventually(async () => (await status()).scans === scanned, 5_000, 'the scans written');
    const s = await json<Record<string, unknown>>('livecode', 'status', lc.id, '--json');
    expect(Object.keys(s)).toEqual(['id', 'url', 'current', 'groups', 'scans', 'joins']);
    expect(s).toMatchObject({ id: lc.id, url: lc.url, current: third, joins: 7 });
    expect(s.groups).toEqual([
      { group: groups[0], members: 5, cap: 5, full: true },
      { group: groups[1], members: 5, cap: 5, full: true },
      { group: third, members: 3, cap: 5, full: false },
    ]);
    expect(s.scans).toBe(scanned);
    // Nobody was sent past a cap.
    for (const x of await store.db.selectFrom('livecode_groups').select(['routed', 'seats']).where('livecode_id', '=', lc.id).execute()) expect(x.routed).toBeLessThanOrEqual(x.seats ?? 0);
    for (const g of s.groups as Record<string, unknown>[]) expect(Object.keys(g)).toEqual(['group', 'members', 'cap', 'full']);
  }, 30_000);
});
