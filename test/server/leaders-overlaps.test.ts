// Leaders from the team, and overlapping runs. Pure: close matches for a typed name, the overlap
// decision per group and local hour. Through the API: a typed leader who is not a person in the
// team is refused with the field and a suggestion; one set elsewhere is flagged on the group and
// in the run preview; the preview names another run landing in the same group and hour.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMatches, distance, type Person, unknownPersonMessage } from '../../src/community/people.ts';
import { findOverlaps } from '../../src/run/overlaps.ts';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { createUser } from '../../src/server/accounts/users.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { type Caller, makeUser, signIn, withToken } from './accounts-world.ts';

const TEAM: Person[] = [
  { name: 'linwei', displayName: '林伟', role: 'leader' },
  { name: 'ann', displayName: 'Ann Lee', role: 'leader' },
  { name: 'zhao', displayName: '赵敏', role: 'operator' },
];

describe('people in the team', () => {
  it('suggests close names for a typo, by name or display name', () => {
    expect(distance('linwie', 'linwei')).toBe(1);
    expect(closeMatches('linwie', TEAM).map((p) => p.name)).toEqual(['linwei']);
    expect(closeMatches('Ann', TEAM).map((p) => p.name)).toEqual(['ann']);
    expect(closeMatches('赵敏', TEAM).map((p) => p.name)).toEqual(['zhao']);
    expect(closeMatches('bob', TEAM)).toEqual([]);
  });

  it('says who is unknown, and what to do', () => {
    expect(unknownPersonMessage('linwei', TEAM, 'leader')).toBeUndefined();
    expect(unknownPersonMessage('linwie', TEAM, 'leader')).toBe(
      `There is no person "linwie" in the team: a group's leader must be someone who can sign in, or the group's tasks reach nobody. Did you mean linwei (林伟)?`,
    );
    expect(unknownPersonMessage('bob', TEAM, 'leader')).toContain('Add them on the Team page first.');
  });
});

describe('overlapping runs', () => {
  const H = 3_600_000;
  const t0 = Date.UTC(2026, 11, 1, 12, 0); // 20:00 in Shanghai
  const groups = new Map([
    ['g1', { name: 'Camp 1', zone: 'Asia/Shanghai' }],
    ['g2', { name: 'Camp 2', zone: 'Asia/Kolkata' }],
  ]);
  const other = (groupId: string, dueMs: number, n = 1, runId = 'run_a') => ({ runId, title: 'Spring camp', kind: 'run', groupId, dueMs, n });

  it('counts what lands in the same group in the same local hour, per other run', () => {
    const ours = [
      { groupId: 'g1', dueMs: t0 + 5 * 60_000 },
      { groupId: 'g1', dueMs: t0 + 50 * 60_000 },
      { groupId: 'g1', dueMs: t0 + 2 * H },
    ];
    const s = findOverlaps(ours, [other('g1', t0 + 30 * 60_000, 2), other('g1', t0 + 59 * 60_000), other('g1', t0 + H), other('g2', t0 + 10 * 60_000)], groups);
    expect(s.total).toBe(1);
    expect(s.items).toEqual([{ groupId: 'g1', groupName: 'Camp 1', hour: new Date(t0).toISOString(), ours: 2, other: { runId: 'run_a', title: 'Spring camp', kind: 'run' }, theirs: 3 }]);
    expect(s.runs).toEqual([{ runId: 'run_a', title: 'Spring camp', kind: 'run', groups: 1, hours: 1, theirs: 3 }]);
  });

  it("uses the group's own clock: a half-hour zone splits hours at :30 UTC", () => {
    // 12:40 and 13:10 UTC are 18:10 and 18:40 in Kolkata: the same local hour.
    const s = findOverlaps([{ groupId: 'g2', dueMs: t0 + 40 * 60_000 }], [other('g2', t0 + 70 * 60_000)], groups);
    expect(s.total).toBe(1);
    expect(findOverlaps([{ groupId: 'g1', dueMs: t0 + 40 * 60_000 }], [other('g1', t0 + 70 * 60_000)], groups).total).toBe(0);
  });

  it('finds nothing without other runs, and keeps the list short', () => {
    expect(findOverlaps([{ groupId: 'g1', dueMs: t0 }], [], groups)).toEqual({ total: 0, runs: [], items: [] });
    const many = Array.from({ length: 80 }, (_, i) => ({ groupId: 'g1', dueMs: t0 + i * H }));
    const s = findOverlaps(many, many.map((a) => other('g1', a.dueMs)), groups, 50);
    expect(s.total).toBe(80);
    expect(s.items).toHaveLength(50);
    expect(s.runs[0]).toMatchObject({ hours: 80, theirs: 80 });
  });
});

const SHEET = `sop: overlap-camp
title: Autumn camp
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    text: "Hello {{ group.name }}"
  - id: call
    at: T+10m
    do: task
    by: leader
    text: Call each new member.
`;

