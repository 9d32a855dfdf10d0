// Who may do what: roles × permissions → allow, allow for their own groups only (a leader), or
// deny. Pure: every API route names one permission and the server asks `decide` before anything
// else runs; the access test walks the route table through this same table.

import { english, type Msg, msg } from '../i18n/index.ts';

export const ROLES = ['owner', 'admin', 'operator', 'leader', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Anyone, signed in or not (health, session, setup, login, the API documentation). */
  'public',
  /** Any signed-in person, about themselves: profile, sign-out, personal tokens, notifications. */
  'account',
  'sheets.read',
  'sheets.write',
  'channels.read',
  /** Adding channels and their credentials. */
  'channels.write',
  'groups.read',
  'groups.write',
  /** Runs and broadcasts: lists, status, the board, ledger rows. */
  'runs.read',
  /** Preview, start, pause, resume, cancel, re-plan runs; preview and start broadcasts. */
  'runs.write',
  'tasks.read',
  'tasks.complete',
  /** Settling sends whose outcome is unknown. */
  'tasks.resolve',
  'users.manage',
  'audit.read',
  'demo.create',
  /** Members, their profiles and timelines, segments, check-ins, survey answers, candidates. */
  'members.read',
  /** Tags, points and roles of members (a leader: in their own groups). */
  'members.write',
  /** Importing members and orders, merging, the blacklist, saved segments, the people rules. */
  'members.manage',
  /** Erasing a member's personal data. */
  'members.forget',
  /** Approving or rejecting applications to join (a leader or reviewer: for their own groups). */
  'admission.review',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** `scoped`: allowed, but only for the groups whose leader is the person (and their own tasks). */
export type Access = 'allow' | 'scoped' | 'deny';

type Row = Record<Role, Access>;
const ALL: Row = { owner: 'allow', admin: 'allow', operator: 'allow', leader: 'allow', viewer: 'allow' };
const READ: Row = { owner: 'allow', admin: 'allow', operator: 'allow', leader: 'deny', viewer: 'allow' };
const READ_SCOPED: Row = { ...READ, leader: 'scoped' };
const OPERATE: Row = { owner: 'allow', admin: 'allow', operator: 'allow', leader: 'deny', viewer: 'deny' };
const ADMINISTER: Row = { owner: 'allow', admin: 'allow', operator: 'deny', leader: 'deny', viewer: 'deny' };

const TABLE: Record<Permission, Row> = {
  public: ALL,
  account: ALL,
  'sheets.read': READ,
  'sheets.write': OPERATE,
  'channels.read': READ,
  'channels.write': ADMINISTER,
  'groups.read': READ_SCOPED,
  'groups.write': OPERATE,
  'runs.read': READ_SCOPED,
  'runs.write': OPERATE,
  'tasks.read': READ_SCOPED,
  'tasks.complete': { ...OPERATE, leader: 'scoped' },
  'tasks.resolve': OPERATE,
  'users.manage': ADMINISTER,
  'audit.read': ADMINISTER,
  'demo.create': ADMINISTER,
  'members.read': READ_SCOPED,
  'members.write': { ...OPERATE, leader: 'scoped' },
  'members.manage': OPERATE,
  'members.forget': ADMINISTER,
  'admission.review': { ...OPERATE, leader: 'scoped' },
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The decision for a role; an unknown role (a token from an older version) may do nothing. */
export function decide(role: string, permission: Permission): Access {
  if (!isRole(role)) return permission === 'public' ? 'allow' : 'deny';
  return TABLE[permission][role];
}

/** Roles only an owner hands out or takes away. */
const OWNER_ONLY: readonly Role[] = ['owner', 'admin'];

/** May `actor` create a user with `role`, or change someone's role to it? */
export function canGrant(actor: Role, role: Role): boolean {
  if (actor === 'owner') return true;
  if (actor === 'admin') return !OWNER_ONLY.includes(role);
  return false;
}

/** May `actor` change a user who now has `target` (name, password, role, disabling)? */
export function canManage(actor: Role, target: Role): boolean {
  return canGrant(actor, target);
}

/** Plain words for a refusal: what the person's role cannot do (catalogue `access.*`). */
export function refusalText(role: string, permission: Permission): Msg {
  const who = isRole(role) ? msg(`access.who.${role}`) : msg('access.who.unknown', { role });
  return msg('access.refusal', { who, what: msg(`access.can.${permission}`) });
}

/** The refusal in English. */
export function refusal(role: string, permission: Permission): string {
  return english(refusalText(role, permission));
}
