// Moderation at ingest: each member message of a moderated group is judged (the pure rules in
// src/insight/rules/moderation-rules.ts) with the member's context, read set-based for the whole
// batch — their open stay's join time, their recent messages in the group (floods), the warnings
// they were given within the window (the moderation log) — and what it decides is logged and
// queued (moderation-actions.ts), in ingest's transaction. Never judged: bots, Chorus's own
// scripts pasted by a leader, staff (members tagged `staff`, or the role `assistant`), the
// group's leaders (the role `leader`, or the identity whose username is the group's leader) and
// the roles the settings exempt.

import type { Locale } from '../i18n/index.ts';
import { languageOfText } from '../run/member-blank.ts';
import type { Db } from '../store/db.ts';
import { type Judged, queueModeration } from './moderation-actions.ts';
import { moderatedGroups, storedScopes } from './moderation.ts';
import { judgeMessage } from './rules/moderation-rules.ts';

/** What of a message moderation reads (inbound.ts's SeenMessage: not imported, so inbound.ts can call this without a cycle). */
export interface IncomingMessage {
  channelId: string;
  groupId: string;
  memberId: string;
  messageId: number;
  externalId: string;
  text: string;
  links: string[];
  at: Date;
  isBot: boolean;
  ownScript: boolean;
}

