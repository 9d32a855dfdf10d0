// Groups: the chats Chorus operates, whatever their platform. Selectors pick groups for runs and
// broadcasts: `all`, `channel:<id or name>` (or `all:<…>`), `tag:<t>`, `community:<type>`,
// `leader:<name>`, `id:<g1>,<g2>`; several terms joined by `+` must all hold.

import { randomBytes } from 'node:crypto';
import { english, msg, type Text } from '../i18n/index.ts';
import type { Db } from '../store/db.ts';

export interface GroupRow {
  id: string;
  channelId: string;
  externalId: string;
  name: string;
  community: string | null;
  tags: string[];
  attrs: Record<string, string>;
  leader: string | null;
  timezone: string | null;
  memberCount: number | null;
  status: string;
  createdAt: Date;
  lastActivityAt: Date | null;
}

export class SelectorError extends Error {
  /** The message as a catalogue text, rendered in the reader's language by the API. */
  readonly text: Text;
  constructor(message: Text) {
    super(english(message));
    this.text = message;
    this.name = 'SelectorError';
  }
}

type Term =
  | { kind: 'all' }
  | { kind: 'channel'; ref: string }
  | { kind: 'tag'; value: string }
  | { kind: 'community'; value: string }
  | { kind: 'leader'; value: string }
  | { kind: 'ids'; ids: string[] };

/** Reads a selector; a wrong one is an error that shows the accepted forms. */
export function readSelector(text: string): Term[] {
  const terms = text
    .split('+')
    .map((t) => t.trim())
    .filter(Boolean);
  if (!terms.length) throw new SelectorError(msg('selector.empty'));
  return terms.map((t): Term => {
    if (t === 'all') return { kind: 'all' };
    const colon = t.indexOf(':');
    const [key, value] = colon < 0 ? ['id', t] : [t.slice(0, colon), t.slice(colon + 1).trim()];
    if (!value) throw new SelectorError(msg('selector.needsValue', { term: t }));
    switch (key) {
      case 'all':
      case 'channel':
        return { kind: 'channel', ref: value };
      case 'tag':
        return { kind: 'tag', value };
      case 'community':
        return { kind: 'community', value };
      case 'leader':
        return { kind: 'leader', value };
      case 'id':
      case 'ids':
        return { kind: 'ids', ids: value.split(',').map((s) => s.trim()).filter(Boolean) };
      default:
        throw new SelectorError(msg('selector.unknownKey', { key }));
    }
  });
}

/** The active groups a selector picks, as a query of their ids (to use inside another query); a wrong selector throws. */
export function selectedGroupIds(db: Db, selector: string) {
  return selected(db, selector).select('groups.id');
}

export async function selectGroups(db: Db, selector: string): Promise<GroupRow[]> {
  const q = selected(db, selector).selectAll('groups');
  const rows = await q.orderBy('groups.created_at').orderBy('groups.id').execute();
  return rows.map(toGroup);
}

function selected(db: Db, selector: string) {
  const terms = readSelector(selector);
  let q = db.selectFrom('groups').where('groups.status', '=', 'active');
  for (const term of terms) {
    switch (term.kind) {
      case 'all':
        break;
      case 'channel':
        q = q.where((eb) =>
          eb('groups.channel_id', 'in', eb.selectFrom('channels').select('id').where((e) => e.or([e('id', '=', term.ref), e('name', '=', term.ref)]))),
        );
        break;
      case 'tag':
        q = q.where((eb) => eb(eb.val(term.value), '=', eb.fn.any('groups.tags')));
        break;
      case 'community':
        q = q.where('groups.community', '=', term.value);
        break;
      case 'leader':
        q = q.where('groups.leader', '=', term.value);
        break;
      case 'ids':
        q = q.where((eb) => eb.or([eb('groups.id', 'in', term.ids), eb('groups.external_id', 'in', term.ids)]));
        break;
    }
  }
  return q;
}

export function toGroup(r: {
  id: string;
  channel_id: string;
  external_id: string;
  name: string;
  community: string | null;
  tags: string[];
  attrs: Record<string, string> | string;
  leader: string | null;
  timezone: string | null;
  member_count: number | null;
  status: string;
  created_at: Date | string;
  last_activity_at: Date | null;
}): GroupRow {
  return {
    id: r.id,
    channelId: r.channel_id,
    externalId: r.external_id,
    name: r.name,
    community: r.community,
    tags: r.tags,
    attrs: typeof r.attrs === 'string' ? JSON.parse(r.attrs) : r.attrs,
    leader: r.leader,
    timezone: r.timezone,
    memberCount: r.member_count,
    status: r.status,
    createdAt: new Date(r.created_at),
    lastActivityAt: r.last_activity_at,
  };
}

export async function listGroups(db: Db, selector = 'all'): Promise<GroupRow[]> {
  return selectGroups(db, selector);
}

/** The group for a platform chat, created when first seen. */
export async function ensureGroup(db: Db, channelId: string, externalId: string, name?: string): Promise<string> {
  const existing = await db
    .selectFrom('groups')
    .select(['id', 'name'])
    .where('channel_id', '=', channelId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  if (existing) {
    if (name && name !== existing.name) await db.updateTable('groups').set({ name }).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const id = `grp_${randomBytes(6).toString('hex')}`;
  await db
    .insertInto('groups')
    .values({ id, channel_id: channelId, external_id: externalId, name: name ?? externalId })
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).doNothing())
    .execute();
  const row = await db
    .selectFrom('groups')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface GroupPatch {
  name?: string;
  community?: string | null;
  tags?: string[];
  leader?: string | null;
  timezone?: string | null;
  attrs?: Record<string, string>;
}

export async function updateGroup(db: Db, id: string, patch: GroupPatch): Promise<void> {
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[k] = k === 'attrs' ? JSON.stringify(v) : v;
  if (!Object.keys(set).length) return;
  await db.updateTable('groups').set(set).where('id', '=', id).execute();
}
