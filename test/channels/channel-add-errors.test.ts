// Item 20: adding a channel tells "Chorus cannot reach the platform" (network, DNS, time-out, 5xx)
// from "the platform said no" (401, an errcode), and a credential of the wrong shape is caught
// before any call. Against the local protocol servers (refusals) and a closed local port (cannot
// reach).

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialShapeProblem, verifyFailure } from '../../src/channels/credentials.ts';
import { addChannel, ChannelConfigError } from '../../src/channels/registry.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { startTelegramBotApi, type TelegramBotApi } from '../support/telegram-bot-api.ts';
import { startWecomApi, type WecomApiServer } from '../support/wecom-api.ts';
import { TEST_KEY } from '../support/world.ts';

/** A local address nothing listens on. */
async function closedPort(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function refusal(p: Promise<unknown>): Promise<ChannelConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChannelConfigError) return e;
    throw e;
  }
  throw new Error('the channel was added');
}

const TOKEN_TAIL = 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('credential shapes (pure)', () => {
  it('catches a Telegram token cut short, naming the field', () => {
    expect(credentialShapeProblem('telegram', { token: `123456:${TOKEN_TAIL}` })).toBeUndefined();
    expect(credentialShapeProblem('telegram', { token: '123456:AAHdq' })).toMatchObject({ field: 'token', message: expect.stringContaining('@BotFather') });
    expect(credentialShapeProblem('telegram', { token: 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' })?.field).toBe('token');
  });

  it('checks the WeCom CorpID, Secret, Token and EncodingAESKey', () => {
    const ok = { corpId: 'ww1234567890abcdef', secret: 'a'.repeat(43), token: 'Tk0123', aesKey: 'b'.repeat(43) };
    expect(credentialShapeProblem('wecom', ok)).toBeUndefined();
    expect(credentialShapeProblem('wecom', { ...ok, corpId: '1234567890abcdef' })?.field).toBe('corpId');
    expect(credentialShapeProblem('wecom', { ...ok, secret: 'short' })).toMatchObject({ field: 'secret', message: expect.stringContaining('has 5 characters') });
    expect(credentialShapeProblem('wecom', { ...ok, token: 'has space' })?.field).toBe('token');
    expect(credentialShapeProblem('wecom', { ...ok, aesKey: `${'b'.repeat(42)}+` })?.field).toBe('aesKey');
  });

  it('says what to do for each kind of failure', () => {
    expect(verifyFailure('telegram', 'transient', 'ECONNREFUSED', 'https://api.telegram.org')).toMatchObject({ code: 'channel_unreachable', status: 502 });
    expect(verifyFailure('wecom', 'ambiguous', 'timed out').message).toMatch(/cannot reach WeCom.*internet connection, DNS, firewall or proxy/);
    expect(verifyFailure('telegram', 'auth', 'Telegram refused the bot token (401 Unauthorized)')).toMatchObject({ code: 'channel_refused', status: 422 });
    expect(verifyFailure('telegram', 'rate_limited', 'retry after 5')).toMatchObject({ code: 'channel_busy', status: 503 });
    expect(verifyFailure('wechaty', undefined, 'not logged in')).toMatchObject({ code: 'invalid_channel', status: 422 });
  });
});

describe(`adding a channel (${engine})`, () => {
  let store: TestStore;
  let tg: TelegramBotApi;
  let wecom: WecomApiServer;
  const box = secretBox(TEST_KEY);
  const count = async () => (await store.db.selectFrom('channels').select('id').execute()).length;

  beforeAll(async () => {
    store = await testStore();
    tg = await startTelegramBotApi();
    wecom = await startWecomApi();
  });
  afterAll(async () => {
    await tg.close();
    await wecom.close();
    await store.drop();
  });

  it('Telegram: a token the Bot API refuses is "refused", with what to do', async () => {
    const wrong = `${tg.token.split(':')[0]}:${TOKEN_TAIL}`;
    const e = await refusal(addChannel(store.db, box, { kind: 'telegram', config: { token: wrong, apiRoot: tg.url } }));
    expect(e).toMatchObject({ code: 'channel_refused', status: 422, field: 'config' });
    expect(e.message).toMatch(/^Telegram refused these credentials.*401 Unauthorized.*@BotFather/);
    expect(e.message).not.toContain(TOKEN_TAIL);
  });

  it('Telegram: an API that cannot be reached is "cannot reach", never "refused"', async () => {
    const root = await closedPort();
    const e = await refusal(addChannel(store.db, box, { kind: 'telegram', config: { token: tg.token, apiRoot: root } }));
    expect(e).toMatchObject({ code: 'channel_unreachable', status: 502 });
    expect(e.message).toContain(`Chorus cannot reach Telegram at ${root}`);
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(e.message).not.toMatch(/refused these credentials/);
  });

  it('Telegram: a 5xx from the Bot API is "cannot reach" too', async () => {
    tg.fail(1, { error_code: 502, description: 'Bad Gateway', method: 'getMe' });
    const e = await refusal(addChannel(store.db, box, { kind: 'telegram', config: { token: tg.token, apiRoot: tg.url } }));
    expect(e.code).toBe('channel_unreachable');
  });

  it('Telegram: a token of the wrong shape is caught before any call', async () => {
    const e = await refusal(addChannel(store.db, box, { kind: 'telegram', config: { token: '123456:AAHdq', apiRoot: await closedPort() } }));
    expect(e).toMatchObject({ code: 'invalid_channel', field: 'token' });
  });

  it('WeCom: a secret WeCom refuses is "refused"; an unreachable API is "cannot reach"', async () => {
    const config = { corpId: wecom.corpId, secret: wecom.secret, token: wecom.token, aesKey: wecom.aesKey };
    const wrong = `${wecom.secret.slice(0, 42)}${wecom.secret.endsWith('x') ? 'y' : 'x'}`;
    const refused = await refusal(addChannel(store.db, box, { kind: 'wecom', config: { ...config, secret: wrong, apiRoot: wecom.url } }));
    expect(refused).toMatchObject({ code: 'channel_refused', status: 422 });
    expect(refused.message).toMatch(/^WeCom refused these credentials.*40001/);
    const root = await closedPort();
    const unreachable = await refusal(addChannel(store.db, box, { kind: 'wecom', config: { ...config, apiRoot: root } }));
    expect(unreachable).toMatchObject({ code: 'channel_unreachable', status: 502 });
    expect(unreachable.message).toContain(`Chorus cannot reach WeCom at ${root}`);
    const shape = await refusal(addChannel(store.db, box, { kind: 'wecom', config: { ...config, corpId: 'corp-1', apiRoot: wecom.url } }));
    expect(shape).toMatchObject({ code: 'invalid_channel', field: 'corpId' });
  });

  it('stores nothing on any failure, and adds the channel when all is well', async () => {
    expect(await count()).toBe(0);
    const ok = await addChannel(store.db, box, { kind: 'telegram', config: { token: tg.token, apiRoot: tg.url } });
    expect(ok.identity).toBe(`@${tg.bot.username}`);
    expect(await count()).toBe(1);
  });
});
