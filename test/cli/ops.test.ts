// The operational CLI against a real server started in-process on a random port (serve()), run
// in-process through runCli with CHORUS_URL / CHORUS_DATA set, as a script would use it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { workerCommand } from '../../src/cli/worker.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { makeUser } from '../server/accounts-world.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { eventually } from '../support/world.ts';

const SHEET = `sop: cli-kickoff
title: Kick-off
community: training_camp
timezone: Asia/Shanghai
anchor: Kick-off
vars:
  course: { required: true }
steps:
  - id: hello
    at: T0
    do: post
    text: "Welcome to {{ course }}, {{ group.name }}!"
  - id: call
    at: T+1h
    do: task
    by: leader
    text: Call each new member.
`;

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

interface Status {
  id: string;
  state: string;
  counts: Record<string, number>;
  actions: Record<string, unknown>[];
}

async function startServer(opts: { worker?: boolean } = {}) {
  const store = await testStore();
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-cli-'));
  const server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: opts.worker, pollMs: 100, log: () => {} });
  return { store, dataDir, server };
}

function useServer(s: { server: Server; dataDir: string }) {
  process.env.CHORUS_URL = s.server.url;
  process.env.CHORUS_DATA = s.dataDir;
  delete process.env.CHORUS_TOKEN;
}

