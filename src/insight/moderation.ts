// Moderation settings in the database (moderation_settings): per community type
// (`community:<type>`, every group of that type, now and later) or per group (`group:<id>`); a
// group's own row wins over its community type's. A group with neither is not moderated.
// docs/insight.md#moderation.

import { readSelector, selectGroups } from '../community/groups.ts';
import { MEMBER_ROLES, type MemberRole } from '../sop/audience.ts';
import type { Db } from '../store/db.ts';
import { DEFAULT_MODERATION, type ModerationSettings, readModerationSettings } from './rules/moderation-rules.ts';

export interface ModeratedGroup {
  groupId: string;
  /** Where the settings come from: `group:<id>` or `community:<type>`. */
  scope: string;
  settings: ModerationSettings;
  exemptRoles: MemberRole[];
}

export interface ScopeSettings {
  scope: string;
  /** What an operator reads for the scope: the group's name, or the community type. */
  name?: string;
  /** The groups it applies to now. */
  groups: string[];
  settings: ModerationSettings;
  exemptRoles: MemberRole[];
}

// Ingest asks for every message whether its group is moderated: the stored scopes are kept for a
// few seconds per process (a change made in this process applies at once, one made in another
// within CACHE_MS), so that a workspace without moderation pays no query per message.
const CACHE_MS = 5_000;
let scopesCache: { at: number; scopes: Set<string> } | undefined;

/** The stored scopes (`group:<id>`, `community:<type>`), cached briefly. */
export async function storedScopes(db: Db): Promise<Set<string>> {
  if (scopesCache && Date.now() - scopesCache.at < CACHE_MS) return scopesCache.scopes;
  const rows = await db.selectFrom('moderation_settings').select('scope').execute();
  scopesCache = { at: Date.now(), scopes: new Set(rows.map((r) => r.scope)) };
  return scopesCache.scopes;
}

