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

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
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
