// Saved segments over HTTP: list them with how many members each picks now (a leader: among the
// members of their own groups), save one by name (the selector checked), delete one.

import { z } from 'zod';
import { deleteSegment, listSegments, saveSegment } from '../../community/segments.ts';
import { audit } from '../audit.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { answering, memberScope } from '../views/member-scope.ts';

const tag = 'members';
const NameParams = z.object({ name: z.string().min(1).max(64) });
const SaveBody = z.strictObject({ where: z.string().trim().min(1).max(2000) });

export function segmentRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/segments',
      tag,
      summary: 'Saved segments with the number of members each picks now (a leader: counted among the members of their own groups)',
      returns: '[{name, selector, members, createdBy, createdAt}]',
      permission: 'members.read',
      scoped: true,
      async handler({ leader }) {
        return listSegments(s.db, { visibleGroups: await memberScope(s.db, leader), now: s.now() });
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/segments/:name',
      tag,
      summary: 'Save a segment: a name for a member selector (replaces one of the same name); the selector is checked',
      returns: '{name, selector}',
      permission: 'members.manage',
      params: NameParams,
      body: SaveBody,
      async handler({ params, body, actor }) {
        return answering(
          () =>
            s.db.transaction().execute(async (trx) => {
              const selector = await saveSegment(trx, params.name, body.where, actor!.name);
              await audit(trx, { actor: actor!.name, action: 'segment.save', target: `segment:${params.name}`, detail: { selector } });
              return { name: params.name, selector };
            }),
          'where',
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/segments/:name',
      tag,
      summary: 'Delete a saved segment',
      returns: '{deleted: true}',
      permission: 'members.manage',
      params: NameParams,
      async handler({ params, actor }) {
        return answering(() =>
          s.db.transaction().execute(async (trx) => {
            await deleteSegment(trx, params.name);
            await audit(trx, { actor: actor!.name, action: 'segment.delete', target: `segment:${params.name}` });
            return { deleted: true };
          }),
        );
      },
    }),
  ];
}