describe(`leaders and overlaps through the API (${engine})`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Caller;
  let linwei: Caller;
  const anchor = new Date(Math.ceil(Date.now() / 3_600_000 + 3) * 3_600_000).toISOString();

  beforeAll(async () => {
    store = await testStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-leaders-'));
    app = await buildApp({ store, dataDir, consoleDir: false });
    admin = withToken(app, await ensureAdminToken(store.db, dataDir));
    await makeUser(store.db, 'linwei', 'leader');
    await store.db.updateTable('users').set({ display_name: '林伟' }).where('name', '=', 'linwei').execute();
    await createUser(store.db, { name: 'gone', role: 'leader', passwordHash: 'x' });
    await store.db.updateTable('users').set({ disabled: true }).where('name', '=', 'gone').execute();
    linwei = await signIn(app, 'linwei');
    await admin.call('POST', '/api/channels', { kind: 'sandbox', name: 'sandbox' });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('refuses a typed leader who is not in the team, naming the field and a close match', async () => {
    const typo = await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c1', name: 'Camp 1', leader: 'linwie', community: 'training_camp' });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().error).toMatchObject({ code: 'unknown_leader', field: 'leader', message: expect.stringContaining('Did you mean linwei (林伟)?') });
    expect(await store.db.selectFrom('groups').select('id').execute()).toHaveLength(0);
    // A disabled account cannot sign in: not a person in the team either.
    expect((await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c1', leader: 'gone' })).statusCode).toBe(400);
    const ok = await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c1', name: 'Camp 1', leader: 'linwei', community: 'training_camp' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ leader: 'linwei', leaderInTeam: true, leaderDisplayName: '林伟' });
    const patch = await admin.call('PATCH', '/api/groups/c1', { leader: 'linwie' });
    expect(patch.statusCode).toBe(400);
    expect(patch.json().error.field).toBe('leader');
  });

  it('flags a leader set elsewhere, keeps accepting other changes to that group, and warns in the preview', async () => {
    await admin.call('POST', '/api/groups', { channel: 'sandbox', externalId: 'c2', name: 'Camp 2', community: 'training_camp' });
    // A connector or an import wrote a name nobody signs in with.
    await store.db.updateTable('groups').set({ leader: 'linwie' }).where('external_id', '=', 'c2').execute();
    const list = (await admin.call('GET', '/api/groups')).json().groups;
    expect(list.find((g: { externalId: string }) => g.externalId === 'c2')).toMatchObject({ leader: 'linwie', leaderInTeam: false, leaderDisplayName: null });
    expect(list.find((g: { externalId: string }) => g.externalId === 'c1')).toMatchObject({ leaderInTeam: true });
    // Changing the tags with the leader as it is (the edit form sends it back) is not refused.
    expect((await admin.call('PATCH', '/api/groups/c2', { leader: 'linwie', tags: ['autumn'] })).statusCode).toBe(200);

    const p = (await admin.call('POST', '/api/runs/preview', { sheet: SHEET, groups: 'community:training_camp', anchor })).json();
    expect(p.warnings.leadersNotInTeam).toEqual({ groups: [{ id: expect.any(String), name: 'Camp 2', leader: 'linwie' }], tasks: 1 });
    expect(p.warnings.overlaps.total).toBe(0);
    const b = (await admin.call('POST', '/api/broadcasts/preview', { text: 'Pin the schedule', groups: 'community:training_camp', by: 'leader' })).json();
    expect(b.leaderNotInTeam).toEqual([{ group: 'Camp 2', leader: 'linwie' }]);
  });

  it('names another run landing in the same group and hour, by its title', async () => {
    await admin.call('PATCH', '/api/groups/c2', { leader: 'linwei' });
    const started = await admin.call('POST', '/api/runs', { sheet: SHEET, groups: 'id:c1', anchor });
    expect(started.statusCode).toBe(201);
    const p = (await admin.call('POST', '/api/runs/preview', { sheet: SHEET.replace('Autumn camp', 'Second camp'), groups: 'community:training_camp', anchor })).json();
    expect(p.warnings.leadersNotInTeam.groups).toEqual([]);
    expect(p.warnings.overlaps).toEqual({
      total: 1,
      runs: [{ runId: started.json().id, title: 'Autumn camp', kind: 'run', groups: 1, hours: 1, theirs: 2 }],
      items: [{ groupId: expect.any(String), groupName: 'Camp 1', hour: anchor.replace(/:00\.000Z$/, ':00.000Z'), ours: 2, other: { runId: started.json().id, title: 'Autumn camp', kind: 'run' }, theirs: 2 }],
    });
    // A cancelled run lands nowhere.
    await admin.call('POST', `/api/runs/${started.json().id}/cancel`, {});
    expect((await admin.call('POST', '/api/runs/preview', { sheet: SHEET, groups: 'community:training_camp', anchor })).json().warnings.overlaps.total).toBe(0);
  });

  it('lists the people in the team by display name, to everyone who signs in', async () => {
    expect((await admin.call('GET', '/api/people')).json().people).toEqual([{ name: 'linwei', displayName: '林伟', role: 'leader' }]);
    expect((await linwei.call('GET', '/api/people')).json().people).toEqual([{ name: 'linwei', displayName: '林伟', role: 'leader' }]);
  });
});