const HOUR = 3_600_000;
const key = (memberId: string, groupId: string) => `${memberId}\u0000${groupId}`;

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export async function moderateMessages(db: Db, messages: readonly IncomingMessage[]): Promise<void> {
  const candidates = messages.filter((m) => !m.isBot && !m.ownScript && (m.text.trim() !== '' || m.links.length > 0));
  if (!candidates.length || !(await storedScopes(db)).size) return;
  const groupIds = [...new Set(candidates.map((m) => m.groupId))];
  const groups = await db.selectFrom('groups').select(['id', 'name', 'community', 'leader', 'channel_id']).where('id', 'in', groupIds).execute();
  const moderated = await moderatedGroups(db, groups);
  const judged = candidates.filter((m) => moderated.has(m.groupId));
  if (!judged.length) return;

  const memberIds = [...new Set(judged.map((m) => m.memberId))];
  const gids = [...new Set(judged.map((m) => m.groupId))];
  const first = Math.min(...judged.map((m) => m.at.getTime()));
  const last = Math.max(...judged.map((m) => m.at.getTime()));
  const floodSeconds = Math.max(...gids.map((g) => moderated.get(g)!.settings.flood.seconds));
  const windowHours = Math.max(...gids.map((g) => moderated.get(g)!.settings.warnWindowHours));
  const [stays, roles, members, identities, recent, warnings, languages] = await Promise.all([
    db
      .selectFrom('memberships')
      .select(['member_id', 'group_id', 'joined_at'])
      .where('member_id', 'in', memberIds)
      .where('group_id', 'in', gids)
      .where('left_at', 'is', null)
      .execute(),
    db.selectFrom('member_roles').select(['member_id', 'group_id', 'role']).where('member_id', 'in', memberIds).where('group_id', 'in', gids).execute(),
    db.selectFrom('members').select(['id', 'name', 'tags']).where('id', 'in', memberIds).execute(),
    db.selectFrom('member_identities').select(['member_id', 'channel_id', 'external_id', 'username', 'name']).where('member_id', 'in', memberIds).execute(),
    db
      .selectFrom('messages')
      .select(['id', 'member_id', 'group_id', 'sent_at'])
      .where('member_id', 'in', memberIds)
      .where('group_id', 'in', gids)
      .where('sent_at', '>=', new Date(first - floodSeconds * 1000))
      .where('sent_at', '<=', new Date(last))
      .execute(),
    db
      .selectFrom('moderation_log')
      .select(['member_id', 'group_id', 'at'])
      .where('member_id', 'in', memberIds)
      .where('group_id', 'in', gids)
      .where('action', '=', 'warn')
      .where('undone_at', 'is', null)
      .where('at', '>=', new Date(first - windowHours * HOUR))
      .execute(),
    db.selectFrom('admission_settings').select(['group_id', 'language']).where('group_id', 'in', gids).execute(),
  ]);
  const joinedAt = new Map<string, Date>();
  for (const s of stays) {
    const k = key(s.member_id, s.group_id);
    const at = new Date(s.joined_at);
    if (!joinedAt.has(k) || at > joinedAt.get(k)!) joinedAt.set(k, at);
  }
  const roleOf = new Map(roles.map((r) => [key(r.member_id, r.group_id), r.role]));
  const memberOf = new Map(members.map((m) => [m.id, m]));
  const identityOf = new Map(identities.map((i) => [key(i.member_id, i.channel_id), i]));
  const times = new Map<string, { id: number; at: Date }[]>();
  for (const r of recent) if (r.member_id) push(times, key(r.member_id, r.group_id), { id: Number(r.id), at: new Date(r.sent_at) });
  const warned = new Map<string, Date[]>();
  for (const w of warnings) if (w.member_id) push(warned, key(w.member_id, w.group_id), new Date(w.at));
  const languageOf = new Map(languages.map((l) => [l.group_id, l.language as Locale]));
  const groupOf = new Map(groups.map((g) => [g.id, g]));

  const out: Judged[] = [];
  for (const m of judged) {
    const g = groupOf.get(m.groupId)!;
    const mod = moderated.get(m.groupId)!;
    const k = key(m.memberId, m.groupId);
    const member = memberOf.get(m.memberId);
    const identity = identityOf.get(key(m.memberId, m.channelId));
    const role = roleOf.get(k);
    const windowStart = m.at.getTime() - mod.settings.warnWindowHours * HOUR;
    const judgement = judgeMessage(
      mod.settings,
      { text: m.text, links: m.links, at: m.at },
      {
        joinedAt: joinedAt.get(k) ?? null,
        isStaff: (member?.tags ?? []).includes('staff') || role === 'assistant',
        isLeader: role === 'leader' || (!!g.leader && !!identity?.username && identity.username.toLowerCase() === g.leader.toLowerCase()),
        exemptRole: !!role && (mod.exemptRoles as string[]).includes(role),
        recentMessageTimes: (times.get(k) ?? []).filter((t) => t.id !== m.messageId).map((t) => t.at),
        warningsInWindow: (warned.get(k) ?? []).filter((at) => at.getTime() >= windowStart && at.getTime() <= m.at.getTime()).length,
      },
    );
    if (judgement.exempt || judgement.action === 'none') continue;
    const v = judgement.violations[0];
    const [log] = await db
      .insertInto('moderation_log')
      .values({
        at: m.at,
        group_id: m.groupId,
        member_id: m.memberId,
        rule: v.rule,
        action: judgement.action,
        deleted: judgement.delete,
        message_id: m.messageId,
        text: m.text.slice(0, 2000),
        match: v.match.slice(0, 500),
        blacklisted: judgement.blacklist,
      })
      .onConflict((oc) => oc.column('message_id').where('message_id', 'is not', null).doNothing())
      .returning('id')
      .execute();
    // Judged before (the same message delivered twice): nothing more.
    if (!log) continue;
    // The next message of this member in the batch sees this warning.
    if (judgement.action === 'warn') push(warned, k, m.at);
    out.push({
      logId: Number(log.id),
      group: { id: g.id, name: g.name, language: languageOf.get(g.id) ?? languageOfText(g.name) },
      member: { id: m.memberId, name: member?.name || identity?.name || m.memberId, userId: identity?.external_id ?? null },
      message: { externalId: m.externalId, text: m.text, at: m.at },
      judgement,
      settings: mod.settings,
    });
  }
  await queueModeration(db, out, new Date());
}
