// Groups over HTTP: list (with a selector), add one by its platform id (looked up on the platform
// when the connector can), and set what runs and broadcasts select by: leader, community, tags.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChannelError, type GroupInfo } from '../../channels/port.ts';
import { findChannel } from '../../channels/registry.ts';
import { ensureGroup, type GroupRow, listGroups, toGroup, updateGroup } from '../../community/groups.ts';
import { COMMUNITIES } from '../../sop/types.ts';
import type { Db } from '../../store/db.ts';
import type { Services } from '../app.ts';
import { ApiError, notFound, validate } from '../errors.ts';

const Tag = z.string().trim().min(1).max(64).regex(/^[^+,\s]+$/, 'a tag has no spaces, commas or plus signs');

const Patch = {
  name: z.string().trim().min(1).max(200).optional(),
  leader: z.string().trim().min(1).max(100).nullable().optional(),
  community: z.enum(COMMUNITIES).nullable().optional(),
  tags: z.array(Tag).max(50).optional(),
  timezone: z.string().min(1).nullable().optional(),
  attrs: z.record(z.string(), z.string()).optional(),
};

const AddBody = z.strictObject({ channel: z.string().min(1), externalId: z.string().trim().min(1).max(200), ...Patch });
const PatchBody = z.strictObject(Patch);
const ListQuery = z.object({ groups: z.string().min(1).default('all') });
const IdParams = z.object({ id: z.string().min(1) });

export function publicGroup(g: GroupRow) {
  return { ...g, createdAt: g.createdAt.toISOString(), lastActivityAt: g.lastActivityAt ? new Date(g.lastActivityAt).toISOString() : null };
}

async function groupById(db: Db, id: string): Promise<GroupRow | undefined> {
  const row = await db.selectFrom('groups').selectAll().where((eb) => eb.or([eb('id', '=', id), eb('external_id', '=', id)])).executeTakeFirst();
  return row ? toGroup(row) : undefined;
}

export function registerGroupRoutes(app: FastifyInstance, s: Services): void {
  app.get('/api/groups', async (req) => {
    const q = validate(ListQuery, req.query, 'query');
    return { groups: (await listGroups(s.db, q.groups)).map(publicGroup) };
  });

  app.post('/api/groups', async (req, reply) => {
    const body = validate(AddBody, req.body, 'body');
    const channel = await findChannel(s.db, body.channel);
    if (!channel) throw new ApiError(404, 'not_found', `There is no channel "${body.channel}"; see chorus channel list`, { field: 'channel' });
    const connector = await s.connectors.get(channel.id);
    let info: GroupInfo | undefined;
    if (connector.getGroup) {
      try {
        info = await connector.getGroup(body.externalId);
      } catch (e) {
        if (e instanceof ChannelError) {
          throw new ApiError(422, 'platform_refused', `${channel.kind} could not find the group ${body.externalId}: ${e.message}`, { field: 'externalId' });
        }
        throw e;
      }
    }
    const id = await ensureGroup(s.db, channel.id, body.externalId, body.name ?? (info?.title || undefined));
    const { channel: _c, externalId: _e, ...patch } = body;
    await updateGroup(s.db, id, patch);
    if (info?.memberCount !== undefined) {
      await s.db.updateTable('groups').set({ member_count: info.memberCount }).where('id', '=', id).execute();
    }
    return reply.status(201).send(publicGroup((await groupById(s.db, id))!));
  });

  app.patch('/api/groups/:id', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const body = validate(PatchBody, req.body, 'body');
    const group = await groupById(s.db, id);
    if (!group) throw notFound(`Group "${id}"`);
    await updateGroup(s.db, group.id, body);
    return publicGroup((await groupById(s.db, group.id))!);
  });
}
