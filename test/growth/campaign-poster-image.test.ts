// A participant's poster over HTTP (GET /api/campaigns/:id/poster/:member) on the sandbox: the QR
// code decodes (jsQR) to the participant's personal link — of the campaign group they are in —,
// drawn on the campaign's own background; a member who does not take part gets a 404 saying to
// enrol them first; a leader only for their groups' campaigns; a background that is no image is
// refused when the campaign is made. Both engines.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import type { FastifyInstance } from 'fastify';
import jsQR from 'jsqr';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../src/community/ingest.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

async function decodeQr(png: Buffer): Promise<string | undefined> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data;
}

describe(`a participant's poster (${engine})`, () => {
  let w: World;
  let app: FastifyInstance;
  let worker: Worker;
  let admin: Caller;

  beforeAll(async () => {
    w = await sandboxWorld(3);
    for (const [chat, user] of [['chat-2', 'ann'], ['chat-1', 'bo'], ['chat-3', 'cy']]) {
      await ingestEvent({ db: w.store.db }, w.channelId, { type: 'member_joined', chatId: chat, member: { externalId: user, name: user === 'ann' ? '王小明' : user }, at: new Date() });
    }
    await makeUser(w.store.db, 'leader-2', 'leader');
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-poster-'));
    app = await buildApp({ store: w.store, dataDir, consoleDir: false, box: secretBox(TEST_KEY), connectors: w.connectors });
    admin = withToken(app, await ensureAdminToken(w.store.db, dataDir));
    worker = new Worker({ db: w.store.db, connectors: w.connectors, pollMs: 30, heartbeatMs: 200 });
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    await w?.close();
  });

  it('draws the QR code of the link into the participant’s own group, on the campaign’s background; 404 before enrolling; a leader only for their groups', async () => {
    const c = createCanvas(900, 1600);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#2a9d8f';
    ctx.fillRect(0, 0, 900, 1600);
    const background = (await c.encode('jpeg', 80)).toString('base64');
    // Groups 1 and 2 (leader-1 and leader-2; group 3 is leader-1's too); Ann is in group 2.
    const made = await admin.call('POST', '/api/campaigns', {
      kind: 'invite',
      groups: `id:${w.groups[0]},${w.groups[1]}`,
      goal: 3,
      name: '春季裂变',
      poster: { layout: 'card', title: '邀请 3 位好友，领取课程', background },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;

    const ann = `${w.channelId}:ann`;
    const before = await admin.call('GET', `/api/campaigns/${id}/poster/${encodeURIComponent(ann)}`);
    expect(before.statusCode).toBe(404);
    expect(before.json().error.message).toMatch(new RegExp(`^王小明 does not take part .* Enrol them first: chorus campaign join ${id} mem_`));

    const joined = await admin.call('POST', `/api/campaigns/${id}/join`, { member: ann });
    expect(joined.statusCode).toBe(200);
    const poster = await admin.call('GET', `/api/campaigns/${id}/poster/${encodeURIComponent(ann)}`);
    expect(poster.statusCode).toBe(200);
    expect(poster.headers['content-type']).toBe('image/png');
    const links = (await sql<{ group_id: string; link: string | null }>`SELECT group_id, link FROM campaign_links WHERE campaign_id = ${id}`.execute(w.store.db)).rows;
    const own = links.find((l) => l.group_id === w.groups[1])!.link!;
    expect(own).toMatch(/^https:\/\/sandbox\.chorus\.local\/join\//);
    expect(links.find((l) => l.group_id === w.groups[0])!.link).not.toBe(own);
    expect(await decodeQr(poster.rawPayload)).toBe(own);
    // The campaign's own background shows through (card: around its white card).
    const { data } = await sharp(poster.rawPayload).extract({ left: 10, top: 10, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    for (const [i, v] of [0x2a, 0x9d, 0x8f].entries()) expect(Math.abs(data[i] - v)).toBeLessThan(12);

    // Leader 2 leads group 2, a campaign group with Ann: they see her poster; not of a campaign on group 3 only.
    const leader = await signIn(app, 'leader-2');
    expect((await leader.call('GET', `/api/campaigns/${id}/poster/${encodeURIComponent(ann)}`)).statusCode).toBe(200);
    const other = (await admin.call('POST', '/api/campaigns', { kind: 'poster', groups: `id:${w.groups[2]}`, name: 'Other' })).json().id as string;
    await admin.call('POST', `/api/campaigns/${other}/join`, { member: `${w.channelId}:cy` });
    expect((await admin.call('GET', `/api/campaigns/${other}/poster/${encodeURIComponent(`${w.channelId}:cy`)}`)).statusCode).toBe(200);
    expect((await leader.call('GET', `/api/campaigns/${other}/poster/${encodeURIComponent(`${w.channelId}:cy`)}`)).statusCode).toBe(403);
  }, 60_000);

  it('refuses a poster it could not draw when the campaign is made', async () => {
    const bad = await admin.call('POST', '/api/campaigns', { kind: 'poster', groups: `id:${w.groups[0]}`, poster: { background: Buffer.from('not an image at all').toString('base64') } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'invalid_campaign', field: 'poster.background', message: expect.stringContaining('PNG or JPEG') });
    const layout = await admin.call('POST', '/api/campaigns', { kind: 'poster', groups: `id:${w.groups[0]}`, poster: { layout: 'fancy' } });
    expect(layout.statusCode).toBe(422);
    expect(layout.json().error.message).toContain('classic, card, minimal');
  }, 30_000);
});
