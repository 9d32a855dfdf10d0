// What an action returns reaches the people who need it: the invite link a connector made is on
// the ledger row (the board cell's details) and on the group (the leader's tasks there), and a
// rename shows as the group's new name — through the API the console reads.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorCache } from '../../src/channels/registry.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { eventually, TEST_KEY } from '../support/world.ts';
import { type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

const SHEET = `sop: invite-camp
title: Invite camp
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: name
    at: T0
    do: rename
    name: "Camp · {{ group.name }}"
  - id: link
    at: T0
    do: invite
    text: spring
  - id: share
    at: T+1d
    do: task
    by: leader
    text: Share the invite link in your Moments.
`;

describe(`action results in the API (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let worker: Worker;
  let admin: Caller;
  let ann: Caller;
  let runId: string;

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-results-'));
    const box = secretBox(TEST_KEY);
    const connectors = new ConnectorCache(store.db, box);
    app = await buildApp({ store, dataDir, consoleDir: false, box, connectors });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    await makeUser(store.db, 'ann', 'leader');
    ann = await signIn(app, 'ann');
    await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' });
    await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c1', name: 'G1', leader: 'ann' });
    worker = new Worker({ db: store.db, connectors, pollMs: 50, heartbeatMs: 200 });
    await worker.start();
    runId = (await admin.call('POST', '/api/runs', { sheet: SHEET, groups: 'channel:sandbox', anchor: new Date(Date.now() - 60_000).toISOString() })).json().id;
  });
  afterAll(async () => {
    await worker.stop();
    await app.close();
    await store.drop();
  });

  it('keeps the invite link on the row and the group, and the new name on the group', async () => {
    const rows = () => store.db.selectFrom('ledger').select(['id', 'step_id', 'state']).where('run_id', '=', runId).execute();
    await eventually(async () => (await rows()).filter((r) => r.state === 'sent').length === 2, 20_000, 'the rename and the invite link');
    const invite = (await rows()).find((r) => r.step_id === 'link')!;
    const detail = (await admin.call('GET', `/api/ledger/${invite.id}`)).json();
    expect(detail.result.inviteLink).toMatch(/^https:\/\/sandbox\.chorus\.local\/join\//);
    expect(detail.group.inviteLink).toBe(detail.result.inviteLink);
    expect(detail.group.name).toBe('Camp · G1');

    const tasks = (await ann.call('GET', '/api/tasks')).json();
    const share = (tasks.tasks as { step: string; group: { name: string; inviteLink?: string } }[]).find((t) => t.step === 'share')!;
    expect(share.group).toMatchObject({ name: 'Camp · G1', inviteLink: detail.result.inviteLink });
  }, 60_000);
});