describe(`chorus operational commands on ${engine}`, () => {
  let store: TestStore;
  let server: Server;
  let dir: string;
  let sheetFile: string;
  let tg: TelegramBotApi | undefined;
  const soon = () => new Date(Date.now() + 500).toISOString();
  const later = () => new Date(Date.now() + 3_600_000).toISOString();

  beforeAll(async () => {
    const s = await startServer();
    ({ store, server } = s);
    useServer(s);
    // Leaders are people in the team: a group's leader must be someone who can sign in.
    for (const name of ['ann', 'bob', 'cat']) await makeUser(store.db, name, 'leader');
    dir = mkdtempSync(join(tmpdir(), 'chorus-sheets-'));
    sheetFile = join(dir, 'kickoff.yaml');
    writeFileSync(sheetFile, SHEET);
  });
  afterAll(async () => {
    await server.close();
    await tg?.close();
    await store.drop();
  });

  it('adds a sandbox channel and three groups, and lists them', async () => {
    const ch = await json<{ id: string; kind: string }>('channel', 'add', 'sandbox', '--name', 'sandbox', '--json');
    expect(ch.kind).toBe('sandbox');
    for (const i of [1, 2, 3]) {
      const r = await cli('group', 'add', 'sandbox', `chat-${i}`, '--name', `Group ${i}`, '--leader', i === 2 ? 'bob' : 'ann', '--community', 'training_camp', '--tag', i === 2 ? 'even' : 'odd');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Added group "Group ${i}"`);
    }
    const groups = await json<{ name: string; leader: string }[]>('group', 'list', '--json');
    expect(groups.map((g) => g.name)).toEqual(['Group 1', 'Group 2', 'Group 3']);
    const list = await cli('channel', 'list');
    expect(list.out).toMatch(/ch_\w+ +sandbox +sandbox +active/);
    const odd = await cli('group', 'list', '--groups', 'tag:odd');
    expect(odd.out).toContain('Group 3');
    expect(odd.out).not.toContain('Group 2');
    expect(odd.out).toContain('2 groups');
    const set = await cli('group', 'set', 'chat-2', '--leader', 'cat', '--tag', 'even', 'vip');
    expect(set.out).toContain('leader cat');
    expect(set.out).toContain('tags even,vip');
    const typo = await cli('group', 'set', 'chat-2', '--leader', 'cta');
    expect(typo.code).toBe(1);
    expect(typo.err).toContain('There is no person "cta" in the team');
    expect(typo.err).toContain('Did you mean cat');
    // A leader set outside the console (a connector, an import) is flagged, not refused.
    await store.db.updateTable('groups').set({ leader: 'linwie' }).where('external_id', '=', 'chat-3').execute();
    const flagged = await cli('group', 'list');
    expect(flagged.out).toContain('linwie (not in the team!)');
    expect(flagged.out).toContain('1 group has a leader who is not in the team');
    await store.db.updateTable('groups').set({ leader: 'ann' }).where('external_id', '=', 'chat-3').execute();
  });

  it('adds a Telegram bot; the server then receives its updates by long polling', async () => {
    // Closed after the server (afterAll), so the polling loop ends with the server, not in errors.
    tg = await startTelegramBotApi();
    const wrong = await cli('channel', 'add', 'telegram', '--token', `${tg.token.split(':')[0]}:AAnopenopenopenopenopenopenopenopeno`, '--api-root', tg.url);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/Telegram refused these credentials.*\(field: config\)/);
    const cut = await cli('channel', 'add', 'telegram', '--token', `${tg.token.split(':')[0]}:nope`, '--api-root', tg.url);
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(/not a whole Telegram bot token.*@BotFather/);
    const r = await cli('channel', 'add', 'telegram', '--token', tg.token, '--api-root', tg.url, '--name', 'camp bot');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Added telegram channel "camp bot"`);
    expect(r.out).toContain(`acting as @${tg.bot.username}`);
    const list = await json<{ name: string; webhook: string | null }[]>('channel', 'list', '--json');
    expect(JSON.stringify(list)).not.toContain(tg.token.split(':')[1]);
    const chat = tg.addChat({ title: 'Polled camp', members: [{ user: { id: 42 } }] });
    await tg.say(chat, 42, 'anyone here?');
    await eventually(
      async () => (await store.db.selectFrom('inbound_events').select('type').where('chat_id', '=', String(chat)).execute()).some((e) => e.type === 'message'),
      10_000,
      'the polled message',
    );
  });

  it('previews a run from a file: the forecast in words, nothing started', async () => {
    const r = await cli('run', 'preview', sheetFile, '--groups', 'channel:sandbox', '--anchor', later(), '--var', 'course=Go');
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 groups, 6 actions: 3 by the bot, 3 by people');
    expect(r.out).toMatch(/the last message goes out at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC[+-]\d{2}:\d{2}, at most \d+ s behind schedule/);
    expect(r.out).toContain('Nothing was started');
    expect(await store.db.selectFrom('runs').selectAll().execute()).toHaveLength(0);
  });

  it('starts a run (--json prints exactly {id}); status --json has the contract shape and reaches sent', async () => {
    const started = await cli('run', 'start', sheetFile, '--groups', 'channel:sandbox', '--anchor', soon(), '--var', 'course=Go', '--json');
    expect(started.code).toBe(0);
    const { id, ...rest } = JSON.parse(started.out) as { id: string };
    expect(rest).toEqual({});
    expect(id).toMatch(/^run_/);
    await eventually(async () => ((await json<Status>('run', 'status', id, '--json')).counts.sent ?? 0) === 3, 10_000, 'three sends');
    const s = await json<Status>('run', 'status', id, '--json');
    expect(Object.keys(s).sort()).toEqual(['actions', 'counts', 'id', 'state']);
    expect(s).toMatchObject({ id, state: 'running', counts: { sent: 3, assigned: 3 } });
    expect(s.actions).toHaveLength(6);
    for (const a of s.actions) expect(Object.keys(a).sort()).toEqual(['attempts', 'due', 'error', 'executor', 'group', 'state', 'step']);
    expect(s.actions.find((a) => a.step === 'hello')).toMatchObject({ state: 'sent', executor: 'bot', attempts: 1, error: null });
    const human = await cli('run', 'status', id);
    expect(human.out).toContain(`Run ${id} of cli-kickoff@1: running, 6 actions`);
    expect(human.out).toMatch(/sent +3/);
    expect(human.out).toMatch(/Next:[\s\S]*call +assigned +(ann|cat)/);
  });

  it('starts a run from a stored sheet id, then pauses, resumes and cancels it', async () => {
    const { id } = await json<{ id: string }>('run', 'start', 'cli-kickoff@1', '--groups', 'tag:odd', '--anchor', later(), '--var', 'course=Rust', '--json');
    expect((await cli('run', 'pause', id)).out).toContain(`Paused ${id}`);
    const twice = await cli('run', 'pause', id);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('The run is paused');
    expect((await cli('run', 'resume', id)).code).toBe(0);
    expect((await json<Status>('run', 'status', id, '--json')).state).toBe('running');
    const cancel = await cli('run', 'cancel', id);
    expect(cancel.out).toContain('4 actions will not be executed');
    expect(await json<Status>('run', 'status', id, '--json')).toMatchObject({ state: 'cancelled', counts: { cancelled: 4 } });
  });

  it('re-plans a run with a changed sheet file', async () => {
    const { id } = await json<{ id: string }>('run', 'start', sheetFile, '--groups', 'id:chat-1', '--anchor', later(), '--var', 'course=Go', '--json');
    const changed = join(dir, 'kickoff-v2.yaml');
    writeFileSync(changed, SHEET.replace('Call each new member.', 'Call each new member today.'));
    const r = await cli('run', 'replan', id, changed);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/now follows version 2: 2 future actions replaced by 2/);
  });

  it('warns in the preview about another run landing in the same groups in the same hour', async () => {
    const at = new Date(Math.ceil(Date.now() / 3_600_000 + 2) * 3_600_000).toISOString();
    await json('run', 'start', sheetFile, '--groups', 'id:chat-3', '--anchor', at, '--var', 'course=Go', '--json');
    const r = await cli('run', 'preview', sheetFile, '--groups', 'id:chat-1,chat-3', '--anchor', at, '--var', 'course=Go');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Warning: other runs land in the same groups in the same hours');
    // The other run's post and task are each in the same hour as this one's, in Group 3 only.
    expect(r.out).toContain('"Kick-off": 2 actions in 1 group, over 2 hours');
    expect(r.out).toMatch(/Group 3 +1 +Kick-off +1/);
    expect(r.out).not.toMatch(/Group 1 +1 +Kick-off/);
  });

  it('broadcasts (--json prints exactly {id}); broadcast status --json has the run status shape', async () => {
    const out = await cli('broadcast', '--text', 'Live in 10 minutes!', '--groups', 'channel:sandbox', '--by', 'bot', '--deadline', '1h', '--json');
    expect(out.code).toBe(0);
    const b = JSON.parse(out.out) as { id: string };
    expect(Object.keys(b)).toEqual(['id']);
    await eventually(async () => ((await json<Status>('broadcast', 'status', b.id, '--json')).counts.sent ?? 0) === 3, 10_000, 'three broadcast sends');
    const s = await json<Status>('broadcast', 'status', b.id, '--json');
    expect(Object.keys(s).sort()).toEqual(['actions', 'counts', 'id', 'state']);
    for (const a of s.actions) expect(Object.keys(a).sort()).toEqual(['attempts', 'due', 'error', 'executor', 'group', 'state', 'step']);
    const sent = await store.db.selectFrom('sandbox_messages').select('chat_id').where('text', '=', 'Live in 10 minutes!').execute();
    expect(sent.map((m) => m.chat_id).sort()).toEqual(['chat-1', 'chat-2', 'chat-3']);
  });

  it('acts on one action: changes its text, hands it on, skips it; refuses what its state does not allow', async () => {
    const { id } = await json<{ id: string }>('broadcast', '--text', 'Check the pinned notes', '--groups', 'id:chat-1', '--by', 'leader', '--json');
    const [task] = (await json<{ id: number; runId: string }[]>('tasks', '--assignee', 'ann', '--json')).filter((t) => t.runId === id);
    expect((await cli('action', 'edit', String(task.id), '--text', 'Check the pinned notes today')).out).toContain('is changed');
    const typo = await cli('action', 'reassign', String(task.id), 'bbo');
    expect(typo.code).toBe(1);
    expect(typo.err).toContain('Did you mean bob');
    expect((await cli('action', 'reassign', String(task.id), 'bob')).code).toBe(0);
    const bobs = await json<{ id: number; text: string }[]>('tasks', '--assignee', 'bob', '--json');
    expect(bobs.find((t) => t.id === task.id)?.text).toBe('Check the pinned notes today');
    expect((await cli('action', 'skip', String(task.id))).out).toContain('is skipped');
    const again = await cli('action', 'retry', String(task.id));
    expect(again.code).toBe(1);
    expect(again.err).toContain('is a task for a person');
  });

  it("lists a leader's tasks and marks one done", async () => {
    const { id } = await json<{ id: string }>('broadcast', '--text', 'Pin the schedule', '--groups', 'leader:ann', '--by', 'leader', '--json');
    const tasks = await json<{ id: number; runId: string; assignee: string }[]>('tasks', '--assignee', 'ann', '--json');
    const mine = tasks.filter((t) => t.runId === id);
    expect(mine).toHaveLength(2);
    const table = await cli('tasks', '--assignee', 'ann');
    expect(table.out).toContain('Pin the schedule');
    const done = await cli('task', 'done', String(mine[0].id));
    expect(done.out).toContain('done, on time');
    expect((await json<Status>('broadcast', 'status', id, '--json')).counts).toEqual({ assigned: 1, done: 1 });
  });

  it('says plainly what is wrong: usage errors exit 2, the API’s refusals exit 1 with the field', async () => {
    const missing = await cli('run', 'start', join(dir, 'nope.yaml'), '--groups', 'all', '--anchor', later());
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file');
    const unknown = await cli('run', 'status', 'run_nope');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('There is no run or broadcast "run_nope"');
    const selector = await cli('group', 'list', '--groups', 'colour:red');
    expect(selector.code).toBe(1);
    expect(selector.err).toMatch(/not a selector.*\(field: groups\)/);
    const noToken = await cli('channel', 'add', 'telegram');
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('needs --token');
    const noText = await cli('broadcast', '--groups', 'all');
    expect(noText.code).toBe(2);
  });

  it('uses CHORUS_TOKEN over the data folder, and says so when a token is refused', async () => {
    process.env.CHORUS_TOKEN = 'chorus_not_a_token';
    try {
      const r = await cli('channel', 'list');
      expect(r.code).toBe(1);
      expect(r.err).toContain('This API token is not valid');
    } finally {
      delete process.env.CHORUS_TOKEN;
    }
    const elsewhere = await cli('channel', 'list', '--data', mkdtempSync(join(tmpdir(), 'chorus-empty-')));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.err).toContain('No token found');
  });

  it('exits 2 with a plain sentence when no server is running', async () => {
    const url = process.env.CHORUS_URL;
    process.env.CHORUS_URL = 'http://127.0.0.1:9';
    try {
      const r = await cli('run', 'status', 'run_x', '--json');
      expect(r.code).toBe(2);
      expect(r.err).toBe('No Chorus server at http://127.0.0.1:9; start one with `chorus serve` (or set CHORUS_URL to where it runs).');
    } finally {
      process.env.CHORUS_URL = url;
    }
  });

  it('chorus worker refuses the embedded database with exit 2', async () => {
    const url = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const r = await cli('worker');
      expect(r.code).toBe(2);
      expect(r.err).toContain('needs a PostgreSQL server: set DATABASE_URL');
      expect(r.err).toContain('PGlite');
    } finally {
      if (url) process.env.DATABASE_URL = url;
    }
  });
});

