// The blacklist: a member (all their identities) with a reason. Adding someone undoes their
// presence everywhere at once — in every group of every channel where they are now, a ban where
// the platform can (Telegram banChatMember, Wechaty room.del), else a task for the group's leader
// (WeCom) — declines their pending applications and tells the operators. From then on their join
// requests are declined and their joins undone (admissions.ts, joins.ts). Removing someone from
// the blacklist lifts the bans Chorus placed, where the platform keeps a ban list.

import { recordMemberEvent } from '../../community/events.ts';
import { type Locale, msg, translate } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';
import { moveRows } from '../ledger.ts';
import { AdmissionError, notifyPeople } from './admissions.ts';
import { PEOPLE_RUN_KIND, type PeopleStep, queuePeopleSteps } from './platform.ts';

/** Ban rows that have not started: the blacklist's removal cancels them. */
const WAITING_BAN = ['planned', 'retry_wait'] as const;
/** Ban rows being sent or sent (or of unknown outcome): its removal unbans after them. */
const PLACED_BAN = ['due', 'sending', 'sent', 'unconfirmed', 'awaiting_confirmation', 'done', 'done_late'] as const;

export interface BlacklistEntry {
  member: string;
  name: string;
  reason: string | null;
  by: string | null;
  at: string;
  identities: { channel: string; externalId: string }[];
}

async function memberName(db: Db, id: string): Promise<{ name: string; blacklisted: boolean }> {
  const m = await db.selectFrom('members').select(['name', 'blacklisted_at']).where('id', '=', id).executeTakeFirst();
  if (!m) throw new AdmissionError(404, 'not_found', msg('members.notFound', { ref: id }));
  return { name: m.name, blacklisted: !!m.blacklisted_at };
}

/** Blacklists a member; returns how many groups they are removed from (by the bot or as tasks). */
export async function addToBlacklist(db: Db, memberId: string, reason: string, actor: string): Promise<{ groups: number; declined: number }> {
  const text = reason.trim();
  if (!text) throw new AdmissionError(400, 'reason_required', msg('admission.reasonRequired'));
  const m = await memberName(db, memberId);
  if (m.blacklisted) throw new AdmissionError(409, 'already_blacklisted', msg('admission.alreadyBlacklisted', { name: m.name }));
  const now = new Date();
  await db.updateTable('members').set({ blacklisted_at: now, blacklist_reason: text, blacklisted_by: actor }).where('id', '=', memberId).execute();
  await recordMemberEvent(db, { memberId, kind: 'blacklist', at: now, detail: { on: true, reason: text, by: actor } });
  // Where they are now: every open stay, with their identity on that group's channel.
  const present = await db
    .selectFrom('memberships as ms')
    .innerJoin('groups as g', 'g.id', 'ms.group_id')
    .innerJoin('member_identities as i', (j) => j.onRef('i.member_id', '=', 'ms.member_id').onRef('i.channel_id', '=', 'g.channel_id'))
    .select(['g.id', 'g.name', 'i.external_id'])
    .where('ms.member_id', '=', memberId)
    .where('ms.left_at', 'is', null)
    .where('g.status', '=', 'active')
    .execute();
  const why = translate('en', 'admission.why.blacklistedJoin', { reason: text });
  // A task is worded in the group's language (its application settings).
  const languageOf = async (groupId: string): Promise<Locale> =>
    ((await db.selectFrom('admission_settings').select('language').where('group_id', '=', groupId).executeTakeFirst())?.language as Locale | undefined) ?? 'en';
  const steps: PeopleStep[] = [];
  for (const p of present) {
    const lang = await languageOf(p.id);
    steps.push({
      groupId: p.id,
      memberId,
      action: 'ban',
      step: 'blacklist:ban',
      content: { text: why, reason: why, userId: p.external_id },
      task: translate(lang, 'admission.task.ban', { name: m.name, group: p.name, reason: translate(lang, 'admission.why.blacklistedJoin', { reason: text }) }),
    });
  }
  // Their open applications are declined.
  const pending = await db
    .selectFrom('admissions as a')
    .innerJoin('groups as g', 'g.id', 'a.group_id')
    .select(['a.id', 'a.group_id', 'a.source', 'a.user_id', 'g.name'])
    .where('a.member_id', '=', memberId)
    .where('a.state', '=', 'pending')
    .execute();
  await db.updateTable('admissions').set({ state: 'rejected', reason: why, decided_by: actor, decided_at: now }).where('member_id', '=', memberId).where('state', '=', 'pending').execute();
  for (const a of pending) {
    if (a.source === 'join_request' && a.user_id) {
      const task = translate(await languageOf(a.group_id), 'admission.task.decline_join', { name: m.name, group: a.name });
      steps.push({ groupId: a.group_id, memberId, action: 'decline_join', step: `blacklist:decline:${a.id}`, content: { text: why, userId: a.user_id }, task });
    }
  }
  await queuePeopleSteps(db, { title: translate('en', 'admission.op.blacklist', { name: m.name }), actor }, steps, now);
  await notifyPeople(db, null, msg('admission.notice.blacklisted', { name: m.name, reason: text, count: present.length }));
  return { groups: present.length, declined: pending.length };
}

