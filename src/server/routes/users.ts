// User accounts, for owners and admins. Only an owner makes (or unmakes) owners and admins; an
// admin manages operators, leaders and viewers. Every creation and role change is audited in the
// same transaction.

import { z } from 'zod';
import { canGrant, canManage, ROLES, type Role } from '../../access/roles.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { createUser, LOCALES, listUsers, UserError, updateUser, userById } from '../accounts/users.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { DisplayName, Password, UserName } from './account.ts';

const CreateBody = z.strictObject({ name: UserName, password: Password, role: z.enum(ROLES), displayName: DisplayName.optional(), locale: z.enum(LOCALES).optional() });
const PatchBody = z.strictObject({ role: z.enum(ROLES).optional(), displayName: DisplayName.optional(), password: Password.optional(), disabled: z.boolean().optional() });
const IdParams = z.object({ id: z.string().min(1) });
const tag = 'users';

function userError(e: unknown): never {
  if (e instanceof UserError) throw new ApiError(409, e.code, e.text, e.field ? { field: e.field } : {});
  throw e;
}

export function userRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/users',
      tag,
      summary: 'The user accounts',
      returns: '{users: [{id, name, displayName, role, locale, disabled, createdAt}]}',
      permission: 'users.manage',
      async handler() {
        return { users: await listUsers(s.db) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users',
      tag,
      summary: 'Create a user (only an owner creates owners and admins)',
      returns: '201 the user; 409 name_taken',
      permission: 'users.manage',
      body: CreateBody,
      status: 201,
      async handler({ actor, body, reply }) {
        if (!canGrant(actor!.role as Role, body.role)) throw forbidden(msg(`access.onlyOwnerCreates.${body.role === 'admin' ? 'admin' : 'owner'}`));
        const { password, ...rest } = body;
        const passwordHash = await hashPassword(password);
        const user = await s.db
          .transaction()
          .execute(async (trx) => {
            const u = await createUser(trx, { ...rest, passwordHash });
            await audit(trx, { actor: actor!.name, action: 'user.create', target: `user:${u.name}`, detail: { role: u.role } });
            return u;
          })
          .catch(userError);
        return reply.status(201).send(user);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/users/:id',
      tag,
      summary: "Change a user's role, display name or password, or disable them (their sessions end)",
      returns: 'the user; 409 last_owner when the only owner would be lost',
      permission: 'users.manage',
      params: IdParams,
      body: PatchBody,
      async handler({ actor, params, body }) {
        const target = await userById(s.db, params.id);
        if (!target) throw notFound(msg('thing.user', { id: params.id }));
        const role = actor!.role as Role;
        if (!canManage(role, target.role)) throw forbidden(msg(`access.onlyOwnerChanges.${target.role === 'admin' ? 'admin' : 'owner'}`));
        if (body.role !== undefined && !canGrant(role, body.role)) throw forbidden(msg(`access.onlyOwnerMakes.${body.role === 'admin' ? 'admin' : 'owner'}`));
        const { password, ...rest } = body;
        const patch = { ...rest, ...(password !== undefined ? { passwordHash: await hashPassword(password) } : {}) };
        return s.db
          .transaction()
          .execute(async (trx) => {
            // A reset by someone else ends all the person's sessions and tokens; one's own change keeps the one making it.
            const self = actor!.userId === target.id;
            const keep = self ? { ...(actor!.sessionId ? { keepSession: actor!.sessionId } : {}), ...(actor!.tokenId ? { keepToken: actor!.tokenId } : {}) } : {};
            const after = await updateUser(trx, target.id, patch, keep);
            if (body.role !== undefined && body.role !== target.role) {
              await audit(trx, { actor: actor!.name, action: 'user.role', target: `user:${target.name}`, detail: { from: target.role, to: body.role } });
            }
            const other = { ...(body.displayName !== undefined ? { displayName: body.displayName } : {}), ...(body.password !== undefined ? { password: 'changed' } : {}), ...(body.disabled !== undefined ? { disabled: body.disabled } : {}) };
            if (Object.keys(other).length) await audit(trx, { actor: actor!.name, action: 'user.update', target: `user:${target.name}`, detail: other });
            return after;
          })
          .catch(userError);
      },
    }),
  ];
}
