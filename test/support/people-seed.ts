// A small world of people for the members tests: two channels, three groups (ann leads g1 and g3,
// bob leads g2), and members in every situation a selector or a leader's view tells apart.

import type { Db } from '../../src/store/db.ts';

const DAY = 86_400_000;

export interface PeopleWorld {
  tg: string;
  wc: string;
  g1: string;
  g2: string;
  g3: string;
  /** Member ids by first name. */
  m: Record<'alice' | 'bob' | 'botty' | 'dave' | 'erin' | 'frank' | 'gina', string>;
}

export async function seedPeople(db: Db, now: Date): Promise<PeopleWorld> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  await db
    .insertInto('channels')
    .values([
      { id: 'ch_tg', kind: 'sandbox', name: 'tg', config_sealed: 'x', pacing: JSON.stringify({}) },
      { id: 'ch_wc', kind: 'sandbox', name: 'wc', config_sealed: 'x', pacing: JSON.stringify({}) },
    ])
    .execute();
  await db
    .insertInto('groups')
    .values([
      { id: 'grp_1', channel_id: 'ch_tg', external_id: '-100', name: 'Camp One', leader: 'ann', tags: ['camp'], attrs: JSON.stringify({}) },
      { id: 'grp_2', channel_id: 'ch_tg', external_id: '-200', name: 'Camp Two', leader: 'bob', tags: [], attrs: JSON.stringify({}) },
      { id: 'grp_3', channel_id: 'ch_wc', external_id: 'room3', name: 'VIP Room', leader: 'ann', tags: ['vip-room'], attrs: JSON.stringify({}) },
    ])
    .execute();
  type Seed = {
    id: string;
    name: string;
    channel: string;
    ext: string;
    bot?: boolean;
    username?: string;
    stays: { group: string; joined: number; left?: number; link?: string }[];
    set?: Record<string, unknown>;
  };
  const seeds: Seed[] = [
    {
      id: 'mem_alice',
      name: 'Alice Wang',
      channel: 'ch_tg',
      ext: '111',
      username: 'alicew',
      stays: [{ group: 'grp_1', joined: 2, link: 'https://t.me/+abc' }],
      set: { tags: ['vip'], stage: 'engaged', level: 'active', points: 30, checkins: 3, messages: 10, last_active_at: ago(1) },
    },
    { id: 'mem_bob', name: 'Bob Li', channel: 'ch_tg', ext: '222', stays: [{ group: 'grp_1', joined: 40, left: 1 }, { group: 'grp_2', joined: 10 }], set: { stage: 'acquainted', messages: 2, last_active_at: ago(20) } },
    { id: 'mem_botty', name: 'Botty', channel: 'ch_tg', ext: '999', bot: true, stays: [{ group: 'grp_1', joined: 50 }] },
    { id: 'mem_dave', name: 'Dave', channel: 'ch_tg', ext: '444', stays: [{ group: 'grp_1', joined: 60 }], set: { points: 5, last_active_at: ago(3) } },
    {
      id: 'mem_erin',
      name: 'Erin',
      channel: 'ch_wc',
      ext: 'e1',
      stays: [{ group: 'grp_3', joined: 30 }],
      set: { tags: ['vip', 'buyer'], stage: 'customer', level: 'contributing', phone: '13800000000', email: 'Erin@Example.com' },
    },
    { id: 'mem_frank', name: 'Frank', channel: 'ch_tg', ext: '555', stays: [{ group: 'grp_2', joined: 5 }], set: { phone: '13800000000', points: 100, last_active_at: ago(0.5) } },
    { id: 'mem_gina', name: 'Gina', channel: 'ch_tg', ext: '666', stays: [{ group: 'grp_1', joined: 3 }], set: { forgotten_at: ago(1) } },
  ];
  for (const s of seeds) {
    await db.insertInto('members').values({ id: s.id, name: s.name, created_at: ago(Math.max(...s.stays.map((x) => x.joined))) }).execute();
    if (s.set) await db.updateTable('members').set(s.set).where('id', '=', s.id).execute();
    await db.insertInto('member_identities').values({ member_id: s.id, channel_id: s.channel, external_id: s.ext, name: s.name, is_bot: s.bot ?? false, username: s.username ?? null }).execute();
    for (const st of s.stays) {
      await db
        .insertInto('memberships')
        .values({ group_id: st.group, member_id: s.id, joined_at: ago(st.joined), left_at: st.left === undefined ? null : ago(st.left), via_link: st.link ?? null })
        .execute();
    }
  }
  await db.insertInto('member_roles').values({ group_id: 'grp_1', member_id: 'mem_dave', role: 'leader' }).execute();
  await db.insertInto('member_roles').values({ group_id: 'grp_2', member_id: 'mem_frank', role: 'kol' }).execute();
  return {
    tg: 'ch_tg',
    wc: 'ch_wc',
    g1: 'grp_1',
    g2: 'grp_2',
    g3: 'grp_3',
    m: { alice: 'mem_alice', bob: 'mem_bob', botty: 'mem_botty', dave: 'mem_dave', erin: 'mem_erin', frank: 'mem_frank', gina: 'mem_gina' },
  };
}