// A standalone worker needs PostgreSQL: the server runs without its own worker, and `chorus
// worker` (on the same schema) sends the run.
describe.skipIf(engine !== 'postgres')('chorus worker against PostgreSQL', () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    s = await startServer({ worker: false });
    useServer(s);
    await makeUser(s.store.db, 'ann', 'leader');
  });
  afterAll(async () => {
    await s.server.close();
    await s.store.drop();
  });

  it('sends what the server planned, and stops on request', async () => {
    await json('channel', 'add', 'sandbox', '--name', 'sandbox', '--json');
    for (const i of [1, 2]) await json('group', 'add', 'sandbox', `chat-${i}`, '--leader', 'ann', '--json');
    const dir = mkdtempSync(join(tmpdir(), 'chorus-sheets-'));
    writeFileSync(join(dir, 'k.yaml'), SHEET);
    const { id } = await json<{ id: string }>('run', 'start', join(dir, 'k.yaml'), '--groups', 'all', '--anchor', new Date(Date.now() + 200).toISOString(), '--var', 'course=Go', '--json');
    await new Promise((r) => setTimeout(r, 700));
    expect((await json<Status>('run', 'status', id, '--json')).counts.sent).toBeUndefined();

    const url = process.env.DATABASE_URL!;
    const stop = new AbortController();
    const out: string[] = [];
    // The same schema as the server's; a password in the URL must never reach the console.
    const withPassword = url.replace(/^postgres(ql)?:\/\/([^:@/]+)@/, 'postgres://$2:pw-not-shown@');
    process.env.DATABASE_URL = `${withPassword}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${s.store.schema}`)}`;
    let exit: Promise<number>;
    try {
      exit = workerCommand({ out: (t) => out.push(t), err: (t) => out.push(t) }, { data: s.dataDir, signal: stop.signal, pollMs: 100 });
      await eventually(async () => ((await json<Status>('run', 'status', id, '--json')).counts.sent ?? 0) === 2, 15_000, 'the worker to send');
    } finally {
      process.env.DATABASE_URL = url;
    }
    stop.abort();
    expect(await exit).toBe(0);
    expect(out.join('\n')).toMatch(/Worker w_\S+ is sending/);
    expect(out.join('\n')).not.toMatch(/pw-not-shown|search_path/);
  });
});
