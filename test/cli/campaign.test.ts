// chorus campaign create|join|status|poster|pause|resume|end against a running server (the sandbox
// makes the personal links through the ledger): the exact --json shapes of the contract, the
// participant's poster written to a file (its QR code decoded), usage errors.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/channels/registry.ts';
import { ensureGroup } from '../../src/community/groups.ts';
import { ingestEvent } from '../../src/community/ingest.ts';
import { runCli } from '../../src/cli/program.ts';
import { type Server, serve } from '../../src/server/serve.ts';
import { loadSecretKey, secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe(`chorus campaign on ${engine}`, () => {
  let store: TestStore;
  let server: Server;
  let dir: string;
  let channel: string;

  beforeAll(async () => {
    store = await testStore();
    dir = mkdtempSync(join(tmpdir(), 'chorus-cli-campaign-'));
    channel = (await addChannel(store.db, secretBox(loadSecretKey(dir)), { kind: 'sandbox', name: 'sandbox', config: {} })).id;
    await ensureGroup(store.db, channel, 'lead', 'Lead');
    await ensureGroup(store.db, channel, 'done', 'Completers');
    await ingestEvent({ db: store.db }, channel, { type: 'member_joined', chatId: 'lead', member: { externalId: 'lin', name: 'Lin' }, at: new Date() });
    await ingestEvent({ db: store.db }, channel, { type: 'member_joined', chatId: 'lead', member: { externalId: 'max', name: 'Max' }, at: new Date() });
    server = await serve({ port: 0, host: '127.0.0.1', dataDir: dir, store, pollMs: 30, log: () => {} });
    process.env.CHORUS_URL = server.url;
    process.env.CHORUS_DATA = dir;
    delete process.env.CHORUS_TOKEN;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await store?.drop();
  });

  it('creates, enrols, shows the board and changes state with the contract shapes', async () => {
    const codes = join(dir, 'codes.txt');
    writeFileSync(codes, 'C-1\nC-2\n\nC-3\n');
    const lead = (await store.db.selectFrom('groups').select('id').where('external_id', '=', 'lead').executeTakeFirstOrThrow()).id;
    const made = await cli('campaign', 'create', 'invite', '--groups', `id:${lead}`, '--goal', '3', '--stay', '2h', '--new-only', '--cap', '5', '--reward-codes', codes, '--regroup', 'id:' + (await store.db.selectFrom('groups').select('id').where('external_id', '=', 'done').executeTakeFirstOrThrow()).id, '--name', 'Spring', '--board', '1d', '--json');
    expect(made.code).toBe(0);
    const { id, ...rest } = JSON.parse(made.out) as { id: string };
    expect(id).toMatch(/^cp_/);
    expect(rest).toEqual({});

    const joined = await cli('campaign', 'join', id, `${channel}:lin`, '--json');
    expect(joined.code).toBe(0);
    expect(JSON.parse(joined.out)).toEqual({ link: expect.stringMatching(/^https:\/\/sandbox\.chorus\.local\/join\//) });

    // The participant's poster: the file's QR code is their personal link; a non-participant has none.
    const file = join(dir, 'lin.png');
    const poster = await cli('campaign', 'poster', id, `${channel}:lin`, '-o', file);
    expect(poster).toMatchObject({ code: 0, out: expect.stringContaining(`Poster written to ${file}`) });
    const { data, info } = await sharp(readFileSync(file)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data).toBe(JSON.parse(joined.out).link);
    const stranger = await cli('campaign', 'poster', id, `${channel}:nobody`, '-o', join(dir, 'x.png'));
    expect(stranger.code).toBe(1);
    const outsider = await cli('campaign', 'poster', id, `${channel}:max`, '-o', join(dir, 'x.png'));
    expect(outsider).toMatchObject({ code: 1, err: expect.stringContaining(`Enrol them first: chorus campaign join ${id} mem_`) });

    const status = await cli('campaign', 'status', id, '--json');
    const s = JSON.parse(status.out) as Record<string, unknown>;
    expect(Object.keys(s)).toEqual(['id', 'kind', 'state', 'goal', 'participants', 'invited', 'qualified', 'completed', 'rejected', 'kFactor', 'leaders']);
    expect(s).toMatchObject({ id, kind: 'invite', state: 'active', goal: 3, participants: 1, invited: 0, rejected: {}, kFactor: 0 });
    expect(Object.keys((s.leaders as Record<string, unknown>[])[0])).toEqual(['member', 'name', 'invited', 'qualified', 'completed', 'link']);
    expect((await cli('campaign', 'status', id)).out).toContain('codes: 3 of 3 left');

    expect((await cli('campaign', 'pause', id)).out).toBe(`Campaign ${id} is paused.`);
    expect((await cli('campaign', 'resume', id)).out).toBe(`Campaign ${id} is active.`);
    expect((await cli('campaign', 'end', id)).out).toBe(`Campaign ${id} is ended.`);
    const again = await cli('campaign', 'pause', id);
    expect(again.code).toBe(1);
    expect(again.err).toContain('has ended');
  }, 60_000);

  it('refuses wrong calls as usage errors', async () => {
    expect((await cli('campaign', 'create', 'raffle', '--groups', 'all')).code).toBe(2);
    const notImage = join(dir, 'bg.png');
    writeFileSync(notImage, 'not a picture');
    const bad = await cli('campaign', 'create', 'poster', '--groups', 'all', '--background', notImage);
    expect(bad).toMatchObject({ code: 1, err: expect.stringContaining('cannot be read as a PNG or JPEG') });
    expect((await cli('campaign', 'create', 'poster', '--groups', 'all', '--background', join(dir, 'missing.png'))).code).toBe(2);
    expect((await cli('campaign', 'create', 'invite', '--groups', 'all')).err).toContain('--goal');
    expect((await cli('campaign', 'create', 'invite', '--groups', 'all', '--goal', '3', '--stay', '2 hours')).err).toContain('30s, 10m, 2h or 3d');
    expect((await cli('campaign', 'create', 'invite', '--groups', 'all', '--goal', '3', '--reward-points', '5', '--reward-task', 'mug')).code).toBe(2);
    const none = await cli('campaign', 'create', 'poster', '--groups', 'tag:nothing');
    expect(none.code).not.toBe(0);
    expect(none.err).toContain('No active group matches "tag:nothing"');
  }, 30_000);
});
