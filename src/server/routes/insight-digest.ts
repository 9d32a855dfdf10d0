// The weekly digest over HTTP (docs/insight.md, "The weekly digest"): one group's ISO week as
// figures and the text post, and the same as an image card. A group is named by its Chorus id or
// `<channel id>:<platform chat id>`; a leader sees only the groups they lead (another group is
// "not found", as for group health).

import { z } from 'zod';
import { chooseWeek, type Digest, weeklyDigest } from '../../insight/digest.ts';
import { renderDigestCard } from '../../insight/digest-card.ts';
import { rollupZone } from '../../insight/rollups.ts';
import { type Locale, msg, translate } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { sendTable, type Table, tableFormat } from '../table-export.ts';
import { groupByRef } from './checkins.ts';

const tag = 'insight';
const DigestQuery = z.object({
  group: z.string().min(1).max(300).describe('a Chorus group id or <channel id>:<platform chat id>'),
  week: z.string().max(20).optional().describe('an ISO week, YYYY-Www (2026-W48); default the last complete week in the workspace time zone'),
  lang: z.string().max(20).optional(),
});
const DigestListQuery = DigestQuery.extend({ format: tableFormat });

interface DigestLine {
  what: string;
  rank: number | null;
  member: string;
  text: string;
  count: number;
}

/** The digest as one sheet: the five figures, then the most-replied messages and the most active members, ranked. */
export function digestTable(lang: Locale, d: Digest): Table<DigestLine> {
  const w = (k: string) => translate(lang, `digest.table.${k}`);
  const figure = (k: string, count: number): DigestLine => ({ what: translate(lang, `digest.card.${k}`), rank: null, member: '', text: '', count });
  return {
    name: `digest-${d.week}`,
    columns: [
      { header: w('what'), value: (r) => r.what },
      { header: w('rank'), value: (r) => r.rank },
      { header: w('member'), value: (r) => r.member },
      { header: w('text'), value: (r) => r.text },
      { header: w('count'), value: (r) => r.count },
    ],
    rows: [
      figure('newMembers', d.newMembers),
      figure('activeMembers', d.activeMembers),
      figure('messages', d.messages),
      figure('checkins', d.checkins),
      figure('questionsAnswered', d.questionsAnswered),
      ...d.topMessages.map((m, i) => ({ what: w('topMessage'), rank: i + 1, member: m.name, text: m.text, count: m.replies })),
      ...d.topContributors.map((c, i) => ({ what: w('contributor'), rank: i + 1, member: c.name, text: '', count: c.messages })),
    ],
  };
}

export function insightDigestRoutes(s: Services): Route[] {
  async function digestOf(query: z.infer<typeof DigestQuery>, leader: string | undefined): Promise<Digest> {
    const g = await groupByRef(s.db, query.group);
    if (!g || (leader !== undefined && g.leader !== leader)) throw notFound(msg('thing.group', { id: query.group }));
    const zone = rollupZone();
    const week = chooseWeek(query.week, s.now(), zone);
    if (!week.ok) {
      const text = week.error === 'invalid' ? msg('digest.weekInvalid', { week: query.week ?? '' }) : msg('digest.weekNotOver', { week: query.week ?? '', last: week.last });
      throw new ApiError(400, week.error === 'invalid' ? 'invalid_week' : 'week_not_over', text, { field: 'week' });
    }
    return (await weeklyDigest(s.db, g.id, week.range, zone)) as Digest;
  }
  return [
    defineRoute({
      method: 'GET',
      path: '/api/insight/digest',
      tag,
      summary:
        "A group's weekly digest: the ISO week's new members, active members, members' messages, the most-replied messages, the most active members, check-ins and questions answered, with the text post in the group's language",
      returns:
        '{group, name, week, from, to, zone, language, newMembers, activeMembers, messages, topMessages: [{member, name, text, replies}], topContributors: [{member, name, messages}], checkins, questionsAnswered, text}; with format=csv|xlsx the figures and the ranked lists as a file',
      permission: 'groups.read',
      scoped: true,
      query: DigestListQuery,
      async handler({ req, reply, query, leader }) {
        const { format, ...ask } = query;
        const d = await digestOf(ask, leader);
        return format ? sendTable(reply, format, digestTable(requestLocale(req.headers, req.query), d)) : d;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/insight/digest/card.png',
      tag,
      summary: "A group's weekly digest as an image card (PNG, 750×1000): the week, the figures, the most-replied messages and the most active members",
      returns: 'image/png',
      permission: 'groups.read',
      scoped: true,
      query: DigestQuery,
      async handler({ query, leader, reply }) {
        const d = await digestOf(query, leader);
        const png = await renderDigestCard(d);
        return reply.header('content-type', 'image/png').header('cache-control', 'no-store').header('content-disposition', `inline; filename="digest-${d.week}.png"`).send(png);
      },
    }),
  ];
}
