// Members over HTTP: the list (selector, search, group, sort, page), a profile with its timeline,
// export as CSV, tags (one or many), points, roles in a group, merging (with suggestions) and
// forgetting. A leader sees and changes only members who are or were in their own groups, and of
// each member only those groups; anyone else answers 404, as if unknown.

import { z } from 'zod';
import { MEMBER_ROLES, parseAudience } from '../../sop/audience.ts';
import { csvHead, memberCsvRow } from '../../community/export.ts';
import { forgetMember } from '../../community/forget.ts';
import { resolveMember } from '../../community/member-ref.ts';
import { memberSummaries } from '../../community/member-summary.ts';
import { linkMembers } from '../../community/members.ts';
import { allMemberIds, listMembers, MAX_PAGE, MEMBER_SORTS } from '../../community/members-list.ts';
import { mergeSuggestions } from '../../community/merge-suggestions.ts';
import { changePoints } from '../../community/points.ts';
import { memberProfile } from '../../community/profile.ts';
import { setMemberRole } from '../../community/roles.ts';
import { readTags } from '../../community/tag-rules.ts';
import { changeTags } from '../../community/tags.ts';
import { moveRows } from '../../run/ledger.ts';
import { OPEN_STATES } from '../../run/states.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { answering, memberScope, visibleGroup, visibleMember } from '../views/member-scope.ts';

const tag = 'members';
const SUMMARY =
  '{id, name, identities: [{channel, externalId, username}], groups: [{group, groupName, role, joinedAt, leftAt, via: {link, inviter, scene} | null}], stage, level, points, tags, messages, checkins, lastActiveAt, blacklisted}';

