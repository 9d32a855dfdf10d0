// `chorus moderation …` and `chorus alert …` against a real server on a random port, and what a
// platform without deletion or mute makes of a judgement: on WeCom the deletion and the mute are
// tasks for the group's leader (the warning is a post for staff to confirm). Messages come in
// through the real ingest.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { ingestBurst, ingestEvent } from '../../src/community/ingest.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`chorus moderation and alert, WeCom tasks (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let wecomGroup: string;
  let sandboxGroup: string;
  const say = (channel: string, chatId: string, user: string, messageId: string, text: string, at = new Date()) =>
    ingestEvent({ db: store.db }, channel, { type: 'message', chatId, messageId, from: { externalId: user, name: user === 'wmU1' ? '小王' : `Member ${user}` }, text, links: [], mentions: [], at });

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-cli-moderation-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: false, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    await store.db.insertInto('channels').values({ id: 'ch_wc', kind: 'wecom', name: 'wc', config_sealed: 'unused' }).execute();
    await store.db.insertInto('channels').values({ id: 'ch_sb', kind: 'sandbox', name: 'sb', config_sealed: 'unused' }).execute();
    wecomGroup = await ensureGroup(store.db, 'ch_wc', 'wrOgQhDgAA', '训练营一群');
    await updateGroup(store.db, wecomGroup, { leader: 'ann', community: 'camp' });
    sandboxGroup = await ensureGroup(store.db, 'ch_sb', 'sb1', 'Fans');
    await updateGroup(store.db, sandboxGroup, { community: 'fans' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('sets moderation for a community type with the exact flags; a wrong value names the field', async () => {
    const r = await cli('moderation', 'set', '--groups', 'community:camp', '--links', 'block', '--allow-domains', 'example.com,*.shop.cn', '--words', '代购,刷单', '--contacts', 'block', '--warn', '1', '--then', 'mute', '--json');
    expect(r.code, r.err).toBe(0);
    const scopes = JSON.parse(r.out) as { scope: string; groups: string[]; settings: Record<string, unknown> }[];
    expect(scopes).toHaveLength(1);
    expect(scopes[0]).toMatchObject({ scope: 'community:camp', groups: [wecomGroup] });
    expect(scopes[0].settings).toMatchObject({ links: 'block', allowDomains: ['example.com', 'shop.cn'], words: ['代购', '刷单'], contacts: 'block', warn: 1, after: 'mute' });
    const bad = await cli('moderation', 'set', '--groups', 'community:camp', '--then', 'explode');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('after');
    // A community type with no group yet is kept for its groups to come; a selector of no group is refused.
    expect((await cli('moderation', 'set', '--groups', 'id:nope', '--warn', '2')).code).toBe(1);
  });

  it('on WeCom the deletion and the mute become tasks for the leader', async () => {
    await ingestEvent({ db: store.db }, 'ch_wc', { type: 'member_joined', chatId: 'wrOgQhDgAA', member: { externalId: 'wmU1', name: '小王' }, at: new Date(Date.now() - 3 * 86_400_000) });
    await say('ch_wc', 'wrOgQhDgAA', 'wmU1', 'm1', '加我微信 wang_8888 领资料');
    await say('ch_wc', 'wrOgQhDgAA', 'wmU1', 'm2', '代购找我');
    const rows = await store.db.selectFrom('ledger').select(['action', 'mode', 'assignee', 'content', 'step_id']).where('run_id', '=', 'moderation').orderBy('id').execute();
    const byAction = (a: string) => rows.filter((r) => r.action === a);
    expect(byAction('delete_message')).toHaveLength(2);
    for (const d of byAction('delete_message')) expect(d).toMatchObject({ mode: 'human', assignee: 'ann' });
    expect((byAction('delete_message')[0].content as { text: string }).text).toContain('请删除 小王 在 训练营一群 发的这条消息');
    // The warning is worded in the group's language, a post staff confirm in WeCom.
    expect(byAction('post')[0]).toMatchObject({ mode: 'bot' });
    expect((byAction('post')[0].content as { text: string }).text).toBe('小王：请勿在群内发布联系方式（第 1 次提醒，共 1 次，再犯将被禁言）');
    expect(byAction('mute')).toHaveLength(1);
    expect(byAction('mute')[0]).toMatchObject({ mode: 'human', assignee: 'ann' });
    expect((byAction('mute')[0].content as { text: string }).text).toContain('禁言 24 小时');
  });

  it('judges a burst set-based: a flood within the burst', async () => {
    await cli('moderation', 'set', '--groups', 'community:fans', '--warn', '3');
    const at = Date.now();
    const events = Array.from({ length: 8 }, (_, i) => ({
      type: 'message' as const,
      chatId: 'sb1',
      messageId: `f${i}`,
      from: { externalId: 'u9', name: 'Flo' },
      text: `spam ${i}`,
      links: [],
      mentions: [],
      at: new Date(at + i * 500),
    }));
    await ingestBurst({ db: store.db }, 'ch_sb', events);
    const log = await store.db.selectFrom('moderation_log').select(['rule', 'action']).where('group_id', '=', sandboxGroup).orderBy('id').execute();
    // Messages 7 and 8 make more than 6 within 10 seconds.
    expect(log).toEqual([
      { rule: 'flood', action: 'warn' },
      { rule: 'flood', action: 'warn' },
    ]);
  });

  it('prints the log with exactly the contract fields', async () => {
    const r = await cli('moderation', 'log', '--json');
    expect(r.code).toBe(0);
    const log = JSON.parse(r.out) as Record<string, unknown>[];
    expect(log.length).toBeGreaterThanOrEqual(4);
    for (const l of log) expect(Object.keys(l).sort()).toEqual(['action', 'at', 'group', 'member', 'rule', 'text']);
    expect(log.find((l) => l.action === 'mute')).toMatchObject({ group: wecomGroup, rule: 'word', text: '代购找我' });
    expect((await cli('moderation', 'log')).out).toContain('训练营一群');
  });

  it('adds and lists keyword alerts; an empty keyword is refused', async () => {
    const add = await cli('alert', 'add', '--keyword', '退款', '--groups', 'community:camp');
    expect(add.code, add.err).toBe(0);
    expect((await cli('alert', 'add', '--keyword', '  ')).code).toBe(1);
    await say('ch_wc', 'wrOgQhDgAA', 'wmU2', 'm3', '我要退款！');
    await say('ch_sb', 'sb1', 'u3', 's3', '我要退款！'); // not a camp group
    const r = await cli('alert', 'list', '--json');
    expect(r.code).toBe(0);
    const alerts = JSON.parse(r.out) as Record<string, unknown>[];
    expect(alerts).toHaveLength(1);
    expect(Object.keys(alerts[0]).sort()).toEqual(['createdAt', 'groups', 'hits', 'id', 'keyword']);
    expect(alerts[0]).toMatchObject({ keyword: '退款', groups: 'community:camp', hits: 1 });
    const notes = await store.db.selectFrom('notifications').select(['text']).where('kind', '=', 'alert').execute();
    expect(notes).toHaveLength(1);
  });
});
