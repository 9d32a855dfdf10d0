// WeCom replay protection across restarts and servers: the nonces seen live in the database, so a
// callback replayed to another server (or after a restart) is refused; a callback whose event could
// not be stored is forgotten so WeCom's retry gets through; the sweep purges expired nonces.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel, ConnectorCache } from '../../src/channels/registry.ts';
import type { WecomConnector } from '../../src/channels/wecom/index.ts';
import { purgeExpiredNonces } from '../../src/channels/wecom/nonces.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type CallbackFields, startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { TEST_KEY } from '../support/world.ts';

const CHAT = 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA';
const LEFT: CallbackFields = { ChatId: CHAT, ChangeType: 'update', UpdateDetail: 'del_member', QuitScene: 0, MemChangeCnt: 1, MemChangeList: ['wmCUSTOMER'] };

describe(`WeCom callback nonces in the database (${engine})`, () => {
  let store: TestStore;
  let wecom: WecomApiServer;
  let channelId: string;
  const box = secretBox(TEST_KEY);
  /** A fresh connector cache is what another server, or this one after a restart, has. */
  const server = async () => (await new ConnectorCache(store.db, box).get(channelId)) as WecomConnector;

  beforeAll(async () => {
    store = await testStore();
    wecom = await startWecomApi();
    wecom.addGroup({ chat_id: CHAT, name: 'Camp', owner: 'zhangsan', members: [] });
    const c = await addChannel(store.db, box, {
      kind: 'wecom',
      name: 'WeCom',
      config: { corpId: wecom.corpId, secret: wecom.secret, token: wecom.token, aesKey: wecom.aesKey, apiRoot: wecom.url },
      verify: false,
    });
    channelId = c.id;
  });
  afterAll(async () => {
    await wecom.close();
    await store.drop();
  });

  it('refuses a callback replayed to another server or after a restart', async () => {
    const got: InboundEvent[] = [];
    const ingest = async (_c: string, e: InboundEvent) => void got.push(e);
    const req = wecom.signedCallback(LEFT);
    expect((await (await server()).handleCallback(req, ingest, channelId)).status).toBe(200);
    const replay = await (await server()).handleCallback(req, ingest, channelId);
    expect(replay.status).toBe(403);
    expect(replay.body).toMatch(/already received/);
    expect(got).toHaveLength(1);
  });

  it('forgets the nonce when the event could not be stored, so the retry reaches any server', async () => {
    const req = wecom.signedCallback(LEFT);
    const failing = async () => {
      throw new Error('the database is away');
    };
    expect((await (await server()).handleCallback(req, failing, channelId)).status).toBe(500);
    const got: InboundEvent[] = [];
    expect((await (await server()).handleCallback(req, async (_c, e) => void got.push(e), channelId)).status).toBe(200);
    expect(got).toHaveLength(1);
  });

  it('keeps nonces for the replay window only: the sweep purges expired ones', async () => {
    const before = Number((await store.executeSql('SELECT count(*)::int AS n FROM wecom_nonces')).rows[0].n);
    expect(before).toBeGreaterThan(0);
    expect(await purgeExpiredNonces(store.db, new Date())).toBe(0);
    expect(await purgeExpiredNonces(store.db, new Date(Date.now() + 11 * 60_000))).toBe(before);
  });
});
