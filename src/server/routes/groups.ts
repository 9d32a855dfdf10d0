// Groups over HTTP: list (with a selector), add one by its platform id (looked up on the platform
// when the connector can), and set what runs and broadcasts select by: leader, community, tags;
// and the people in the team, who can lead groups.
//
// A leader typed by hand must be a person in the team (400, field `leader`, with close matches):
// a typo would otherwise be saved and the group's tasks reach nobody. Groups made by connectors,
// imports and the demo are not refused; a leader who is not in the team is flagged instead
// (`leaderInTeam: false`), and a change that keeps such a leader as it is is not refused either.

import { z } from 'zod';
import { ChannelError, type GroupInfo } from '../../channels/port.ts';
import { findChannel } from '../../channels/registry.ts';
import { ensureGroup, type GroupRow, listGroups, toGroup, updateGroup } from '../../community/groups.ts';
import { type Person, teamPeople, unknownPersonText } from '../../community/people.ts';
import { COMMUNITIES } from '../../sop/types.ts';
import type { Db } from '../../store/db.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';

const Tag = z.string().trim().min(1).max(64).regex(/^[^+,\s]+$/, 'validate.tag');

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
const tag = 'groups';

/** `people`: the team, to name the leader and flag one who is not in it (null: no leader). */
export function publicGroup(g: GroupRow, people: readonly Person[]) {
  const person = g.leader ? people.find((p) => p.name === g.leader) : undefined;
  return {
    ...g,
    createdAt: g.createdAt.toISOString(),
    lastActivityAt: g.lastActivityAt ? new Date(g.lastActivityAt).toISOString() : null,
    leaderInTeam: g.leader ? person !== undefined : null,
    leaderDisplayName: person?.displayName ?? null,
  };
}

/** Refuses a hand-typed leader who is not a person in the team. */
async function checkLeader(db: Db, leader: string | null | undefined): Promise<void> {
  if (!leader) return;
  const problem = unknownPersonText(leader, await teamPeople(db), 'leader');
  if (problem) throw new ApiError(400, 'unknown_leader', problem, { field: 'leader' });
}

async function groupById(db: Db, id: string): Promise<GroupRow | undefined> {
  const row = await db.selectFrom('groups').selectAll().where((eb) => eb.or([eb('id', '=', id), eb('external_id', '=', id)])).executeTakeFirst();
  return row ? toGroup(row) : undefined;
}

export function groupRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/groups',
      tag,
      summary: 'The active groups matching a selector (a leader: their own groups only)',
      returns: '{groups: [{id, channelId, externalId, name, community, tags, attrs, leader, timezone, memberCount, status, createdAt, lastActivityAt}]}',
      permission: 'groups.read',
      scoped: true,
      query: ListQuery,
      async handler({ query, leader }) {
        const groups = await listGroups(s.db, query.groups);
        const people = await teamPeople(s.db);
        return { groups: groups.filter((g) => leader === undefined || g.leader === leader).map((g) => publicGroup(g, people)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/people',
      tag,
      summary: 'The people in the team who can lead groups and take tasks (enabled accounts), by display name',
      returns: '{people: [{name, displayName, role}]}',
      permission: 'groups.read',
      scoped: true,
      // Everyone who signs in sees the team's names: a leader hands a task to a colleague by name.
      async handler() {
        return { people: await teamPeople(s.db) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/groups',
      tag,
      summary: 'Add a group by its platform id (looked up on the platform when the connector can)',
      returns: '201 the group',
      permission: 'groups.write',
      body: AddBody,
      status: 201,
      async handler({ body, actor, reply }) {
        await checkLeader(s.db, body.leader);
        const channel = await findChannel(s.db, body.channel);
        if (!channel) throw new ApiError(404, 'not_found', msg('error.noChannel', { channel: body.channel }), { field: 'channel' });
        const connector = await s.connectors.get(channel.id);
        let info: GroupInfo | undefined;
        if (connector.getGroup) {
          try {
            info = await connector.getGroup(body.externalId);
          } catch (e) {
            if (e instanceof ChannelError) {
              throw new ApiError(422, 'platform_refused', msg('error.groupNotFoundOnPlatform', { kind: channel.kind, externalId: body.externalId, detail: e.message }), { field: 'externalId' });
            }
            throw e;
          }
        }
        const id = await ensureGroup(s.db, channel.id, body.externalId, body.name ?? (info?.title || undefined));
        const { channel: _c, externalId: _e, ...patch } = body;
        await s.db.transaction().execute(async (trx) => {
          await updateGroup(trx, id, patch);
          if (info?.memberCount !== undefined) await trx.updateTable('groups').set({ member_count: info.memberCount }).where('id', '=', id).execute();
          await audit(trx, { actor: actor!.name, action: 'group.add', target: `group:${id}`, detail: { channel: channel.id, externalId: body.externalId, ...patch } });
        });
        return reply.status(201).send(publicGroup((await groupById(s.db, id))!, await teamPeople(s.db)));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/groups/:id',
      tag,
      summary: 'Change a group: name, leader, community, tags, time zone, attributes',
      returns: 'the group',
      permission: 'groups.write',
      params: IdParams,
      body: PatchBody,
      async handler({ params, body, actor }) {
        const group = await groupById(s.db, params.id);
        if (!group) throw notFound(msg('thing.group', { id: params.id }));
        if (body.leader !== group.leader) await checkLeader(s.db, body.leader);
        await s.db.transaction().execute(async (trx) => {
          await updateGroup(trx, group.id, body);
          await audit(trx, { actor: actor!.name, action: 'group.update', target: `group:${group.id}`, detail: body });
        });
        return publicGroup((await groupById(s.db, group.id))!, await teamPeople(s.db));
      },
    }),
  ];
}