const Filter = {
  where: z.string().trim().min(1).max(2000).optional().describe('a member selector (docs/member-selector.md)'),
  q: z.string().trim().min(1).max(200).optional().describe('part of a name, a platform user id or a username'),
  group: z.string().trim().min(1).max(300).optional().describe('only members who are or were in this group: its id or <channel>:<platform chat id>'),
};
const ListQuery = z.object({
  ...Filter,
  sort: z.enum(MEMBER_SORTS).default('lastActive'),
  order: z.enum(['asc', 'desc']).optional().describe('default desc (name: asc)'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const ExportQuery = z.object(Filter);
const RefParams = z.object({ ref: z.string().min(1).max(300).describe('a member id, or <channel>:<platform user id> (URL-encoded)') });
const TagsBody = z
  .strictObject({
    members: z.array(z.string().min(1).max(300)).min(1).max(10_000).optional(),
    where: z.string().trim().min(1).max(2000).optional(),
    add: z.array(z.string().max(200)).max(50).default([]),
    remove: z.array(z.string().max(200)).max(50).default([]),
  })
  .refine((b) => (b.members === undefined) !== (b.where === undefined), { message: 'members.tagsWhom', path: ['members'] })
  .refine((b) => b.add.length + b.remove.length > 0, { message: 'members.tagsWhat', path: ['add'] });
const Amount = z.number().int().positive().max(1_000_000_000);
const PointsBody = z
  .strictObject({ add: Amount.optional(), spend: Amount.optional(), reason: z.string().trim().min(1).max(500) })
  .refine((b) => (b.add === undefined) !== (b.spend === undefined), { message: 'members.pointsOneOf', path: ['add'] });
const RoleBody = z.strictObject({ group: z.string().trim().min(1).max(300), role: z.enum([...MEMBER_ROLES, 'none']) });
const MergeBody = z.strictObject({ keep: z.string().trim().min(1).max(300), merge: z.string().trim().min(1).max(300) });

/** Checks a selector before any query runs (400 naming the term). */
function checkWhere(where: string | undefined): void {
  if (where !== undefined) parseAudience(where);
}

export function memberRoutes(s: Services): Route[] {
  const summaryOf = async (id: string, visible: string[] | undefined) => (await memberSummaries(s.db, [id], visible))[0];
  return [
    defineRoute({
      method: 'GET',
      path: '/api/members',
      tag,
      summary: 'Members matching a selector, a search and a group, sorted and paged (a leader: members of their own groups, and only those groups). `total` counts up to 10,000; `totalCapped` says there are more.',
      returns: `{members: [${SUMMARY}], total, totalCapped}`,
      permission: 'members.read',
      scoped: true,
      query: ListQuery,
      async handler({ query, leader }) {
        return answering(async () => {
          checkWhere(query.where);
          const visibleGroups = await memberScope(s.db, leader);
          const groupId = query.group ? await visibleGroup(s.db, query.group, visibleGroups) : undefined;
          return listMembers(s.db, { ...query, groupId, visibleGroups, now: s.now() });
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/members/export',
      tag,
      summary: 'Members matching a selector as CSV (UTF-8 with a byte-order mark, for Excel): the list fields (a leader: members of their own groups)',
      returns: 'text/csv: id, name, identities, groups, stage, level, points, tags, messages, checkins, lastActiveAt, blacklisted',
      permission: 'members.read',
      scoped: true,
      query: ExportQuery,
      async handler({ query, leader, reply }) {
        const body = await answering(async () => {
          checkWhere(query.where);
          const visibleGroups = await memberScope(s.db, leader);
          const groupId = query.group ? await visibleGroup(s.db, query.group, visibleGroups) : undefined;
          const ids = await allMemberIds(s.db, { ...query, groupId, visibleGroups, now: s.now() });
          const parts = [csvHead()];
          for (let i = 0; i < ids.length; i += 1000) {
            for (const m of await memberSummaries(s.db, ids.slice(i, i + 1000), visibleGroups)) parts.push(`${memberCsvRow(m)}\r\n`);
          }
          return parts.join('');
        });
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="members.csv"').send(body);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/members/merge-suggestions',
      tag,
      summary: 'Members on different channels who may be one person: the same phone, e-mail or exact name (50 at most; an operator merges)',
      returns: `[{a: {id, name, identities, stage, points}, b: {…}, reason: 'phone' | 'email' | 'name'}]`,
      permission: 'members.manage',
      async handler() {
        const pairs = await mergeSuggestions(s.db);
        const people = new Map((await memberSummaries(s.db, [...new Set(pairs.flatMap((p) => [p.a, p.b]))])).map((m) => [m.id, m]));
        const lite = (id: string) => {
          const m = people.get(id)!;
          return { id: m.id, name: m.name, identities: m.identities, stage: m.stage, points: m.points };
        };
        return pairs.filter((p) => people.has(p.a) && people.has(p.b)).map((p) => ({ a: lite(p.a), b: lite(p.b), reason: p.reason }));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/members/tags',
      tag,
      summary: 'Add and remove tags of members named in `members` or picked by `where`, in one transaction; a `tag` event per member changed (a leader: members of their own groups)',
      returns: '{changed}',
      permission: 'members.write',
      scoped: true,
      body: TagsBody,
      async handler({ body, leader, actor }) {
        const add = readTags(body.add);
        if ('problem' in add) throw new ApiError(400, 'invalid_tag', add.problem, { field: 'add' });
        const remove = readTags(body.remove);
        if ('problem' in remove) throw new ApiError(400, 'invalid_tag', remove.problem, { field: 'remove' });
        return answering(async () => {
          const visibleGroups = await memberScope(s.db, leader);
          let ids: string[];
          if (body.members) {
            ids = [];
            for (const ref of body.members) ids.push(await visibleMember(s.db, ref, visibleGroups));
          } else {
            checkWhere(body.where);
            ids = await allMemberIds(s.db, { where: body.where, visibleGroups, now: s.now() });
          }
          const changed = await s.db.transaction().execute(async (trx) => {
            const n = await changeTags(trx, [...new Set(ids)], { add: add.tags, remove: remove.tags, actor: actor!.name, at: s.now() });
            await audit(trx, { actor: actor!.name, action: 'member.tag', target: body.members?.length === 1 ? `member:${ids[0]}` : undefined, detail: { where: body.where, members: body.members?.length, add: add.tags, remove: remove.tags, changed: n } });
            return n;
          });
          return { changed };
        }, 'members');
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/members/merge',
      tag,
      summary: 'Merge two members who are one person (on different channels): `merge` moves into `keep` — identities, stays, events, roles, points, counters',
      returns: SUMMARY,
      permission: 'members.manage',
      body: MergeBody,
      async handler({ body, actor }) {
        const keep = await answering(() => resolveMember(s.db, body.keep), 'keep');
        const merge = await answering(() => resolveMember(s.db, body.merge), 'merge');
        return answering(async () => {
          // linkMembers runs its own transaction; the entry follows it.
          await linkMembers(s.db, keep, merge);
          await audit(s.db, { actor: actor!.name, action: 'member.merge', target: `member:${keep}`, detail: { merged: merge } });
          return summaryOf(keep, undefined);
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/members/:ref',
      tag,
      summary: 'A member: the list fields, contacts, attributes, orders, score, the timeline (newest first, 200 at most) and the points ledger (a leader: members of their own groups; their groups and events only)',
      returns: `${SUMMARY} + {phone, email, attrs, orders, score, events: [{at, kind, group, groupName, detail}], pointsLedger: [{at, delta, balance, reason, rule, actor}]}`,
      permission: 'members.read',
      scoped: true,
      params: RefParams,
      async handler({ params, leader }) {
        return answering(async () => {
          const visibleGroups = await memberScope(s.db, leader);
          const id = await visibleMember(s.db, params.ref, visibleGroups);
          return memberProfile(s.db, id, visibleGroups);
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/members/:ref/points',
      tag,
      summary: 'Add or spend points with a reason (a line in the points ledger; the balance never goes below 0: 409)',
      returns: '{balance}',
      permission: 'members.write',
      scoped: true,
      params: RefParams,
      body: PointsBody,
      async handler({ params, body, leader, actor }) {
        return answering(async () => {
          const id = await visibleMember(s.db, params.ref, await memberScope(s.db, leader));
          const delta = body.add ?? -(body.spend as number);
          const balance = await s.db.transaction().execute(async (trx) => {
            const b = await changePoints(trx, id, { delta, reason: body.reason, actor: actor!.name, at: s.now() });
            await audit(trx, { actor: actor!.name, action: 'member.points', target: `member:${id}`, detail: { delta, reason: body.reason, balance: b } });
            return b;
          });
          return { balance };
        });
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/members/:ref/role',
      tag,
      summary: "Set a member's role in a group they are or were in: leader, assistant, committee, kol, or none (a leader: in their own groups)",
      returns: '{role}',
      permission: 'members.write',
      scoped: true,
      params: RefParams,
      body: RoleBody,
      async handler({ params, body, leader, actor }) {
        return answering(async () => {
          const visibleGroups = await memberScope(s.db, leader);
          const id = await visibleMember(s.db, params.ref, visibleGroups);
          const groupId = await visibleGroup(s.db, body.group, visibleGroups);
          const role = await s.db.transaction().execute(async (trx) => {
            const r = await setMemberRole(trx, id, groupId, body.role, { actor: actor!.name, at: s.now() });
            await audit(trx, { actor: actor!.name, action: 'member.role', target: `member:${id}`, detail: { group: groupId, role: r } });
            return r;
          });
          return { role };
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/members/:ref/forget',
      tag,
      summary: "Erase a member's personal data (names, username, contacts, attributes, tags, message texts); counters, memberships and events stay; the member leaves every list and audience, and actions still planned for them are cancelled",
      returns: '{forgotten: true, id, cancelled}: cancelled = actions still planned for the member, now cancelled',
      permission: 'members.forget',
      params: RefParams,
      async handler({ params, actor }) {
        return answering(async () => {
          const id = await resolveMember(s.db, params.ref);
          const cancelled = await s.db.transaction().execute(async (trx) => {
            await forgetMember(trx, id, s.now());
            // What was still to be sent to them (a welcome, a reminder) is not sent any more.
            const open = await trx.selectFrom('ledger').select('id').where('member_id', '=', id).where('state', 'in', [...OPEN_STATES]).execute();
            const closed = await moveRows(
              trx,
              open.map((r) => Number(r.id)),
              { from: OPEN_STATES, to: 'cancelled', actor: actor!.name, note: 'the member was forgotten' },
            );
            await audit(trx, { actor: actor!.name, action: 'member.forget', target: `member:${id}`, detail: { cancelled: closed.length } });
            return closed.length;
          });
          return { forgotten: true, id, cancelled };
        });
      },
    }),
  ];
}
