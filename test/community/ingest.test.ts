// Inbound events → state: groups, members with identities per channel, memberships, messages, and
// what a lost or dismissed group does to the ledger. Redeliveries change nothing.

import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel } from '../../src/channels/registry.ts';
import { normalizeUpdate } from '../../src/channels/telegram/normalize.ts';
import { createIngest, ingestEvent } from '../../src/community/ingest.ts';
import { linkMembers, MemberLinkError, membershipsOf } from '../../src/community/members.ts';
import { ledgerHistory } from '../../src/run/ledger.ts';
import { runStatus, startRun } from '../../src/run/runs.ts';
import { onMemberEvent } from '../../src/run/triggers.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const SHEET = `sop: two-steps
title: Two steps
community: training_camp
timezone: Asia/Shanghai
anchor: Start
steps:
  - id: hello
    at: T0
    do: post
    text: Hello {{ group.name }}
  - id: call
    at: T+1h
    do: task
    by: leader
    text: Call everyone.
  - id: greet
    on: member_join
    after: 10m
    do: direct_message
    text: Hi {{ member.name }}
`;

const T = (iso: string) => new Date(iso);
const ALICE = { externalId: '111', name: 'Alice' };
const BOB = { externalId: '222', name: 'Bob' };

describe(`ingest (${engine})`, () => {
  let w: World;
  let telegram: string;
  let ingest: (event: InboundEvent, channelId?: string) => ReturnType<typeof ingestEvent>;
  const db = () => w.store.db;
  const group = (channelId: string, chatId: string) =>
    db().selectFrom('groups').selectAll().where('channel_id', '=', channelId).where('external_id', '=', chatId).executeTakeFirstOrThrow();
  const identity = (channelId: string, externalId: string) =>
    db().selectFrom('member_identities').selectAll().where('channel_id', '=', channelId).where('external_id', '=', externalId).executeTakeFirst();

  beforeAll(async () => {
    w = await sandboxWorld(2);
    telegram = (await addChannel(db(), secretBox(TEST_KEY), { kind: 'telegram', name: 'tg', config: { token: '123456:ABC-def' }, verify: false })).id;
    ingest = (event, channelId = telegram) => ingestEvent({ db: db() }, channelId, event);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('group_seen creates the group, later ones update it; activity never moves back; group_renamed renames', async () => {
    const first = await ingest({ type: 'group_seen', chatId: '-100', title: 'Camp A', memberCount: 12, at: T('2026-12-01T10:00:00Z') });
    expect(first.change).toBe('group_created');
    expect(await group(telegram, '-100')).toMatchObject({ name: 'Camp A', member_count: 12, status: 'active', last_activity_at: T('2026-12-01T10:00:00Z') });
    const older = await ingest({ type: 'group_seen', chatId: '-100', title: 'Camp A', memberCount: 13, at: T('2026-11-30T10:00:00Z') });
    expect(older).toMatchObject({ change: 'group_updated', groupId: first.groupId });
    expect(await group(telegram, '-100')).toMatchObject({ member_count: 13, last_activity_at: T('2026-12-01T10:00:00Z') });
    expect(await ingest({ type: 'group_renamed', chatId: '-100', title: 'Camp A · Week 2', at: T('2026-12-02T10:00:00Z') })).toMatchObject({ change: 'group_updated' });
    expect((await group(telegram, '-100')).name).toBe('Camp A · Week 2');
  });

  it('member_joined: one member, its identity, a stay with link, inviter and scene; redeliveries change nothing', async () => {
    const join: InboundEvent = {
      type: 'member_joined',
      chatId: '-100',
      member: ALICE,
      via: { inviteLink: 'https://t.me/+abc', inviter: BOB, scene: 'invite_link' },
      at: T('2026-12-02T11:00:00Z'),
    };
    const r = await ingest(join);
    expect(r.change).toBe('joined');
    const alice = await identity(telegram, '111');
    const bob = await identity(telegram, '222');
    expect(alice).toMatchObject({ member_id: r.memberId, name: 'Alice', is_bot: false });
    expect(bob?.member_id).toBeTruthy();
    const stays = await membershipsOf(db(), r.groupId!, r.memberId!);
    expect(stays).toEqual([
      expect.objectContaining({ joinedAt: T('2026-12-02T11:00:00Z'), viaLink: 'https://t.me/+abc', inviterMemberId: bob!.member_id, scene: 'invite_link', leftAt: null }),
    ]);
    expect((await group(telegram, '-100')).member_count).toBe(14);
    // WeCom retries, Telegram re-sends — sometimes at the same moment.
    const again = await Promise.all([ingest(join), ingest(join), ingest(join)]);
    expect(again.map((a) => a.change)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await membershipsOf(db(), r.groupId!, r.memberId!)).toHaveLength(1);
    expect((await group(telegram, '-100')).member_count).toBe(14);
    expect(await db().selectFrom('members').select('id').where('name', '=', 'Alice').execute()).toHaveLength(1);
  });

  it('a first join delivered twice at once creates one member and one stay', async () => {
    const join: InboundEvent = { type: 'member_joined', chatId: '-100', member: { externalId: '333', name: 'Cy' }, at: T('2026-12-02T11:30:00Z') };
    const results = await Promise.all([ingest(join), ingest(join)]);
    expect(results.map((r) => r.change).sort()).toEqual(['duplicate', 'joined']);
    expect(new Set(results.map((r) => r.memberId)).size).toBe(1);
    expect(await db().selectFrom('members').select('id').where('name', '=', 'Cy').execute()).toHaveLength(1);
    expect(await membershipsOf(db(), results[0].groupId!, results[0].memberId!)).toHaveLength(1);
  });

  it('member_left closes the stay with reason and remover; late and repeated events are stale; a rejoin opens a new stay', async () => {
    const left = await ingest({ type: 'member_left', chatId: '-100', member: ALICE, reason: 'removed', by: BOB, at: T('2026-12-03T08:00:00Z') });
    expect(left.change).toBe('left');
    const bob = await identity(telegram, '222');
    let stays = await membershipsOf(db(), left.groupId!, left.memberId!);
    expect(stays).toEqual([expect.objectContaining({ leftAt: T('2026-12-03T08:00:00Z'), leftReason: 'removed', removedBy: bob!.member_id })]);
    expect((await group(telegram, '-100')).member_count).toBe(14); // 15 with Cy, one less
    // The leave again, and the old join arriving late: nothing reopens.
    expect((await ingest({ type: 'member_left', chatId: '-100', member: ALICE, reason: 'removed', by: BOB, at: T('2026-12-03T08:00:00Z') })).change).toBe('stale');
    expect((await ingest({ type: 'member_joined', chatId: '-100', member: ALICE, at: T('2026-12-02T11:00:00Z') })).change).toBe('stale');
    expect(await membershipsOf(db(), left.groupId!, left.memberId!)).toHaveLength(1);
    // Back a day later: a second stay.
    expect((await ingest({ type: 'member_joined', chatId: '-100', member: ALICE, at: T('2026-12-04T08:00:00Z') })).change).toBe('joined');
    stays = await membershipsOf(db(), left.groupId!, left.memberId!);
    expect(stays.map((s) => [s.joinedAt.toISOString(), s.leftAt?.toISOString() ?? null])).toEqual([
      ['2026-12-02T11:00:00.000Z', '2026-12-03T08:00:00.000Z'],
      ['2026-12-04T08:00:00.000Z', null],
    ]);
    // Telegram dates are whole seconds: leaving and coming back within one still counts.
    const same = T('2026-12-04T08:30:00Z');
    expect((await ingest({ type: 'member_left', chatId: '-100', member: ALICE, reason: 'voluntary', at: same })).change).toBe('left');
    expect((await ingest({ type: 'member_joined', chatId: '-100', member: ALICE, at: same })).change).toBe('joined');
    expect(await membershipsOf(db(), left.groupId!, left.memberId!)).toHaveLength(3);
    // Someone who was there before Chorus watched leaves: known as a member, no stay to close.
    const unknown = await ingest({ type: 'member_left', chatId: '-100', member: { externalId: '444', name: 'Dee' }, reason: 'voluntary', at: T('2026-12-04T09:00:00Z') });
    expect(unknown.change).toBe('left');
    expect(await membershipsOf(db(), unknown.groupId!, unknown.memberId!)).toEqual([]);
  });

  it('message: stored once with links, mentions and reply; activity moves forward', async () => {
    const msg: InboundEvent = {
      type: 'message',
      chatId: '-100',
      messageId: '501',
      from: ALICE,
      text: 'See https://x.example and ask @bob',
      links: ['https://x.example'],
      mentions: ['@bob'],
      replyTo: '500',
      at: T('2026-12-05T09:00:00Z'),
    };
    const r = await ingest(msg);
    expect(r.change).toBe('message');
    expect(await ingest(msg)).toMatchObject({ change: 'duplicate' });
    const rows = await db().selectFrom('messages').selectAll().where('group_id', '=', r.groupId!).where('external_id', '=', '501').execute();
    expect(rows).toEqual([
      expect.objectContaining({ member_id: r.memberId, text: msg.text, links: ['https://x.example'], mentions: ['@bob'], reply_to: '500', sent_at: T('2026-12-05T09:00:00Z') }),
    ]);
    expect((await group(telegram, '-100')).last_activity_at).toEqual(T('2026-12-05T09:00:00Z'));
  });

  it('a join request makes the requester a member with a join_request event, an announcement change sets the group notice; every delivery is in inbound_events', async () => {
    const before = await db().selectFrom('inbound_events').select('id').execute();
    const req = await ingest({ type: 'join_request', chatId: '-100', member: { externalId: '555', name: 'Eve' }, bio: 'hi', at: T('2026-12-05T10:00:00Z') });
    expect(req).toMatchObject({ change: 'stored', planned: 0 });
    const eve = await identity(telegram, '555');
    expect(eve?.member_id).toBe(req.memberId);
    const events = await db().selectFrom('member_events').select(['kind', 'group_id']).where('member_id', '=', req.memberId!).execute();
    // The people rules make the requester `curious` (src/community/standing/).
    expect(events).toEqual([
      { kind: 'join_request', group_id: req.groupId },
      { kind: 'stage', group_id: req.groupId },
    ]);
    const ann = await ingest({ type: 'announcement_changed', chatId: '-100', text: 'Rules v2', at: T('2026-12-05T10:01:00Z') });
    expect(ann.change).toBe('group_updated');
    expect((await group(telegram, '-100')).announcement).toBe('Rules v2');
    const inbound = await db().selectFrom('inbound_events').selectAll().where('channel_id', '=', telegram).orderBy('id').execute();
    expect(inbound.length).toBe(before.length + 2);
    expect(inbound.at(-1)).toMatchObject({ type: 'announcement_changed', chat_id: '-100', payload: { type: 'announcement_changed', text: 'Rules v2', at: '2026-12-05T10:01:00.000Z' } });
    // Alice's join and its three redeliveries, Cy's join twice, Alice's old join arriving late and
    // her two rejoins: every delivery is kept, redeliveries included.
    expect(inbound.filter((e) => e.type === 'member_joined')).toHaveLength(9);
  });

  it('an event without a platform time counts from when it was received', async () => {
    const before = Date.now();
    const r = await ingest({ type: 'member_joined', chatId: '-100', member: { externalId: '666', name: 'Fay' }, at: new Date(0) });
    const [stay] = await membershipsOf(db(), r.groupId!, r.memberId!);
    expect(stay.joinedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('one person on two channels is two members until an operator links them; one channel keeps one member', async () => {
    // The same Telegram account in a second group of the same bot: the same member.
    const other = await ingest({ type: 'member_joined', chatId: '-200', member: ALICE, at: T('2026-12-02T12:00:00Z') });
    const alice = await identity(telegram, '111');
    expect(other.memberId).toBe(alice!.member_id);
    // Alice also writes in a sandbox group, where her id means nothing to Telegram.
    const sandbox = await ingest({ type: 'member_joined', chatId: 'chat-1', member: { externalId: 'alice-sb', name: 'Alice N.' }, at: T('2026-12-02T12:00:00Z') }, w.channelId);
    expect(sandbox.memberId).not.toBe(alice!.member_id);
    await linkMembers(db(), alice!.member_id, sandbox.memberId!);
    const identities = await db().selectFrom('member_identities').select(['channel_id', 'external_id']).where('member_id', '=', alice!.member_id).orderBy('external_id').execute();
    expect(identities).toEqual([
      { channel_id: telegram, external_id: '111' },
      { channel_id: w.channelId, external_id: 'alice-sb' },
    ]);
    expect(await membershipsOf(db(), sandbox.groupId!, alice!.member_id)).toHaveLength(1);
    expect(await db().selectFrom('members').select('id').where('id', '=', sandbox.memberId!).execute()).toEqual([]);
    // Her next sandbox event finds the linked member.
    const again = await ingest({ type: 'message', chatId: 'chat-1', messageId: 's-1', from: { externalId: 'alice-sb', name: 'Alice N.' }, text: 'hi', links: [], mentions: [], at: T('2026-12-02T13:00:00Z') }, w.channelId);
    expect(again.memberId).toBe(alice!.member_id);
    // Two Telegram accounts are two accounts.
    const bob = await identity(telegram, '222');
    await expect(linkMembers(db(), alice!.member_id, bob!.member_id)).rejects.toThrow(MemberLinkError);
    await expect(linkMembers(db(), alice!.member_id, bob!.member_id)).rejects.toThrow(/same channel/);
  });

  it('group_dismissed: the group is dismissed, its open rows are cancelled, operators are told', async () => {
    const anchor = new Date(Date.now() + 86_400_000).toISOString();
    const run = await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-1', anchor });
    const dismissed = await ingest({ type: 'group_dismissed', chatId: 'chat-1', at: new Date() }, w.channelId);
    expect(dismissed).toMatchObject({ change: 'dismissed', closed: 2 });
    expect((await group(w.channelId, 'chat-1')).status).toBe('dismissed');
    const s = await runStatus(db(), run.id);
    expect(s.counts).toEqual({ cancelled: 2 });
    expect((await ledgerHistory(db(), s.actions[0].id)).map((h) => h.note)).toEqual(['the group was dismissed on the platform']);
    const notes = await db().selectFrom('notifications').select(['recipient', 'kind', 'message']).where('message', 'like', '%dismissed%').execute();
    expect(notes).toEqual([{ recipient: 'operators', kind: 'channel', message: 'The group "Group 1" was dismissed on the platform; 2 action(s) still to do there were cancelled.' }]);
    expect((await ingest({ type: 'group_dismissed', chatId: 'chat-1', at: new Date() }, w.channelId)).change).toBe('duplicate');
    expect((await ingest({ type: 'group_dismissed', chatId: 'nowhere', at: new Date() }, w.channelId)).change).toBe('unknown_group');
    // A join reported late for the dismissed group plans nothing.
    const late = await ingest({ type: 'member_joined', chatId: 'chat-1', member: { externalId: 'late', name: 'Late' }, at: new Date() }, w.channelId);
    expect(late.planned).toBe(0);
  });

  it('access_lost: bot rows fail with the reason, tasks for people stay, operators are told; group_seen restores', async () => {
    const anchor = new Date(Date.now() + 86_400_000).toISOString();
    const run = await startRun(w.ctx, { sheet: SHEET, groups: 'id:chat-2', anchor });
    const lost = await ingest({ type: 'access_lost', chatId: 'chat-2', reason: 'the bot was removed by Bob', at: new Date() }, w.channelId);
    expect(lost).toMatchObject({ change: 'access_lost', closed: 1 });
    expect((await group(w.channelId, 'chat-2')).status).toBe('access_lost');
    const s = await runStatus(db(), run.id);
    expect(s.counts).toEqual({ failed: 1, assigned: 1 });
    const failed = s.actions.find((a) => a.step === 'hello')!;
    expect(failed.error).toBe('Chorus can no longer act in this group: the bot was removed by Bob');
    expect((await ledgerHistory(db(), failed.id)).map((h) => [h.from_state, h.to_state])).toEqual([['planned', 'failed']]);
    const [note] = await db().selectFrom('notifications').selectAll().where('message', 'like', '%no longer act%').execute();
    expect(note).toMatchObject({ recipient: 'operators', kind: 'channel' });
    expect(note.message).toMatch(/^Chorus can no longer act in the group "Group 2" \(channel sandbox\): the bot was removed by Bob\. 1 automatic action/);
    expect((await ingest({ type: 'access_lost', chatId: 'chat-2', reason: 'again', at: new Date() }, w.channelId)).change).toBe('duplicate');
    // No new member steps while Chorus cannot act there.
    const m = await ingest({ type: 'member_joined', chatId: 'chat-2', member: { externalId: 'gil', name: 'Gil' }, at: new Date() }, w.channelId);
    expect(m.planned).toBe(0);
    const back = await ingest({ type: 'group_seen', chatId: 'chat-2', title: 'Group 2', at: new Date() }, w.channelId);
    expect(back.change).toBe('group_restored');
    expect((await group(w.channelId, 'chat-2')).status).toBe('active');
    expect(await onMemberEvent({ db: db() }, { groupId: back.groupId!, member: { id: m.memberId!, externalId: 'gil', name: 'Gil' }, event: 'member_join', at: new Date() })).toBe(1);
  });

  it('end to end with Telegram: a chat_member update with an invite link becomes a stay with via_link', async () => {
    const chat = { id: -1009876543210, type: 'supergroup', title: 'Camp 9' };
    const user = { id: 777, is_bot: false, first_name: 'Hana', last_name: 'K' };
    const creator = { id: 7000000001, is_bot: true, first_name: 'Chorus', username: 'chorus_bot' };
    const update = {
      update_id: 10,
      chat_member: {
        chat,
        from: user,
        date: 1767225600, // 2026-01-01T00:00:00Z
        old_chat_member: { user, status: 'left' },
        new_chat_member: { user, status: 'member' },
        invite_link: { invite_link: 'https://t.me/+Camp9Spring', creator, creates_join_request: false, is_primary: false, is_revoked: false, name: 'spring' },
      },
    } as unknown as Update;
    const events = normalizeUpdate(update);
    expect(events.map((e) => e.type)).toEqual(['member_joined']);
    const fn = createIngest({ db: db() });
    for (const e of events) await fn(telegram, e);
    const hana = await identity(telegram, '777');
    expect(hana).toMatchObject({ name: 'Hana K' });
    const g = await group(telegram, String(chat.id));
    const stays = await membershipsOf(db(), g.id, hana!.member_id);
    expect(stays).toEqual([expect.objectContaining({ viaLink: 'https://t.me/+Camp9Spring', scene: 'invite_link', joinedAt: T('2026-01-01T00:00:00Z'), inviterMemberId: null })]);
    // The bot is removed from the chat: my_chat_member → access_lost.
    const kicked = normalizeUpdate({
      update_id: 11,
      my_chat_member: { chat, from: user, date: 1767229200, old_chat_member: { user: creator, status: 'administrator' }, new_chat_member: { user: creator, status: 'kicked', until_date: 0 } },
    } as unknown as Update);
    for (const e of kicked) await fn(telegram, e);
    expect((await group(telegram, String(chat.id))).status).toBe('access_lost');
  });
});
