// Keyword alerts: a member's message holding an alert's word (case, full and half width ignored:
// the moderation text's normalization) in a group its selector picks notifies the operators — a
// console notification, and a message to the command-center group when one is set (through the
// ledger, as every send) — with the message and the console link to the group. Once per message
// and alert (alert_hits); never for bots, staff or Chorus's own scripts. docs/insight.md#keyword-alerts.

import { randomBytes } from 'node:crypto';
import { readSelector } from '../community/groups.ts';
import { type Locale, msg, render } from '../i18n/index.ts';
import { queuePeopleSteps } from '../run/admission/platform.ts';
import { languageOfText } from '../run/member-blank.ts';
import { noticeColumns } from '../run/notices.ts';
import type { Db } from '../store/db.ts';
import type { IncomingMessage } from './moderation-judge.ts';
import { normalize } from './rules/moderation-text.ts';

export interface KeywordAlert {
  id: string;
  keyword: string;
  groups: string;
  createdBy: string | null;
  createdAt: string;
  hits: number;
}

export interface AlertHit {
  alert: string;
  keyword: string;
  group: string;
  groupName: string;
  member: string | null;
  memberName: string | null;
  text: string;
  at: string;
  link: string;
}

export class AlertError extends Error {
  constructor(
    readonly field: string,
    readonly text: ReturnType<typeof msg>,
  ) {
    super(text.key);
    this.name = 'AlertError';
  }
}

const SETTINGS_KEY = 'alerts';
const ALERTS_OPERATION = 'alerts';

/** The console page that shows a group's alerts (the link the notification carries). */
export const groupLink = (groupId: string) => `/insight/alerts?group=${encodeURIComponent(groupId)}`;

// The alerts are read for every member message: kept for a few seconds per process (a change in
// this process applies at once, one made in another within CACHE_MS).
const CACHE_MS = 5_000;
let alertsCache: { at: number; alerts: { id: string; keyword: string; selector: string }[] } | undefined;

/** Forgets the cached alerts (after a change is committed). */
export function forgetCachedAlerts(): void {
  alertsCache = undefined;
}

async function activeAlerts(db: Db) {
  if (alertsCache && Date.now() - alertsCache.at < CACHE_MS) return alertsCache.alerts;
  const alerts = await db.selectFrom('keyword_alerts').select(['id', 'keyword', 'selector']).execute();
  alertsCache = { at: Date.now(), alerts };
  return alerts;
}

const plain = (t: string) => normalize(t).text.trim();

/** Adds an alert. Throws AlertError, SelectorError. */
export async function addAlert(db: Db, o: { keyword: string; groups?: string; actor: string | null }): Promise<KeywordAlert> {
  const keyword = o.keyword.trim();
  if (!plain(keyword)) throw new AlertError('keyword', msg('alert.keywordEmpty'));
  const groups = o.groups?.trim() || 'all';
  readSelector(groups);
  const id = `al_${randomBytes(6).toString('hex')}`;
  const at = new Date();
  await db.insertInto('keyword_alerts').values({ id, keyword, selector: groups, created_by: o.actor, created_at: at }).execute();
  alertsCache = undefined;
  return { id, keyword, groups, createdBy: o.actor, createdAt: at.toISOString(), hits: 0 };
}

export async function removeAlert(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('keyword_alerts').where('id', '=', id).executeTakeFirst();
  alertsCache = undefined;
  return Number(r.numDeletedRows) > 0;
}

export async function listAlerts(db: Db): Promise<KeywordAlert[]> {
  const rows = await db
    .selectFrom('keyword_alerts as a')
    .leftJoin('alert_hits as h', 'h.alert_id', 'a.id')
    .select((eb) => ['a.id', 'a.keyword', 'a.selector', 'a.created_by', 'a.created_at', eb.fn.count<string>('h.message_id').as('hits')])
    .groupBy(['a.id', 'a.keyword', 'a.selector', 'a.created_by', 'a.created_at'])
    .orderBy('a.created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, keyword: r.keyword, groups: r.selector, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), hits: Number(r.hits) }));
}

/** The latest hits, newest first (a leader: their groups'). */
export async function listAlertHits(db: Db, o: { group?: string; leader?: string; limit?: number } = {}): Promise<AlertHit[]> {
  let q = db
    .selectFrom('alert_hits as h')
    .innerJoin('keyword_alerts as a', 'a.id', 'h.alert_id')
    .innerJoin('groups as g', 'g.id', 'h.group_id')
    .innerJoin('messages as m', 'm.id', 'h.message_id')
    .leftJoin('members as mb', 'mb.id', 'h.member_id')
    .select(['h.alert_id', 'a.keyword', 'h.group_id', 'g.name as group_name', 'h.member_id', 'mb.name as member_name', 'm.text', 'h.at'])
    .orderBy('h.at', 'desc')
    .limit(o.limit ?? 200);
  if (o.group) q = q.where('h.group_id', '=', o.group);
  if (o.leader !== undefined) q = q.where('g.leader', '=', o.leader);
  const rows = await q.execute();
  return rows.map((r) => ({
    alert: r.alert_id,
    keyword: r.keyword,
    group: r.group_id,
    groupName: r.group_name,
    member: r.member_id,
    memberName: r.member_name,
    text: r.text,
    at: new Date(r.at).toISOString(),
    link: groupLink(r.group_id),
  }));
}

export interface AlertSettings {
  /** The group that receives a message for every alert (the operators' own group), or null. */
  commandCenter: string | null;
}

export async function alertSettings(db: Db): Promise<AlertSettings> {
  const r = await db.selectFrom('workspace_settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  const v = (typeof r?.value === 'string' ? JSON.parse(r.value) : r?.value) as Partial<AlertSettings> | undefined;
  return { commandCenter: v?.commandCenter ?? null };
}

/** Sets the command-center group (by id or platform id; null: none). Throws AlertError. */
export async function setAlertSettings(db: Db, s: AlertSettings, actor: string | null): Promise<AlertSettings> {
  let commandCenter: string | null = null;
  if (s.commandCenter) {
    const g = await db
      .selectFrom('groups')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', s.commandCenter!), eb('external_id', '=', s.commandCenter!)]))
      .executeTakeFirst();
    if (!g) throw new AlertError('commandCenter', msg('alert.commandCenterUnknown', { group: s.commandCenter }));
    commandCenter = g.id;
  }
  const value = JSON.stringify({ commandCenter });
  await db
    .insertInto('workspace_settings')
    .values({ key: SETTINGS_KEY, value, updated_by: actor })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: actor, updated_at: new Date() }))
    .execute();
  return { commandCenter };
}

