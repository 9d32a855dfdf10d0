// Tracked links over HTTP (docs/growth.md): make one by hand, list them, one link's figures.
// A leader sees only links sent to their groups, and only those groups' clicks and conversions;
// a link made by hand (sent to no group) is not theirs.

import { z } from 'zod';
import { createLink, trackedUrl } from '../../growth/links.ts';
import { linkGroups, linkStats, listLinks } from '../../growth/link-stats.ts';
import { publicBase } from '../../config.ts';
import { msg } from '../../i18n/index.ts';
import { audit } from '../audit.ts';
import { forbidden, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { leaderGroupIds } from '../views/scope.ts';

const tag = 'links';
const IdParams = z.object({ id: z.string().min(1).max(100) });
const CreateBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'validate.httpLink' }).max(2000),
  name: z.string().trim().min(1).max(100).optional(),
});

export function linkRoutes(s: Services): Route[] {
  const base = () => (s.publicUrl ? s.publicUrl.href : publicBase()).replace(/\/+$/, '');
  return [
    defineRoute({
      method: 'POST',
      path: '/api/links',
      tag,
      summary: 'Make a tracked link by hand: a short /l/<slug> address on the public URL that redirects to `url` and counts the clicks',
      returns: '{id, url}',
      permission: 'runs.write',
      body: CreateBody,
      async handler({ body, actor }) {
        return s.db.transaction().execute(async (trx) => {
          const made = await createLink(trx, { url: body.url, ...(body.name ? { name: body.name } : {}), by: actor?.name });
          await audit(trx, { actor: actor?.name ?? 'admin', action: 'link.create', target: `link:${made.id}`, detail: { url: body.url } });
          return { id: made.id, url: trackedUrl(base(), made.slug) };
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/links',
      tag,
      summary: 'Tracked links, newest first, with their clicks (a leader: the links sent to their groups, counted there)',
      returns: '[{id, url, name, run, createdAt, clicks}]',
      permission: 'runs.read',
      scoped: true,
      async handler({ leader }) {
        return listLinks(s.db, leader !== undefined ? { groups: await leaderGroupIds(s.db, leader) } : {});
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/links/:id',
      tag,
      summary: "A tracked link's figures: clicks, members who clicked, clicks and conversions by group and by step (a conversion: an order whose member's last tracked click within the window was on this link)",
      returns: '{id, url, name, run, short, clicks, members, byGroup: [{group, name, clicks, conversions}], byStep: [{step, clicks, conversions}], conversions}',
      permission: 'runs.read',
      scoped: true,
      params: IdParams,
      async handler({ params, leader }) {
        let groups: string[] | undefined;
        if (leader !== undefined) {
          const mine = new Set(await leaderGroupIds(s.db, leader));
          groups = (await linkGroups(s.db, params.id)).filter((g) => mine.has(g));
        }
        const stats = await linkStats(s.db, params.id, groups ? { groups } : {});
        if (!stats) throw notFound(msg('links.thing', { id: params.id }));
        if (groups && !groups.length) throw forbidden(msg('links.notYours', { id: params.id }));
        // A link made by hand has one address of its own (sent nowhere): the console shows it to copy again.
        const own = stats.run ? undefined : await s.db.selectFrom('link_slugs').select('slug').where('link_id', '=', params.id).where('group_id', '=', '').where('step_id', '=', '').where('member_id', '=', '').executeTakeFirst();
        return { ...stats, short: own ? trackedUrl(base(), own.slug) : null };
      },
    }),
  ];
}
