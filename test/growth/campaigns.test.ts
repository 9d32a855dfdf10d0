// Campaigns on the sandbox: personal links made through the ledger, attribution by link, by the
// WeCom join-way state and by the inviter; each fraud rule's reason in the status; a pending
// invite qualifies after the stay and a leave before it rejects; completion rewards (a code from
// the pool, the regroup) exactly once, also when completions race for the last codes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../src/community/ingest.ts';
import { moveRows } from '../../src/run/ledger.ts';
import { completeTask } from '../../src/run/tasks.ts';
import { growthSweep } from '../../src/growth/sweep.ts';
import { Worker } from '../../src/dispatch/worker.ts';
import { enrol, firstLink } from '../../src/growth/campaign-enrol.ts';
import { qualifyDue } from '../../src/growth/campaign-qualify.ts';
import { grantRewards, poolOf } from '../../src/growth/campaign-rewards.ts';
import { campaignStatus } from '../../src/growth/campaign-status.ts';
import { createCampaign } from '../../src/growth/campaigns.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, type World } from '../support/world.ts';

describe(`campaigns (${engine})`, () => {
  let world: World;
  let worker: Worker;
  const t0 = new Date('2026-12-01T10:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const chat = (i: number) => `chat-${i + 1}`;
  const join = (i: number, user: string, at: Date, via: { inviteLink?: string; inviter?: { externalId: string }; state?: string } = {}, isBot = false) =>
    ingestEvent({ db: world.store.db }, world.channelId, { type: 'member_joined', chatId: chat(i), member: { externalId: user, name: user, ...(isBot ? { isBot } : {}) }, via, at });
  const leave = (i: number, user: string, at: Date) => ingestEvent({ db: world.store.db }, world.channelId, { type: 'member_left', chatId: chat(i), member: { externalId: user, name: user }, reason: 'voluntary', at });
  const memberOf = async (user: string) => (await world.store.db.selectFrom('member_identities').select('member_id').where('external_id', '=', user).executeTakeFirstOrThrow()).member_id;

  beforeAll(async () => {
    world = await sandboxWorld(4);
    worker = new Worker({ db: world.store.db, connectors: world.connectors, pollMs: 30, heartbeatMs: 200 });
    await worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await world?.close();
  });

  it('attributes joins by link, state and inviter; judges each rule; qualifies after the stay; rewards and regroups once', async () => {
    const db = world.store.db;
    // Ann and Bo are in group 1 already; Old was once in group 4.
    await join(0, 'ann', at(-600));
    await join(0, 'bo', at(-600));
    await join(3, 'old', at(-900));
    await leave(3, 'old', at(-800));
    const { id } = await createCampaign(
      db,
      { kind: 'invite', groups: `id:${world.groups[0]},${world.groups[2]}`, goal: 2, staySeconds: 7200, newOnly: true, rewardCodes: ['GIFT-1', 'GIFT-2'], regroup: world.groups[1], name: 'Spring' },
      at(-10),
    );
    const ann = await enrol(db, id, await memberOf('ann'), { now: at(-5) });
    const bo = await enrol(db, id, await memberOf('bo'), { now: at(-5) });
    const annLink = await firstLink(db, ann.participant.id, 10_000);
    expect(annLink).toMatch(/^https:\/\/sandbox\.chorus\.local\/join\//);
    // Enrolling again changes nothing.
    expect((await enrol(db, id, await memberOf('ann'))).created).toBe(false);

    await join(0, 'new1', at(0), { inviteLink: annLink! }); // counted
    await join(2, 'ann', at(1), { state: ann.participant.token }); // self_invite (by state)
    await join(0, 'old', at(2), { inviteLink: annLink! }); // not_new
    await join(0, 'robot', at(3), { inviteLink: annLink! }, true); // bot
    await join(0, 'new3', at(4), { inviter: { externalId: 'bo' } }); // Bo's, by inviter
    await join(2, 'new3', at(5), { state: ann.participant.token }); // already_invited
    await join(0, 'new4', at(6), { inviteLink: annLink! }); // leaves after an hour
    await leave(0, 'new4', at(66));
    await join(0, 'new5', at(7), { inviteLink: annLink! }); // counted
    void bo;

    expect(await campaignStatus(db, id)).toMatchObject({ participants: 2, invited: 3, qualified: 0, completed: 0 });
    // Before the stay: nothing qualifies; after it, Ann's two and Bo's one.
    expect((await db.transaction().execute((trx) => qualifyDue(trx, at(100)))).qualified).toBe(0);
    const q = await db.transaction().execute((trx) => qualifyDue(trx, at(130)));
    expect(q).toEqual({ qualified: 3, rejected: 0, completed: 1 });
    const s = await campaignStatus(db, id);
    expect(s).toMatchObject({ kind: 'invite', state: 'active', goal: 2, participants: 2, invited: 3, qualified: 3, completed: 1, kFactor: 1.5 });
    expect(s.rejected).toEqual({ self_invite: 1, not_new: 1, bot: 1, already_invited: 1, left_early: 1 });
    expect(s.leaders[0]).toMatchObject({ member: await memberOf('ann'), name: 'ann', invited: 2, qualified: 2, completed: true, link: annLink });
    expect(s.leaders[1]).toMatchObject({ name: 'bo', invited: 1, qualified: 1, completed: false });

    // The code went to Ann privately; she is invited into the regroup group; nothing twice.
    expect(await poolOf(db, id)).toEqual({ total: 2, remaining: 1 });
    await grantRewards(db, ann.participant.id, at(140));
    expect(await poolOf(db, id)).toEqual({ total: 2, remaining: 1 });
    const rows = await db.selectFrom('ledger').select(['step_id', 'action', 'group_id', 'content']).where('run_id', '=', `${id}_ops`).where('step_id', 'like', `campaign:%:${ann.participant.id}`).execute();
    expect(rows.map((r) => r.action).sort()).toEqual(['campaign_link', 'campaign_link', 'direct_message', 'move']);
    expect(rows.find((r) => r.action === 'direct_message')!.content).toMatchObject({ text: expect.stringContaining('GIFT-1'), userId: 'ann' });
    expect(rows.find((r) => r.action === 'move')).toMatchObject({ group_id: world.groups[1], content: { intoGroupId: world.groups[1], userId: 'ann' } });
    // The operators were told the pool runs low (1 left, below the default mark of 10), once.
    const notes = await db.selectFrom('notifications').select('message').where('message', 'like', '%reward codes are left%').execute();
    expect(notes).toHaveLength(1);
  }, 60_000);

  it('gives each code once when completions race, and a task when the pool is empty', async () => {
    const db = world.store.db;
    const { id } = await createCampaign(db, { kind: 'invite', groups: `id:${world.groups[3]}`, goal: 1, rewardCodes: ['A', 'B', 'C'], name: 'Race' }, at(0));
    const people = ['p1', 'p2', 'p3', 'p4', 'p5'];
    for (const p of people) await join(3, p, at(1));
    const parts = [];
    for (const p of people) parts.push((await enrol(db, id, await memberOf(p), { now: at(2) })).participant);
    // Everyone completes at once: each join through a participant's inviter qualifies on arrival (no stay).
    await Promise.all(people.map((p, i) => join(3, `friend-${i}`, at(3), { inviter: { externalId: p } })));
    const s = await campaignStatus(db, id);
    expect(s).toMatchObject({ qualified: 5, completed: 5 });
    const given = await db.selectFrom('campaign_codes' as never).select(['code' as never, 'participant_id' as never]).where('campaign_id' as never, '=', id as never).execute();
    expect(given.filter((g: Record<string, unknown>) => g.participant_id !== null)).toHaveLength(3);
    expect(new Set(given.map((g: Record<string, unknown>) => g.participant_id)).size).toBe(3);
    for (const p of parts) await grantRewards(db, p.id, at(10));
    expect(await poolOf(db, id)).toEqual({ total: 3, remaining: 0 });
    const codeRows = await db.selectFrom('ledger').select(['action', 'content']).where('run_id', '=', `${id}_ops`).where('step_id', 'like', 'campaign:code:%').execute();
    expect(codeRows).toHaveLength(5);
    expect(codeRows.filter((r) => r.action === 'task').map((r) => r.content.text)).toEqual([expect.stringContaining('code pool is empty'), expect.stringContaining('code pool is empty')]);
  }, 60_000);

  it('poster campaigns: a screenshot approved at once (auto), or by the leader through a task (done approves, cancelled rejects)', async () => {
    const db = world.store.db;
    const picture = (user: string, n: number, where: { group?: number }) =>
      where.group !== undefined
        ? ingestEvent({ db }, world.channelId, { type: 'message', chatId: chat(where.group), messageId: `img-${user}-${n}`, from: { externalId: user, name: user }, text: '', links: [], mentions: [], image: true, at: at(20) })
        : ingestEvent({ db }, world.channelId, { type: 'private_message', chatId: `dm-${user}`, messageId: `img-${user}-${n}`, from: { externalId: user, name: user }, text: '', image: true, at: at(20) });
    const auto = await createCampaign(db, { kind: 'poster', groups: `id:${world.groups[1]}`, rewardPoints: 10, name: 'Share' }, at(0));
    await join(1, 'sam', at(1));
    // A picture before enrolling is nothing; after, it completes at once.
    await picture('sam', 1, { group: 1 });
    await enrol(db, auto.id, await memberOf('sam'), { now: at(2) });
    await picture('sam', 2, { group: 1 });
    expect(await campaignStatus(db, auto.id)).toMatchObject({ kind: 'poster', goal: 1, participants: 1, completed: 1 });
    expect((await db.selectFrom('members').select('points').where('id', '=', await memberOf('sam')).executeTakeFirstOrThrow()).points).toBe(10);

    const led = await createCampaign(db, { kind: 'poster', groups: `id:${world.groups[1]}`, review: 'leader', name: 'Share 2' }, at(0));
    await join(1, 'kim', at(1));
    await join(1, 'lou', at(1));
    await enrol(db, led.id, await memberOf('kim'), { now: at(2) });
    await enrol(db, led.id, await memberOf('lou'), { now: at(2) });
    await picture('kim', 1, {});
    await picture('lou', 1, { group: 1 });
    await picture('lou', 2, { group: 1 }); // one open submission at a time
    const tasks = await db.selectFrom('ledger').select(['id', 'member_id', 'assignee', 'content']).where('run_id', '=', `${led.id}_ops`).where('step_id', 'like', 'campaign:review:%').execute();
    expect(tasks).toHaveLength(2);
    expect(tasks[0]).toMatchObject({ assignee: 'leader-2', content: { text: expect.stringContaining('sent a screenshot for "Share 2" in Group 2') } });
    await completeTask(db, Number(tasks[0].id), 'leader-2');
    await moveRows(db, [Number(tasks[1].id)], { from: ['assigned'], to: 'cancelled', actor: 'leader-2' });
    expect((await growthSweep(db, at(30))).reviewed).toBe(2);
    const s = await campaignStatus(db, led.id);
    expect(s).toMatchObject({ participants: 2, completed: 1, rejected: { review_rejected: 1 } });
  }, 60_000);
});
