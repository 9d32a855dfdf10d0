// Signing a WeChat channel in, end to end: `chorus channel add wechaty` against a running server
// whose puppet reaches a mock WeChat over the puppet-service protocol. The channel is added
// waiting for sign-in; the QR code the puppet shows reaches the channel row, the API (as an
// image), the CLI (as text) and the serve log; the scan signs it in; a logout asks again.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log as wechatyLog } from 'wechaty';
import { markChannelStatus } from '../../src/channels/registry.ts';
import { apiClient } from '../../src/cli/api-client.ts';
import { runCli } from '../../src/cli/program.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type MockPuppetService, startMockPuppetService } from '../support/wechaty-service.ts';
import { eventually } from '../support/world.ts';

wechatyLog.level('silent');

interface SignIn {
  status: string;
  identity: string | null;
  statusReason: string | null;
  qr: { value: string; status: string; image: string } | null;
}

describe(`WeChat sign-in by QR code (${engine})`, () => {
  let store: TestStore;
  let server: Server;
  let svc: MockPuppetService;
  let channelId: string;
  const logged: string[] = [];
  const api = () => apiClient();

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-wx-'));
    server = await serve({ port: 0, host: '127.0.0.1', dataDir, store, worker: false, log: (l) => logged.push(l) });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dataDir;
    delete process.env.CHORUS_TOKEN;
    svc = await startMockPuppetService();
  });
  afterAll(async () => {
    await server?.close();
    await svc?.close();
    await store?.drop();
  });

  const signIn = () => api().get<SignIn>(`/api/channels/${channelId}/login`);

  it('adds the channel before the account is signed in, prints the QR code as text, and waits for the scan', async () => {
    const out: string[] = [];
    const { puppet, puppetToken, puppetOptions } = svc.connectorConfig;
    const cli = runCli(
      ['channel', 'add', 'wechaty', '--name', 'wx', '--puppet', puppet, '--puppet-token', puppetToken, '--puppet-endpoint', String(puppetOptions.endpoint), '--wait', '60'],
      { out: (t) => out.push(t), err: (t) => out.push(t) },
    );
    await eventually(async () => out.some((l) => l.startsWith('Added wechaty channel')), 30_000, 'the channel to be added');
    channelId = /\((ch_\w+)\)/.exec(out.find((l) => l.startsWith('Added'))!)![1];
    expect((await signIn()).status).toBe('needs_login');

    // The puppet shows a QR code: the serve process writes it to the channel row.
    await eventually(async () => {
      svc.world.showLoginQr('https://login.weixin.qq.com/l/first');
      return (await signIn()).qr?.value === 'https://login.weixin.qq.com/l/first';
    }, 30_000, 'the QR code to reach the API');
    const waiting = await signIn();
    expect(waiting).toMatchObject({ status: 'needs_login', qr: { status: 'waiting' } });
    expect(waiting.qr!.image).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(waiting.qr!.image.split(',')[1], 'base64').toString()).toContain('<svg');
    await eventually(async () => out.some((l) => l.includes('▀') || l.includes('█')), 10_000, 'the CLI to print the QR code');
    expect(out).toContain('https://login.weixin.qq.com/l/first');
    expect(logged.some((l) => l.includes('needs signing in') && l.includes('https://login.weixin.qq.com/l/first'))).toBe(true);

    svc.world.login();
    expect(await cli).toBe(0);
    expect(out).toContain('Signed in: the channel acts as Chorus Bot.');
    expect(await signIn()).toMatchObject({ status: 'active', identity: 'Chorus Bot', qr: null });
    expect(logged.some((l) => l.includes('signed in as Chorus Bot'))).toBe(true);
  }, 90_000);

  it('a logout turns the channel to "needs sign-in" and shows the fresh QR code; `channel login` waits for it', async () => {
    await svc.world.puppet.logout('the phone signed out of the desktop session');
    await eventually(async () => (await signIn()).status === 'needs_login', 20_000, 'the logout to reach the channel');
    expect((await signIn()).statusReason).toContain('signed out');

    const out: string[] = [];
    const cli = runCli(['channel', 'login', channelId, '--wait', '60'], { out: (t) => out.push(t), err: (t) => out.push(t) });
    await eventually(async () => {
      svc.world.showLoginQr('https://login.weixin.qq.com/l/second');
      return (await signIn()).qr?.value === 'https://login.weixin.qq.com/l/second';
    }, 30_000, 'the fresh QR code');
    await eventually(async () => out.includes('https://login.weixin.qq.com/l/second'), 10_000, 'the CLI to print the fresh QR code');
    svc.world.login();
    expect(await cli).toBe(0);
    expect((await signIn()).status).toBe('active');
  }, 90_000);

  it('refuses a puppet that is not installed, or not a package name, before adding anything', async () => {
    const missing = await runCli(['channel', 'add', 'wechaty', '--puppet', 'wechaty-puppet-not-installed', '--no-wait'], { out: () => {}, err: () => {} });
    expect(missing).not.toBe(0);
    const path = await api()
      .post('/api/channels', { kind: 'wechaty', config: { puppet: '../../etc/passwd' } })
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number; message?: string },
      );
    expect(path?.message).toMatch(/not an npm package name/);
    const channels = await api().get<{ channels: { kind: string }[] }>('/api/channels');
    expect(channels.channels.filter((c) => c.kind === 'wechaty')).toHaveLength(1);
  });

  it('refused credentials on a WeChat channel mean a new scan: it waits for sign-in (its puppet keeps running)', async () => {
    await markChannelStatus(store.db, channelId, 'needs_reauth', 'The WeChat account is not logged in');
    expect(await signIn()).toMatchObject({ status: 'needs_login', statusReason: 'The WeChat account is not logged in' });
  });
});
