// Leader candidates over HTTP: GET /api/groups/:id/candidates?top=N ranks a group's members
// (src/community/candidates.ts) with the reasons in the request's language, and
// POST /api/groups/:id/candidates/:member/nominate gives one of them a role in the group. A
// leader sees and nominates in the groups they lead only.

import { z } from 'zod';
import { candidateFacts } from '../../community/candidate-facts.ts';
import { DEFAULT_TOP, rankCandidates } from '../../community/candidates.ts';
import { nominate } from '../../community/nominate.ts';
import { msg, render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { MEMBER_ROLES } from '../../sop/audience.ts';
import type { Db } from '../../store/db.ts';
import { audit } from '../audit.ts';
import { ApiError, forbidden, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';

const GroupParams = z.object({ id: z.string().min(1).max(300) });
const NominateParams = z.object({ id: z.string().min(1).max(300), member: z.string().min(1).max(300) });
const TopQuery = z.object({ top: z.coerce.number().int().min(1).max(200).default(DEFAULT_TOP) });
const NominateBody = z.strictObject({ role: z.enum(MEMBER_ROLES) });
const tag = 'members';

/** A Chorus group id, `<channel id or name>:<platform chat id>`, or a platform chat id alone. */
export async function findGroup(db: Db, ref: string): Promise<{ id: string; name: string; leader: string | null; channelId: string } | undefined> {
  const cols = ['groups.id', 'groups.name', 'groups.leader', 'groups.channel_id'] as const;
  const shape = (r: { id: string; name: string; leader: string | null; channel_id: string } | undefined) => (r ? { id: r.id, name: r.name, leader: r.leader, channelId: r.channel_id } : undefined);
  const byId = await db.selectFrom('groups').select(cols).where('id', '=', ref).executeTakeFirst();
  if (byId) return shape(byId);
  const colon = ref.indexOf(':');
  if (colon > 0) {
    const r = await db
      .selectFrom('groups')
      .innerJoin('channels', 'channels.id', 'groups.channel_id')
      .select(cols)
      .where((eb) => eb.or([eb('channels.id', '=', ref.slice(0, colon)), eb('channels.name', '=', ref.slice(0, colon))]))
      .where('groups.external_id', '=', ref.slice(colon + 1))
      .executeTakeFirst();
    if (r) return shape(r);
  }
  const byExternal = await db.selectFrom('groups').select(cols).where('external_id', '=', ref).limit(2).execute();
  return byExternal.length === 1 ? shape(byExternal[0]) : undefined;
}

/** The group (404), and for a leader one of theirs (403). */
async function scopedGroup(db: Db, ref: string, leader: string | undefined) {
  const g = await findGroup(db, ref);
  if (!g) throw notFound(msg('thing.group', { id: ref }));
  if (leader !== undefined && g.leader !== leader) throw forbidden(msg('candidates.notYourGroup', { group: g.name }));
  return g;
}

export function candidateRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/groups/:id/candidates',
      tag,
      summary: "A group's members ranked as candidates for leader or committee, with the reasons (a leader: their own groups)",
      returns: '{group, candidates: [{member, name, score, reasons}]}',
      permission: 'members.read',
      scoped: true,
      params: GroupParams,
      query: TopQuery,
      async handler({ req, params, query, leader }) {
        const g = await scopedGroup(s.db, params.id, leader);
        const locale = requestLocale(req.headers, req.query);
        const ranked = rankCandidates(await candidateFacts(s.db, g.id, s.now()), query.top);
        return { group: g.id, candidates: ranked.map((c) => ({ member: c.member, name: c.name, score: c.score, reasons: c.reasons.map((r) => render(locale, r)) })) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/groups/:id/candidates/:member/nominate',
      tag,
      summary: 'Give a candidate a role in the group: committee, leader, assistant or kol (a leader: in their own groups)',
      returns: '{group, member, role, previous}',
      permission: 'members.write',
      scoped: true,
      params: NominateParams,
      body: NominateBody,
      async handler({ params, body, leader, actor }) {
        const g = await scopedGroup(s.db, params.id, leader);
        const present = await s.db
          .selectFrom('memberships')
          .select('member_id')
          .where('group_id', '=', g.id)
          .where('member_id', '=', params.member)
          .where('left_at', 'is', null)
          .executeTakeFirst();
        if (!present) throw new ApiError(404, 'not_found', msg('candidates.notInGroup', { member: params.member, group: g.name }), { field: 'member' });
        const by = actor?.name ?? 'unknown';
        const { previous } = await nominate(s.db, { groupId: g.id, memberId: params.member, role: body.role, by, at: s.now() }, (trx, before) =>
          audit(trx, { actor: by, action: 'member.nominate', target: `group:${g.id}`, detail: { member: params.member, role: body.role, previous: before } }),
        );
        return { group: g.id, member: params.member, role: body.role, previous };
      },
    }),
  ];
}
