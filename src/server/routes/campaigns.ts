// Campaigns over HTTP (docs/growth.md): create one (the body mirrors `chorus campaign create`),
// list them, one's status with the console's extras, enrol a member, pause, resume, end. A leader
// sees only the campaigns touching one of their groups, and enrols only members of their groups.
// A participant's poster (GET /api/campaigns/:id/poster/:member) is a PNG.

import { z } from 'zod';
import { firstLink, enrol } from '../../growth/campaign-enrol.ts';
import { durationSeconds } from '../../growth/campaign-rules.ts';
import { participantPoster } from '../../growth/campaign-poster-image.ts';
import { campaignDetail } from '../../growth/campaign-status.ts';
import { CampaignError, createCampaign, listCampaigns, setCampaignState, visibleCampaign } from '../../growth/campaigns.ts';
import { MAX_SUBTITLE, MAX_TITLE } from '../../growth/posters/index.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { MAX_BACKGROUND_CHARS } from './posters.ts';
import { answering, memberScope, visibleMember } from '../views/member-scope.ts';

const tag = 'campaigns';
const Params = z.object({ id: z.string().min(1).max(100) });
const whole = (min: number, max: number) => z.number().int().min(min, { message: `must be a whole number from ${min} to ${max}` }).max(max, { message: `must be a whole number from ${min} to ${max}` });
const duration = z.string().max(20).refine((v) => durationSeconds(v) !== undefined, { message: 'must be a duration like 30s, 10m, 2h or 3d' });
const Create = z.object({
  kind: z.enum(['invite', 'poster']),
  groups: z.string().min(1).max(2000),
  goal: whole(1, 10_000).optional(),
  stay: duration.optional(),
  newOnly: z.boolean().optional(),
  cap: whole(1, 100_000).optional(),
  rewardPoints: whole(1, 1_000_000).optional(),
  rewardCodes: z.array(z.string().max(200)).max(100_000).optional(),
  rewardTask: z.string().max(1000).optional(),
  regroup: z.string().min(1).max(200).optional(),
  name: z.string().max(100).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  review: z.enum(['auto', 'leader']).optional(),
  board: duration.optional(),
  // The background: the image's bytes in base64 (or a data: URL), checked as the posters module checks it.
  poster: z
    .object({ layout: z.string().min(1).max(50).optional(), title: z.string().max(MAX_TITLE).optional(), subtitle: z.string().max(MAX_SUBTITLE).optional(), background: z.string().max(MAX_BACKGROUND_CHARS).optional() })
    .optional(),
});
const Join = z.object({ member: z.string().min(1).max(200) });
const PosterParams = z.object({ id: z.string().min(1).max(100), member: z.string().min(1).max(200) });

function asApi(err: unknown): never {
  if (err instanceof CampaignError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'forbidden' ? 403 : err.code === 'conflict' ? 409 : 422;
    throw new ApiError(status, err.code === 'invalid' ? 'invalid_campaign' : err.code, err.text, err.field ? { field: err.field } : {});
  }
  throw err;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    return asApi(e);
  }
}

