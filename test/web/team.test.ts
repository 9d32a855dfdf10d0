// The Team page's pure parts: which sections a role sees, which roles a person may hand out (the
// same answer as the server's `canGrant`), audit paging and how an entry's detail reads.

import { describe, expect, it } from 'vitest';
import { canGrant, ROLES as SERVER_ROLES } from '../../src/access/roles.ts';
import { type AuditEntry, auditPath, canChange, detailText, grantableRoles, olderCursor, ROLES, teamSections } from '../../web/src/pages/team/team-access.ts';

const entry = (id: number): AuditEntry => ({ id, at: '2026-11-22T10:00:00.000Z', actor: 'ann', action: 'user.create', target: 'user:bo', detail: null });

describe('team page', () => {
  it('shows people and activity to owners and admins, only "My API tokens" to everyone else', () => {
    expect(teamSections('owner')).toEqual(['people', 'tokens', 'activity']);
    expect(teamSections('admin')).toEqual(['people', 'tokens', 'activity']);
    for (const r of ['operator', 'leader', 'viewer'] as const) expect(teamSections(r)).toEqual(['tokens']);
  });

  it('offers exactly the roles the server lets each role grant', () => {
    expect([...ROLES]).toEqual([...SERVER_ROLES]);
    for (const actor of SERVER_ROLES) {
      expect(grantableRoles(actor)).toEqual(SERVER_ROLES.filter((r) => canGrant(actor, r)));
      for (const target of SERVER_ROLES) expect(canChange(actor, target)).toBe(canGrant(actor, target));
    }
    expect(grantableRoles('admin')).toEqual(['operator', 'leader', 'viewer']);
    expect(canChange('owner', 'something-old')).toBe(false);
  });

  it('pages the audit log back by the last id, and stops on a short page', () => {
    expect(auditPath(null)).toBe('/api/audit?limit=50');
    expect(auditPath(120, 10)).toBe('/api/audit?limit=10&before=120');
    const full = [entry(30), entry(29), entry(28)];
    expect(olderCursor(full, 3)).toBe(28);
    expect(olderCursor(full, 4)).toBeNull();
    expect(olderCursor([], 3)).toBeNull();
  });

  it('reads an entry detail as short text', () => {
    expect(detailText(null)).toBe('');
    expect(detailText({ from: 'viewer', to: 'operator' })).toBe('from: viewer, to: operator');
    expect(detailText({ disabled: true, tags: ['a'] })).toBe('disabled: true, tags: ["a"]');
    expect(detailText('x')).toBe('x');
  });
});
