// Images and files on WeCom: add_msg_template takes them as attachments by the media_id of a
// temporary material, so the connector downloads the sheet's image, uploads it (media/upload,
// multipart) and reuses the media_id for its three-day life; what WeCom's API cannot take
// becomes a task for a person (forPerson), never a silent failure.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelError } from '../../src/channels/port.ts';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { createWecomConnector, type WecomConnector } from '../../src/channels/wecom/index.ts';
import { dbMediaCache, MEDIA_LIFETIME_MS, memoryMediaCache } from '../../src/channels/wecom/media.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { insertLedger } from '../../src/run/ledger.ts';
import { listTasks } from '../../src/run/tasks.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type TestStore, testStore } from '../support/db.ts';
import { startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { eventually, TEST_KEY } from '../support/world.ts';

const CHAT = 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA';
const OWNER = 'zhangsan';
// The smallest PNG: the signature, an IHDR and an IEND chunk are enough for WeCom's type check.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 1)]);
const GIF = Buffer.from('GIF89a-not-accepted-by-wecom');

let s: WecomApiServer;
let clock: number;
let c: WecomConnector;
beforeEach(async () => {
  s = await startWecomApi();
  s.addGroup({ chat_id: CHAT, name: 'Camp 7 · 1', owner: OWNER });
  clock = Date.now();
  s.now = () => clock;
  c = createWecomConnector({ corpId: s.corpId, secret: s.secret, token: s.token, aesKey: s.aesKey, apiRoot: s.url, now: () => clock, mediaCache: memoryMediaCache() });
});
afterEach(() => s.close());

const uploads = () => s.calls.filter((x) => x.path === 'media/upload' && x.errcode === 0).length;
const lastTemplate = () => [...s.templates.values()].at(-1)!;

async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelError);
  return err as ChannelError;
}

describe('wecom posts with an image or a file', () => {
  it('uploads the image once, sends it as an attachment with the text, and reuses the media_id', async () => {
    const image = s.serveFile('poster.png', PNG, 'image/png');
    const r = await c.perform({ type: 'post', chatId: CHAT, text: 'Day 1 poster', image });
    expect(r.status).toBe('awaiting_confirmation');
    const t = lastTemplate();
    expect(t.text).toEqual({ content: 'Day 1 poster' });
    const [att] = t.attachments as { msgtype: string; image: { media_id: string } }[];
    expect(att.msgtype).toBe('image');
    const media = s.media.get(att.image.media_id)!;
    expect(media).toMatchObject({ type: 'image', filename: 'poster.png' });
    expect(media.bytes.equals(PNG)).toBe(true);

    await c.perform({ type: 'post', chatId: CHAT, text: 'Day 1 poster, again', image });
    expect(uploads()).toBe(1);
    expect((lastTemplate().attachments as { image: { media_id: string } }[])[0].image.media_id).toBe(att.image.media_id);
  });

  it('uploads again once the three days are nearly over, and when WeCom no longer knows a cached id', async () => {
    const image = s.serveFile('poster.png', PNG, 'image/png');
    await c.perform({ type: 'post', chatId: CHAT, text: 'one', image });
    clock += MEDIA_LIFETIME_MS - 30 * 60_000;
    await c.perform({ type: 'post', chatId: CHAT, text: 'two', image });
    expect(uploads()).toBe(2);
    // WeCom's clock runs ahead of the cache's: the id is gone (40007), so the connector uploads again.
    const now = clock;
    s.now = () => now + MEDIA_LIFETIME_MS;
    const r = await c.perform({ type: 'post', chatId: CHAT, text: 'three', image });
    expect(r.status).toBe('awaiting_confirmation');
    expect(s.calls.some((x) => x.path === 'externalcontact/add_msg_template' && x.errcode === 40007)).toBe(true);
    expect(uploads()).toBe(3);
  });

  it('sends a file as a file attachment with its name, and an image alone without text', async () => {
    const pdf = s.serveFile('Week 1 schedule.pdf', Buffer.from('%PDF-1.4 schedule'), 'application/pdf');
    await c.perform({ type: 'post', chatId: CHAT, text: 'The schedule', file: pdf });
    const [att] = lastTemplate().attachments as { msgtype: string; file: { media_id: string } }[];
    expect(att.msgtype).toBe('file');
    expect(s.media.get(att.file.media_id)).toMatchObject({ type: 'file', filename: 'Week 1 schedule.pdf' });

    await c.perform({ type: 'post', chatId: CHAT, text: '', image: s.serveFile('p.png', PNG, 'image/png') });
    expect(lastTemplate().text).toBeUndefined();
    expect(lastTemplate().attachments).toHaveLength(1);
  });

  it("an image WeCom's API refuses (a GIF) is handed to a person; a broken link fails with the reason", async () => {
    const gif = await failure(c.perform({ type: 'post', chatId: CHAT, text: 'x', image: s.serveFile('a.gif', GIF, 'image/gif') }));
    expect(gif.kind).toBe('permanent');
    expect(gif.forPerson).toBe(true);
    expect(gif.message).toMatch(/JPG or PNG/);
    const missing = await failure(c.perform({ type: 'post', chatId: CHAT, text: 'x', image: `${s.url}/_files/nothing.png` }));
    expect(missing).toMatchObject({ kind: 'permanent', forPerson: false });
    expect(missing.message).toMatch(/HTTP 404/);
    expect(s.templates.size).toBe(0);
  });

  it('the local server checks uploads as WeCom does: media type, multipart field, size and kind', async () => {
    const token = await (async () => {
      const r = await fetch(`${s.url}/cgi-bin/gettoken?corpid=${s.corpId}&corpsecret=${s.secret}`);
      return ((await r.json()) as { access_token: string }).access_token;
    })();
    const upload = async (type: string, name: string, bytes: Buffer, field = 'media') => {
      const form = new FormData();
      form.append(field, new Blob([bytes]), name);
      const r = await fetch(`${s.url}/cgi-bin/media/upload?access_token=${token}&type=${type}`, { method: 'POST', body: form });
      return (await r.json()) as { errcode: number; media_id?: string };
    };
    expect((await upload('picture', 'a.png', PNG)).errcode).toBe(40004);
    expect((await upload('image', 'a.png', PNG, 'file')).errcode).toBe(41005);
    expect((await upload('file', 'a.txt', Buffer.from('abc'))).errcode).toBe(40006);
    expect((await upload('image', 'a.gif', GIF)).errcode).toBe(40005);
    expect((await upload('image', 'a.png', PNG)).media_id).toMatch(/^3/);
  });
});

