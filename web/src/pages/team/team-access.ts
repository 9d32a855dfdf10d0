// Who sees which part of the Team page, which roles a person may hand out, and how an audit entry
// reads. Pure; mirrors `src/access/roles.ts` (the server decides, this only hides what it would
// refuse — `test/web/team.test.ts` checks the two agree).

import type { Role } from '../../types.ts';

export const ROLES: readonly Role[] = ['owner', 'admin', 'operator', 'leader', 'viewer'];

export type TeamSection = 'people' | 'tokens' | 'activity';

/** Owners and admins see everything; everyone else only their own API tokens. */
export function teamSections(role: Role): TeamSection[] {
  return role === 'owner' || role === 'admin' ? ['people', 'tokens', 'activity'] : ['tokens'];
}

/** The roles `actor` may give (at creation or by a change): only an owner makes owners and admins. */
export function grantableRoles(actor: Role): Role[] {
  if (actor === 'owner') return [...ROLES];
  if (actor === 'admin') return ROLES.filter((r) => r !== 'owner' && r !== 'admin');
  return [];
}

/** May `actor` change someone who is now `target` (role, password, disabling)? */
export function canChange(actor: Role, target: string): boolean {
  return (grantableRoles(actor) as string[]).includes(target);
}

export interface TargetName {
  kind: 'run' | 'broadcast' | 'task' | 'user' | 'group' | 'channel' | 'sheet' | 'token' | 'member' | 'segment';
  name: string;
  context?: string;
  runKind?: 'run' | 'broadcast';
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  /** The actor's display name and the target by name (the server looks them up). */
  actorName?: string;
  targetName?: TargetName | null;
}

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** The catalogue key of an action's words: `task.done` → `activity.action_task_done`. */
export const actionKey = (action: string): string => `activity.action_${action.replace(/\./g, '_')}`;

/** An action in words; an action without words (a newer server) shows its code. */
export function actionText(t: Translate, action: string): { text: string; known: boolean } {
  const key = actionKey(action);
  const text = t(key);
  return text === key ? { text: action, known: false } : { text, known: true };
}

/** A target by name (`Beijing fans 3 · Camp 7 days`) with its kind, or the raw target when it is gone. */
export function targetText(t: Translate, e: AuditEntry): { kind: string; name: string } | null {
  const n = e.targetName;
  if (!n) return e.target ? { kind: t('activity.gone'), name: e.target } : null;
  const run = n.context && n.runKind === 'broadcast' ? t('runs.broadcastTitle', { text: n.context }) : n.context;
  const name = n.kind === 'task' && run ? t('activity.taskOf', { group: n.name, run }) : n.kind === 'sheet' && n.context ? `${n.name} (${n.context})` : n.name;
  return { kind: t(`activity.kind_${n.kind}`), name };
}

export const AUDIT_PAGE = 50;

/** The `before` for the next ("older") page, or null when this page was the last one. */
export function olderCursor(entries: AuditEntry[], limit = AUDIT_PAGE): number | null {
  if (entries.length < limit || entries.length === 0) return null;
  return entries[entries.length - 1].id;
}

/** The path of one page of the audit log. */
export function auditPath(before: number | null, limit = AUDIT_PAGE): string {
  return `/api/audit?limit=${limit}${before ? `&before=${before}` : ''}`;
}

/** An entry's detail as short "key: value" text ("from: viewer, to: operator"); '' when none. */
export function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}
