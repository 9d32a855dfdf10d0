// Tracked links end to end on a running server (docs/growth.md): a sheet's `link:` sent through the
// sandbox connector ends as a /l/ link whose click counts for that group and step; bots are not
// counted; a member's personal link makes a `click` member event; `chorus link create` / `stats`
// with the exact JSON, a leader's scope; orders attributed to the last click within 7 days (and
// not after); the unknown-slug page in the visitor's language; the redirect's rate limit.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { ClickBuffer, writeClicks } from '../../src/growth/clicks.ts';
import { linkStats } from '../../src/growth/link-stats.ts';
import { resolveSlug, runLink, slugFor } from '../../src/growth/links.ts';
import { RATE } from '../../src/server/link-redirect.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually } from '../support/world.ts';
import { makeUser, PASSWORD } from '../server/accounts-world.ts';

const SHEET = `sop: links-e2e
title: Links
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: offer
    at: T0
    do: post
    kind: conversion
    text: "Our camp is open"
    link: https://shop.example/camp?utm=chorus
`;

const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`tracked links (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let channelId: string;
  let groups: string[];
  let runId: string;
  const PUBLIC = 'http://go.chorus.test';
  const open = (path: string, headers: Record<string, string> = { 'user-agent': BROWSER }) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
  const clicks = async (linkId: string) => Number((await store.db.selectFrom('link_clicks').select((eb) => eb.fn.countAll<number>().as('n')).where('link_id', '=', linkId).executeTakeFirstOrThrow()).n);
  const cookieOf = async (name: string) => {
    const r = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
    return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  };
  const memberOf = async (externalId: string) =>
    (await store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', externalId).executeTakeFirstOrThrow()).member_id;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-links-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: true, pollMs: 100, publicUrl: new URL(PUBLIC), log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    for (const name of ['ann', 'bob']) await makeUser(store.db, name, 'leader');
    channelId = JSON.parse((await cli('channel', 'add', 'sandbox', '--name', 'sandbox', '--json')).out).id;
    for (const [i, leader] of [
      [1, 'ann'],
      [2, 'bob'],
    ] as const)
      expect((await cli('group', 'add', 'sandbox', `chat-${i}`, '--name', `Group ${i}`, '--leader', leader)).code).toBe(0);
    groups = (await store.db.selectFrom('groups').select('id').orderBy('external_id').execute()).map((g) => g.id);
    await ingestEvent({ db: store.db }, channelId, { type: 'member_joined', chatId: 'chat-1', member: { externalId: 'u1', name: 'Lin' }, at: new Date(Date.now() - 3_600_000) });
    const dir = mkdtempSync(join(tmpdir(), 'chorus-links-sheet-'));
    writeFileSync(join(dir, 'links.yaml'), SHEET);
    const r = await cli('run', 'start', join(dir, 'links.yaml'), '--groups', 'all', '--anchor', new Date(Date.now() + 200).toISOString(), '--json');
    expect(r.code, r.err).toBe(0);
    runId = JSON.parse(r.out).id;
  });
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it("a sheet's link: goes out through the sandbox as a /l/ link per group; its click counts for that group and step, a bot's does not", async () => {
    await eventually(async () => (await store.db.selectFrom('sandbox_messages').select('id').execute()).length === 2, 10_000, 'two posts');
    const sent = await store.db.selectFrom('sandbox_messages').select(['chat_id', 'text']).orderBy('chat_id').execute();
    const slugs = sent.map((m) => {
      expect(m.text).not.toContain('shop.example');
      const found = m.text.match(/http:\/\/go\.chorus\.test\/l\/([A-Za-z0-9]{10})/);
      expect(found, m.text).toBeTruthy();
      return found![1];
    });
    expect(slugs[0]).not.toBe(slugs[1]);
    // The ledger keeps the sheet's own URL.
    const row = await store.db.selectFrom('ledger').select('content').where('run_id', '=', runId).where('group_id', '=', groups[0]).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.content)).toContain('https://shop.example/camp?utm=chorus');

    const bot = await open(`/l/${slugs[0]}`, { 'user-agent': 'TelegramBot (like TwitterBot)' });
    expect(bot.status).toBe(302);
    expect(bot.headers.get('location')).toBe('https://shop.example/camp?utm=chorus');
    expect((await open(`/l/${slugs[0]}`, {})).status).toBe(302); // no user agent: not a person either
    const person = await open(`/l/${slugs[0]}`);
    expect(person.status).toBe(302);
    expect(person.headers.get('location')).toBe('https://shop.example/camp?utm=chorus');
    const linkId = (await resolveSlug(store.db, slugs[0]))!.linkId;
    await eventually(async () => (await clicks(linkId)) >= 1, 5_000, 'the click');
    await new Promise((r) => setTimeout(r, 300));
    expect(await clicks(linkId)).toBe(1);
    const stats = await linkStats(store.db, linkId);
    expect(stats).toMatchObject({ clicks: 1, members: 0, byGroup: [{ group: groups[0], clicks: 1 }], byStep: [{ step: 'offer', clicks: 1 }] });
  });

  it("a member's personal link: the click is a `click` member event (and counts the member)", async () => {
    const lin = await memberOf('u1');
    const linkId = await runLink(store.db, runId, 'https://shop.example/camp?utm=chorus');
    const slug = await slugFor(store.db, linkId, { groupId: groups[0], stepId: 'offer', memberId: lin });
    expect((await open(`/l/${slug}`)).status).toBe(302);
    await eventually(async () => (await store.db.selectFrom('member_events').select('id').where('member_id', '=', lin).where('kind', '=', 'click').execute()).length === 1, 5_000, 'the click event');
    const m = await store.db.selectFrom('members').select('clicks').where('id', '=', lin).executeTakeFirstOrThrow();
    expect(Number(m.clicks)).toBe(1);
    expect((await linkStats(store.db, linkId))?.members).toBe(1);
  });

  it('chorus link create / stats print the exact JSON; a leader sees only their groups', async () => {
    const made = await cli('link', 'create', 'https://shop.example/gift', '--name', 'Gift', '--json');
    expect(made.code, made.err).toBe(0);
    const link = JSON.parse(made.out);
    expect(Object.keys(link)).toEqual(['id', 'url']);
    expect(link.url).toMatch(/^http:\/\/go\.chorus\.test\/l\/[A-Za-z0-9]{10}$/);
    expect((await open(new URL(link.url).pathname)).headers.get('location')).toBe('https://shop.example/gift');
    // The console shows a hand-made link's own address again on its page.
    await makeUser(store.db, 'olga', 'operator');
    expect(await (await fetch(`${server.url}/api/links/${link.id}`, { headers: { cookie: await cookieOf('olga') } })).json()).toMatchObject({ name: 'Gift', short: link.url });
    await eventually(async () => (await clicks(link.id)) === 1, 5_000, 'the click');
    const stats = await cli('link', 'stats', link.id, '--json');
    expect(JSON.parse(stats.out)).toEqual({ clicks: 1, members: 0, byGroup: [], byStep: [], conversions: 0 });
    expect((await cli('link', 'create', 'javascript:alert(1)')).code).toBe(1);
    expect((await cli('link', 'stats', 'lnk_nope')).code).toBe(1);

    const runLinkId = (await store.db.selectFrom('links').select('id').where('run_id', '=', runId).executeTakeFirstOrThrow()).id;
    const ann = await cookieOf('ann');
    const mine = await fetch(`${server.url}/api/links/${runLinkId}`, { headers: { cookie: ann } });
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as { byGroup: { group: string }[] };
    expect(body.byGroup.map((g: { group: string }) => g.group)).toEqual([groups[0]]);
    const bob = await (await fetch(`${server.url}/api/links/${runLinkId}`, { headers: { cookie: await cookieOf('bob') } })).json();
    expect(bob).toMatchObject({ clicks: 0, byGroup: [] });
    expect((await fetch(`${server.url}/api/links/${link.id}`, { headers: { cookie: ann } })).status).toBe(403);
    const list = (await (await fetch(`${server.url}/api/links`, { headers: { cookie: ann } })).json()) as { id: string }[];
    expect(list.map((l: { id: string }) => l.id)).toEqual([runLinkId]);
    expect((await fetch(`${server.url}/api/links`, { method: 'POST', headers: { cookie: ann, 'content-type': 'application/json' }, body: '{"url":"https://x.example"}' })).status).toBe(403);
    expect((await fetch(`${server.url}/api/links/${runLinkId}`)).status).toBe(401);
  });

  it("orders go to the member's last tracked click within 7 days, and not after", async () => {
    const lin = await memberOf('u1');
    const a = await runLink(store.db, runId, 'https://shop.example/a');
    const b = await runLink(store.db, runId, 'https://shop.example/b');
    const at = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000);
    const target = async (linkId: string) => ({ linkId, url: '', groupId: groups[0], stepId: 'offer', memberId: lin });
    await writeClicks(store.db, [
      { target: await target(a), slug: 'x', at: at(0) },
      { target: await target(b), slug: 'y', at: at(1) },
    ]);
    const order = (id: string, when: Date) => store.db.insertInto('orders').values({ id, member_id: lin, amount: 10, at: when, source: 'csv' }).execute();
    await order('o-1', at(3)); // last click: b, 2 days before
    await order('o-2', at(0.5)); // last click: a
    await order('o-3', at(8.5)); // b's click is 7.5 days old: nobody's
    expect((await linkStats(store.db, a))?.conversions).toBe(1);
    expect((await linkStats(store.db, b))?.conversions).toBe(1);
    expect((await linkStats(store.db, b))?.byGroup[0]).toMatchObject({ group: groups[0], conversions: 1 });
  });

  it('the click buffer loses nothing: batches as they fill, the rest on close', async () => {
    const linkId = await runLink(store.db, runId, 'https://shop.example/buffer');
    const buffer = new ClickBuffer(store.db);
    const target = { linkId, url: 'https://shop.example/buffer', groupId: groups[1], stepId: 'offer', memberId: '' };
    for (let i = 0; i < 1234; i++) buffer.add({ target, slug: 'z', at: new Date() });
    await buffer.close();
    expect(await clicks(linkId)).toBe(1234);
  });

  it('an unknown slug: a plain 404 in the visitor’s language; the redirect is rate limited per address', async () => {
    const zh = await open('/l/AAAAAAAAAA', { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.status).toBe(404);
    expect(await zh.text()).toContain('链接不存在');
    const en = await open('/l/not-a-slug!', { 'accept-language': 'en' });
    expect(en.status).toBe(404);
    const html = await en.text();
    expect(html).toContain('Link not found');
    expect(html).not.toContain('shop.example');
    const slug = (await store.db.selectFrom('link_slugs').select('slug').executeTakeFirstOrThrow()).slug;
    let limited: Response | undefined;
    for (let i = 0; i < RATE.perMinute + 1 && !limited; i++) {
      const r = await open(`/l/${slug}`, { 'user-agent': 'curl/8' });
      if (r.status === 429) limited = r;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
