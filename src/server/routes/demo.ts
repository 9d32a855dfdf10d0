// `POST /api/demo`: makes the demo workspace (src/demo/seed.ts) for an owner or admin, with sign-in
// accounts for its two group leaders (random passwords, src/server/accounts/demo-sign-ins.ts). A second call answers 200
// with `created: false`. `GET /api/demo/sign-ins`: the leaders' sign-ins still good, for the
// console's demo banner.

import type { FastifyInstance } from 'fastify';
import { render, textOf } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import type { Services } from '../services.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { createUser, UserError } from '../accounts/users.ts';
import { audit } from '../audit.ts';
import type { AuthDeps } from '../auth.ts';
import { defineRoute, type Route, registerRoutes } from '../registry.ts';
import { findDemo, seedDemo } from '../../demo/seed.ts';
import { currentSignIns, demoPassword, keepSignIn } from '../accounts/demo-sign-ins.ts';
import type { DemoLeader } from '../../demo/workspace.ts';

export function demoRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/demo',
      tag: 'demo',
      summary: 'Make the demo workspace: a sandbox channel "Demo" with a dozen groups, members and a training camp in progress',
      returns:
        '201 {created: true, message, channel, groups, members, messages, sheets, run: {id, actions, counts}, broadcast, leaders: [{name, displayName, account, password?}]} — or 200 with created: false when the demo exists',
      permission: 'demo.create',
      status: 201,
      async handler({ actor, reply, req }) {
        const who = actor?.name ?? 'owner';
        const createLeaderAccount = async (l: DemoLeader) => {
          const password = demoPassword();
          const passwordHash = await hashPassword(password);
          try {
            await s.db.transaction().execute(async (trx) => {
              const user = await createUser(trx, { name: l.name, passwordHash, role: 'leader', displayName: l.displayName });
              await keepSignIn(trx, s.box, user.id, password);
            });
            return password;
          } catch (e) {
            // Someone already has the name: their account stays as it is, and no password is shown.
            if (e instanceof UserError && e.code === 'name_taken') return false as const;
            throw e;
          }
        };
        const summary = await seedDemo({
          db: s.db,
          box: s.box,
          connectors: s.connectors,
          ...(s.wake ? { wake: s.wake } : {}),
          ...(s.queue ? { queue: s.queue } : {}),
          actor: who,
          createLeaderAccount,
        });
        if (summary.created) {
          await audit(s.db, {
            actor: who,
            action: 'demo.create',
            target: `channel:${summary.channel.id}`,
            detail: { run: summary.run?.id, broadcast: summary.broadcast?.id, leaders: summary.leaders.filter((l) => l.account).map((l) => l.name) },
          });
        }
        // The summary's message in the reader's language (English in the CLI, which reads `message`).
        const text = textOf(summary);
        return reply.status(summary.created ? 201 : 200).send(text ? { ...summary, message: render(requestLocale(req.headers, req.query), text) } : summary);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/demo/sign-ins',
      tag: 'demo',
      summary: "The demo leaders' sign-ins, until each leader sets a password of their own (for the console's demo banner)",
      returns: '{signIns: [{name, displayName, password}]}',
      permission: 'demo.create',
      async handler() {
        return { signIns: await currentSignIns(s.db, s.box, !!(await findDemo(s.db))) };
      },
    }),
  ];
}

/** Registers the demo route on an app that uses the route registry (src/server/registry.ts). */
export function registerDemoRoute(app: FastifyInstance, s: Services, auth: AuthDeps = { db: s.db, now: () => new Date() }): void {
  registerRoutes(app, auth, demoRoutes(s));
}