/** Takes a member off the blacklist and lifts the bans Chorus placed where the platform can. */
export async function removeFromBlacklist(db: Db, memberId: string, actor: string): Promise<{ unbanned: number }> {
  const m = await memberName(db, memberId);
  if (!m.blacklisted) throw new AdmissionError(409, 'not_blacklisted', msg('admission.notBlacklisted', { name: m.name }));
  const now = new Date();
  await db.updateTable('members').set({ blacklisted_at: null, blacklist_reason: null, blacklisted_by: null }).where('id', '=', memberId).execute();
  await recordMemberEvent(db, { memberId, kind: 'blacklist', at: now, detail: { on: false, by: actor } });
  const bans = await db
    .selectFrom('ledger as l')
    .innerJoin('runs as r', 'r.id', 'l.run_id')
    .select(['l.id', 'l.group_id', 'l.content', 'l.state'])
    .where('r.kind', '=', PEOPLE_RUN_KIND)
    .where('l.member_id', '=', memberId)
    .where('l.action', '=', 'ban')
    .where('l.state', 'in', [...WAITING_BAN, ...PLACED_BAN])
    .execute();
  // A ban not yet started is called off; one being sent, or sent, is lifted after it.
  const waiting = bans.filter((b) => (WAITING_BAN as readonly string[]).includes(b.state)).map((b) => Number(b.id));
  const cancelled = await moveRows(db, waiting, { from: WAITING_BAN, to: 'cancelled', actor, note: 'blacklist lifted' });
  const banned = bans.filter((b) => !cancelled.includes(Number(b.id)));
  const seen = new Set<string>();
  const steps: PeopleStep[] = [];
  for (const b of banned) {
    if (seen.has(b.group_id)) continue;
    seen.add(b.group_id);
    const c = (typeof b.content === 'string' ? JSON.parse(b.content) : b.content) as { userId?: string };
    if (c.userId) steps.push({ groupId: b.group_id, memberId, action: 'unban', step: 'blacklist:unban', content: { text: '', userId: c.userId } });
  }
  const q = await queuePeopleSteps(db, { title: translate('en', 'admission.op.unblacklist', { name: m.name }), actor }, steps, now);
  return { unbanned: q.queued };
}

export async function listBlacklist(db: Db): Promise<BlacklistEntry[]> {
  const rows = await db
    .selectFrom('members')
    .select(['id', 'name', 'blacklist_reason', 'blacklisted_by', 'blacklisted_at'])
    .where('blacklisted_at', 'is not', null)
    .orderBy('blacklisted_at', 'desc')
    .limit(5000)
    .execute();
  const ids = rows.map((r) => r.id);
  const identities = ids.length ? await db.selectFrom('member_identities').select(['member_id', 'channel_id', 'external_id']).where('member_id', 'in', ids).execute() : [];
  return rows.map((r) => ({
    member: r.id,
    name: r.name,
    reason: r.blacklist_reason,
    by: r.blacklisted_by,
    at: new Date(r.blacklisted_at as Date).toISOString(),
    identities: identities.filter((i) => i.member_id === r.id).map((i) => ({ channel: i.channel_id, externalId: i.external_id })),
  }));
}
