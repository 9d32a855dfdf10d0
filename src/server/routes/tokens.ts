// Personal API tokens, for scripts: each person manages their own. A token is shown once, when
// it is made; only its SHA-256 is kept. It acts with its owner's current role and groups.

import { z } from 'zod';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { createToken, listPersonalTokens, revokePersonalToken } from '../tokens.ts';

const CreateBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
const IdParams = z.object({ id: z.string().min(1) });
const tag = 'account';

function needsPerson(userId: string | null | undefined): string {
  if (!userId) throw new ApiError(422, 'no_account', msg('error.noAccount.token'));
  return userId;
}

export function tokenRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/tokens',
      tag,
      summary: 'Your personal API tokens (never the tokens themselves)',
      returns: '{tokens: [{id, name, createdAt, lastUsedAt}]}',
      permission: 'account',
      async handler({ actor }) {
        return { tokens: await listPersonalTokens(s.db, needsPerson(actor?.userId)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/tokens',
      tag,
      summary: 'Make a personal API token; the answer is the only time it is shown',
      returns: '201 {id, name, token}',
      permission: 'account',
      body: CreateBody,
      status: 201,
      async handler({ actor, body, reply }) {
        const userId = needsPerson(actor?.userId);
        const made = await s.db.transaction().execute(async (trx) => {
          const t = await createToken(trx, { name: body.name, role: String(actor!.role), userId });
          await audit(trx, { actor: actor!.name, action: 'token.create', target: `token:${t.id}`, detail: { name: body.name } });
          return t;
        });
        return reply.status(201).send({ id: made.id, name: body.name, token: made.token });
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/tokens/:id',
      tag,
      summary: 'Revoke one of your tokens: it stops working at once',
      returns: '{id, revoked: true}',
      permission: 'account',
      params: IdParams,
      async handler({ actor, params }) {
        const userId = needsPerson(actor?.userId);
        const revoked = await s.db.transaction().execute(async (trx) => {
          const ok = await revokePersonalToken(trx, userId, params.id);
          if (ok) await audit(trx, { actor: actor!.name, action: 'token.revoke', target: `token:${params.id}` });
          return ok;
        });
        if (!revoked) throw notFound(msg('thing.token', { id: params.id }));
        return { id: params.id, revoked: true };
      },
    }),
  ];
}
