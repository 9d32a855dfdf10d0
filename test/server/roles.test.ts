// The permission table, as a pure function: what each role may do, leaders narrowed to their
// own groups, and who may hand out which role.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canGrant, canManage, decide, PERMISSIONS, type Permission, ROLES, refusal } from '../../src/access/roles.ts';

describe('decide(role, permission)', () => {
  it('lets owners and admins do everything', () => {
    for (const p of PERMISSIONS) {
      expect(decide('owner', p)).toBe('allow');
      expect(decide('admin', p)).toBe('allow');
    }
  });

  it('lets operators run operations but not manage users, channels or read the audit log', () => {
    const allowed: Permission[] = ['sheets.read', 'sheets.write', 'channels.read', 'groups.read', 'groups.write', 'runs.read', 'runs.write', 'tasks.read', 'tasks.complete', 'tasks.resolve'];
    for (const p of allowed) expect(decide('operator', p)).toBe('allow');
    for (const p of ['users.manage', 'audit.read', 'channels.write', 'demo.create'] as const) expect(decide('operator', p)).toBe('deny');
  });

  it('lets viewers read and never change anything of the workspace', () => {
    for (const p of PERMISSIONS) {
      const expected = p.endsWith('.read') && p !== 'audit.read' ? 'allow' : p === 'public' || p === 'account' ? 'allow' : 'deny';
      expect(decide('viewer', p), p).toBe(expected);
    }
  });

  it("gives leaders their own groups, tasks, runs, their groups' members and applications only, and nothing else of the workspace", () => {
    const scoped = PERMISSIONS.filter((p) => decide('leader', p) === 'scoped');
    expect(scoped.sort()).toEqual(['admission.review', 'groups.read', 'members.read', 'members.write', 'runs.read', 'tasks.complete', 'tasks.read']);
    for (const p of ['sheets.read', 'sheets.write', 'channels.read', 'groups.write', 'runs.write', 'tasks.resolve', 'users.manage', 'audit.read', 'members.manage', 'members.forget'] as const) {
      expect(decide('leader', p)).toBe('deny');
    }
    expect(decide('leader', 'account')).toBe('allow');
  });

  it('refuses an unknown role everything but public routes', () => {
    fc.assert(
      fc.property(
        fc.string().filter((r) => !(ROLES as readonly string[]).includes(r)),
        fc.constantFrom(...PERMISSIONS),
        (role, p) => decide(role, p) === (p === 'public' ? 'allow' : 'deny'),
      ),
    );
  });

  it('is monotone along owner ⊇ admin ⊇ operator ⊇ viewer for everything viewers may do', () => {
    for (const p of PERMISSIONS) {
      if (decide('viewer', p) === 'allow') expect(decide('operator', p)).toBe('allow');
      if (decide('operator', p) === 'allow') expect(decide('admin', p)).toBe('allow');
    }
  });

  it('explains a refusal in plain words naming the role', () => {
    expect(refusal('viewer', 'runs.write')).toBe('You are signed in as a viewer, which cannot start or change runs and broadcasts. Ask an owner or admin if you need it.');
    expect(refusal('operator', 'users.manage')).toContain('an operator, which cannot manage user accounts');
  });
});

describe('granting roles', () => {
  it('lets only an owner make owners and admins', () => {
    for (const role of ROLES) {
      expect(canGrant('owner', role)).toBe(true);
      expect(canGrant('admin', role)).toBe(role !== 'owner' && role !== 'admin');
      for (const other of ['operator', 'leader', 'viewer'] as const) expect(canGrant(other, role)).toBe(false);
    }
  });

  it('lets an admin manage operators, leaders and viewers, not other admins or owners', () => {
    expect(canManage('admin', 'operator')).toBe(true);
    expect(canManage('admin', 'admin')).toBe(false);
    expect(canManage('admin', 'owner')).toBe(false);
    expect(canManage('owner', 'admin')).toBe(true);
  });
});