export function campaignRoutes(s: Services): Route[] {
  const stateRoute = (to: 'pause' | 'resume' | 'end') =>
    defineRoute({
      method: 'POST',
      path: `/api/campaigns/:id/${to}`,
      tag,
      summary: to === 'pause' ? 'Pause a campaign: joins no longer count, nobody enrols, no leaderboard' : to === 'resume' ? 'Resume a paused campaign' : 'End a campaign for good',
      returns: '{id, state}',
      permission: 'groups.write',
      scoped: true,
      params: Params,
      async handler({ params, leader }) {
        return guarded(async () => ({ id: params.id, ...(await setCampaignState(s.db, params.id, to, leader)) }));
      },
    });
  return [
    defineRoute({
      method: 'POST',
      path: '/api/campaigns',
      tag,
      summary: 'Create a campaign: invite (each participant brings `goal` new members through a personal link) or poster (a screenshot of the shared poster, approved)',
      returns: '{id}',
      status: 201,
      permission: 'groups.write',
      body: Create,
      // Up to 100,000 codes and a background image of 5 MB in base64.
      bodyLimit: 16 * 1024 * 1024,
      async handler({ body, actor, reply }) {
        const made = await guarded(() =>
          createCampaign(
            s.db,
            {
              kind: body.kind,
              groups: body.groups,
              ...(body.goal !== undefined ? { goal: body.goal } : {}),
              ...(body.stay ? { staySeconds: durationSeconds(body.stay)! } : {}),
              ...(body.newOnly ? { newOnly: true } : {}),
              ...(body.cap !== undefined ? { cap: body.cap } : {}),
              ...(body.rewardPoints !== undefined ? { rewardPoints: body.rewardPoints } : {}),
              ...(body.rewardCodes ? { rewardCodes: body.rewardCodes } : {}),
              ...(body.rewardTask !== undefined ? { rewardTask: body.rewardTask } : {}),
              ...(body.regroup ? { regroup: body.regroup } : {}),
              ...(body.name ? { name: body.name } : {}),
              ...(body.until ? { until: new Date(body.until) } : {}),
              ...(body.review ? { review: body.review } : {}),
              ...(body.board ? { boardSeconds: durationSeconds(body.board)! } : {}),
              ...(body.poster ? { poster: body.poster } : {}),
              actor: actor?.name ?? null,
            },
            s.now(),
          ),
        );
        reply.status(201);
        return { id: made.id };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns',
      tag,
      summary: 'The campaigns, newest first (a leader: those touching one of their groups)',
      returns: '{campaigns: [{id, name, kind, state, participants, completed, until}]}',
      permission: 'groups.read',
      scoped: true,
      async handler({ leader }) {
        return { campaigns: await listCampaigns(s.db, leader !== undefined ? { leader } : {}) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns/:id',
      tag,
      summary: "A campaign's status: participants, invited, qualified, completed, rejected by reason, the K-factor, the leaderboard; its groups, reward, code pool, end and poster",
      returns: '{id, kind, state, goal, participants, invited, qualified, completed, rejected: {<reason>: n}, kFactor, leaders: [{member, name, invited, qualified, completed, link}], name, groups: [{id, name}], reward, pool?: {total, remaining}, until, poster}',
      permission: 'groups.read',
      scoped: true,
      params: Params,
      async handler({ params, leader }) {
        return guarded(() => campaignDetail(s.db, params.id, leader !== undefined ? { leader } : {}));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/campaigns/:id/join',
      tag,
      summary: "Enrol a member (mem_… or <channel>:<platform id>); answers with their personal link once the platform made it (null when it cannot)",
      returns: '{link}',
      permission: 'groups.write',
      scoped: true,
      params: Params,
      body: Join,
      async handler({ params, body, leader }) {
        await guarded(() => visibleCampaign(s.db, params.id, leader));
        const member = await answering(async () => visibleMember(s.db, body.member, await memberScope(s.db, leader)), 'member');
        const { participant } = await guarded(() => enrol(s.db, params.id, member, { ...(leader !== undefined ? { leader } : {}), now: s.now() }));
        s.wake?.();
        // The link is made by the dispatcher through the ledger: wait a little for it.
        return { link: await firstLink(s.db, participant.id, 15_000) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/campaigns/:id/poster/:member',
      tag,
      summary:
        "A participant's poster as a PNG (750×1334): the campaign's layout, title, subtitle and background, the participant's name and their personal link as the QR code (of the campaign group they are in, else the first). 404 for a member who does not take part: enrol them first",
      returns: 'image/png',
      permission: 'groups.read',
      scoped: true,
      params: PosterParams,
      async handler({ params, leader, reply }) {
        await guarded(() => visibleCampaign(s.db, params.id, leader));
        const member = await answering(async () => visibleMember(s.db, params.member, await memberScope(s.db, leader)), 'member');
        // A link still being made (just enrolled, or an expired WeChat QR code asked for again): wait a little.
        const poster = await guarded(() =>
          participantPoster(s.db, params.id, member, { ...(leader !== undefined ? { leader } : {}), now: s.now(), waitMs: 10_000, ...(s.wake ? { wake: s.wake } : {}) }),
        );
        return reply.header('content-type', 'image/png').header('content-disposition', `inline; filename="poster-${params.id}.png"`).header('cache-control', 'no-store').send(poster.png);
      },
    }),
    stateRoute('pause'),
    stateRoute('resume'),
    stateRoute('end'),
  ];
}