describe('with a database', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await testStore();
  }, 90_000);
  afterAll(async () => {
    await store.drop();
  });

  it('keeps media ids in wecom_media per channel until they expire; drop forgets one', async () => {
    const a = dbMediaCache(store.db, 'ch_a');
    const b = dbMediaCache(store.db, 'ch_b');
    const t0 = Date.now();
    await a.put('https://x/p.png', 'image', 'm1', t0 + 1000);
    await a.put('https://x/p.png', 'image', 'm2', t0 + 2000);
    expect(await a.get('https://x/p.png', 'image', t0)).toBe('m2');
    expect(await a.get('https://x/p.png', 'file', t0)).toBeUndefined();
    expect(await b.get('https://x/p.png', 'image', t0)).toBeUndefined();
    expect(await a.get('https://x/p.png', 'image', t0 + 2000)).toBeUndefined();
    await a.drop('https://x/p.png', 'image');
    expect(await a.get('https://x/p.png', 'image', t0)).toBeUndefined();
  });

  it("a post WeCom cannot take becomes a task for the group's leader with the reason, instead of failing", async () => {
    const db = store.db;
    const worker: { current?: Worker } = {};
    try {
      await db.insertInto('channels').values({ id: 'ch_wecom', kind: 'wecom', name: 'wecom', config_sealed: 'unused', pacing: JSON.stringify({ minIntervalMs: 0, jitterMs: 0 }) }).execute();
      const groupId = await ensureGroup(db, 'ch_wecom', CHAT, 'Camp 7 · 1');
      await updateGroup(db, groupId, { leader: 'lin' });
      await db.insertInto('runs').values({ id: 'run_1', kind: 'broadcast', selector: 'all', state: 'running' }).execute();
      const connectors = new ConnectorCache(db, secretBox(TEST_KEY));
      connectors.set('ch_wecom', c);
      const image = s.serveFile('a.gif', GIF, 'image/gif');
      await insertLedger(db, 'run_1', [
        { groupId, stepId: 'poster', occurrence: 1, action: 'post', mode: 'bot', executor: 'bot', assignee: null, senderAccount: 'ch_wecom', dueAt: new Date(Date.now() - 1000), windowMinutes: 60, content: { text: 'Poster', image } },
      ]);
      worker.current = new Worker({ db, connectors, pollMs: 50, heartbeatMs: 200 });
      await worker.current.start();
      await eventually(async () => (await db.selectFrom('ledger').select('state').executeTakeFirstOrThrow()).state === 'assigned', 20_000, 'the hand-over');
      const row = await db.selectFrom('ledger').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ mode: 'human', executor: 'owner', assignee: 'lin' });
      expect(row.last_error).toMatch(/JPG or PNG/);
      const tasks = await listTasks(db, { assignee: 'lin' });
      expect(tasks.map((t) => t.text)).toEqual(['Poster']);
    } finally {
      await worker.current?.stop();
    }
  }, 90_000);
});