/** Forgets the cached scopes (after settings are committed: the next message reads them again). */
export function forgetStoredScopes(): void {
  scopesCache = undefined;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

async function scopeRows(db: Db, scopes: readonly string[]) {
  if (!scopes.length) return new Map<string, { settings: ModerationSettings; exemptRoles: MemberRole[] }>();
  const rows = await db.selectFrom('moderation_settings').select(['scope', 'settings', 'exempt_roles']).where('scope', 'in', [...new Set(scopes)]).execute();
  // A stored document is read over the defaults, so a setting added later gets its default.
  return new Map(rows.map((r) => [r.scope, { settings: readModerationSettings(json(r.settings)), exemptRoles: r.exempt_roles as MemberRole[] }]));
}

/** The moderation settings of these groups, set-based; groups that are not moderated are left out. */
export async function moderatedGroups(db: Db, groups: readonly { id: string; community: string | null }[]): Promise<Map<string, ModeratedGroup>> {
  const scopes = groups.flatMap((g) => [`group:${g.id}`, ...(g.community ? [`community:${g.community}`] : [])]);
  const rows = await scopeRows(db, scopes);
  const out = new Map<string, ModeratedGroup>();
  for (const g of groups) {
    const scope = rows.has(`group:${g.id}`) ? `group:${g.id}` : g.community && rows.has(`community:${g.community}`) ? `community:${g.community}` : null;
    if (scope) out.set(g.id, { groupId: g.id, scope, ...rows.get(scope)! });
  }
  return out;
}

/** Whether a selector names one community type and nothing else (`community:camp`): its settings go to the type. */
function communityOf(selector: string): string | null {
  const terms = readSelector(selector);
  return terms.length === 1 && terms[0].kind === 'community' ? terms[0].value : null;
}

export class ModerationScopeError extends Error {
  constructor(readonly selector: string) {
    super(`no group matches "${selector}"`);
    this.name = 'ModerationScopeError';
  }
}

/**
 * Lays a partial settings document over the current settings of the groups a selector picks
 * (a community type's own row for `community:<type>`, each group's row otherwise). Throws
 * ModerationSettingsError (every wrong field named), SelectorError, ModerationScopeError.
 */
export async function setModeration(
  db: Db,
  selector: string,
  patch: Record<string, unknown>,
  opts: { exemptRoles?: readonly string[]; actor: string | null },
): Promise<ScopeSettings[]> {
  const roles = opts.exemptRoles?.filter((r): r is MemberRole => (MEMBER_ROLES as readonly string[]).includes(r));
  const community = communityOf(selector);
  const groups = await selectGroups(db, selector);
  const targets = community ? [{ scope: `community:${community}`, groups: groups.map((g) => g.id) }] : groups.map((g) => ({ scope: `group:${g.id}`, groups: [g.id] }));
  if (!targets.length) throw new ModerationScopeError(selector);
  // The base of a group's first own row: what applies to it now (its type's settings), else the defaults.
  const current = await moderatedGroups(db, groups);
  const own = await scopeRows(db, targets.map((t) => t.scope));
  const out: ScopeSettings[] = [];
  for (const t of targets) {
    const base = own.get(t.scope) ?? (t.scope.startsWith('group:') ? current.get(t.groups[0]) : undefined);
    const settings = readModerationSettings(patch, base?.settings ?? DEFAULT_MODERATION);
    const exemptRoles = roles ?? base?.exemptRoles ?? [];
    out.push({ scope: t.scope, groups: t.groups, settings, exemptRoles });
  }
  const now = new Date();
  await db
    .insertInto('moderation_settings')
    .values(out.map((o) => ({ scope: o.scope, settings: JSON.stringify(o.settings), exempt_roles: o.exemptRoles, updated_by: opts.actor, updated_at: now })))
    .onConflict((oc) =>
      oc.column('scope').doUpdateSet((eb) => ({
        settings: eb.ref('excluded.settings'),
        exempt_roles: eb.ref('excluded.exempt_roles'),
        updated_by: eb.ref('excluded.updated_by'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
  scopesCache = undefined;
  return out;
}

/** Every stored scope with the groups it applies to now (a group's own row hides its type's). */
export async function listModeration(db: Db, opts: { leader?: string } = {}): Promise<ScopeSettings[]> {
  const rows = await db.selectFrom('moderation_settings').select(['scope', 'settings', 'exempt_roles']).orderBy('scope').execute();
  let q = db.selectFrom('groups').select(['id', 'name', 'community', 'leader']).where('status', '=', 'active');
  if (opts.leader !== undefined) q = q.where('leader', '=', opts.leader);
  const groups = await q.execute();
  const applied = await moderatedGroups(db, groups);
  const out: ScopeSettings[] = [];
  for (const r of rows) {
    const members = groups.filter((g) => applied.get(g.id)?.scope === r.scope).map((g) => g.id);
    if (opts.leader !== undefined && !members.length) continue;
    const own = r.scope.startsWith('group:') ? groups.find((g) => `group:${g.id}` === r.scope) : undefined;
    const name = own?.name ?? r.scope.slice(r.scope.indexOf(':') + 1);
    out.push({ scope: r.scope, name, groups: members, settings: readModerationSettings(json(r.settings)), exemptRoles: r.exempt_roles as MemberRole[] });
  }
  return out;
}

export interface ModerationLogEntry {
  id: number;
  at: string;
  group: string;
  groupName: string;
  member: string | null;
  memberName: string | null;
  rule: string;
  action: string;
  /** The message was (queued to be) deleted; it cannot come back. */
  deleted: boolean;
  text: string;
  match: string | null;
  blacklisted: boolean;
  undoneAt: string | null;
  undoneBy: string | null;
  /** An undo row: the row it undid. */
  undoes: number | null;
  /** A warning, a mute or a removal not undone yet. */
  undoable: boolean;
}

/** The moderation log, newest first (a leader: their groups'). */
export async function listModerationLog(db: Db, opts: { leader?: string; group?: string; limit?: number } = {}): Promise<ModerationLogEntry[]> {
  let q = db
    .selectFrom('moderation_log as l')
    .innerJoin('groups as g', 'g.id', 'l.group_id')
    .leftJoin('members as m', 'm.id', 'l.member_id')
    .select(['l.id', 'l.at', 'l.group_id', 'g.name as group_name', 'l.member_id', 'm.name as member_name', 'l.rule', 'l.action', 'l.deleted', 'l.text', 'l.match', 'l.blacklisted', 'l.undone_at', 'l.undone_by', 'l.undoes'])
    .orderBy('l.at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(Math.min(opts.limit ?? 500, 5000));
  if (opts.leader !== undefined) q = q.where('g.leader', '=', opts.leader);
  if (opts.group) q = q.where('l.group_id', '=', opts.group);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    group: r.group_id,
    groupName: r.group_name,
    member: r.member_id,
    memberName: r.member_name,
    rule: r.rule,
    action: r.action,
    deleted: r.deleted,
    text: r.text,
    match: r.match,
    blacklisted: r.blacklisted,
    undoneAt: r.undone_at ? new Date(r.undone_at).toISOString() : null,
    undoneBy: r.undone_by,
    undoes: r.undoes === null ? null : Number(r.undoes),
    undoable: !r.undone_at && ['warn', 'mute', 'remove'].includes(r.action),
  }));
}