type Group = { id: string; name: string; community: string | null; tags: string[]; leader: string | null; external_id: string; channel_id: string; channel_name: string };

/** Whether a group is picked by a selector, in memory (the grammar of src/community/groups.ts). */
function picks(selector: string, g: Group): boolean {
  let terms: ReturnType<typeof readSelector>;
  try {
    terms = readSelector(selector);
  } catch {
    return false;
  }
  return terms.every((t) => {
    switch (t.kind) {
      case 'all':
        return true;
      case 'channel':
        return g.channel_id === t.ref || g.channel_name === t.ref;
      case 'tag':
        return g.tags.includes(t.value);
      case 'community':
        return g.community === t.value;
      case 'leader':
        return g.leader === t.value;
      case 'ids':
        return t.ids.includes(g.id) || t.ids.includes(g.external_id);
      default:
        return false;
    }
  });
}

export async function alertOnMessages(db: Db, messages: readonly IncomingMessage[]): Promise<void> {
  const candidates = messages.filter((m) => !m.isBot && !m.ownScript && m.text.trim() !== '');
  if (!candidates.length) return;
  const alerts = await activeAlerts(db);
  if (!alerts.length) return;
  const words = alerts.map((a) => ({ ...a, plain: plain(a.keyword) })).filter((a) => a.plain);
  const found = candidates.flatMap((m) => {
    const text = normalize(m.text).text;
    return words.filter((a) => text.includes(a.plain)).map((a) => ({ m, a }));
  });
  if (!found.length) return;
  const groupIds = [...new Set(found.map((f) => f.m.groupId))];
  const memberIds = [...new Set(found.map((f) => f.m.memberId))];
  const [groups, members, roles] = await Promise.all([
    db
      .selectFrom('groups as g')
      .innerJoin('channels as c', 'c.id', 'g.channel_id')
      .select(['g.id', 'g.name', 'g.community', 'g.tags', 'g.leader', 'g.external_id', 'g.channel_id', 'c.name as channel_name'])
      .where('g.id', 'in', groupIds)
      .execute(),
    db.selectFrom('members').select(['id', 'name', 'tags']).where('id', 'in', memberIds).execute(),
    db.selectFrom('member_roles').select(['member_id', 'group_id', 'role']).where('member_id', 'in', memberIds).where('group_id', 'in', groupIds).execute(),
  ]);
  const groupOf = new Map(groups.map((g) => [g.id, g as Group]));
  const memberOf = new Map(members.map((m) => [m.id, m]));
  const staffRole = new Set(roles.filter((r) => r.role === 'leader' || r.role === 'assistant').map((r) => `${r.member_id} ${r.group_id}`));
  const hits = found.filter(({ m, a }) => {
    const g = groupOf.get(m.groupId);
    const staff = (memberOf.get(m.memberId)?.tags ?? []).includes('staff') || staffRole.has(`${m.memberId} ${m.groupId}`);
    return g && !staff && picks(a.selector, g);
  });
  if (!hits.length) return;
  const fresh = await db
    .insertInto('alert_hits')
    .values(hits.map(({ m, a }) => ({ alert_id: a.id, message_id: m.messageId, group_id: m.groupId, member_id: m.memberId, at: m.at })))
    .onConflict((oc) => oc.columns(['alert_id', 'message_id']).doNothing())
    .returning(['alert_id', 'message_id'])
    .execute();
  const isFresh = new Set(fresh.map((f) => `${f.alert_id} ${f.message_id}`));
  const told = hits.filter(({ m, a }) => isFresh.has(`${a.id} ${m.messageId}`));
  if (!told.length) return;
  const texts = told.map(({ m, a }) =>
    msg('alert.notice', { keyword: a.keyword, group: groupOf.get(m.groupId)!.name, member: memberOf.get(m.memberId)?.name ?? m.memberId, text: m.text.slice(0, 300), link: groupLink(m.groupId) }),
  );
  await db
    .insertInto('notifications')
    .values(texts.map((t) => ({ recipient: 'operators', kind: 'alert', ...noticeColumns(t) })))
    .execute();
  const { commandCenter } = await alertSettings(db);
  if (!commandCenter) return;
  const center = await db.selectFrom('groups').select(['name']).where('id', '=', commandCenter).executeTakeFirst();
  if (!center) return;
  const lang: Locale = languageOfText(center.name);
  await queuePeopleSteps(
    db,
    { id: ALERTS_OPERATION, title: 'Keyword alerts', actor: null },
    told.map(({ m, a }, i) => ({ groupId: commandCenter, action: 'post', step: `alert:${a.id}:${m.messageId}`, content: { text: render(lang, texts[i]) } })),
  );
}
