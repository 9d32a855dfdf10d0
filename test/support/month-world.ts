// A simulated month (issue 10's "done when"): 50 groups over 30 days of joins, members' messages
// and check-ins, staff messages (each group's leader and the bot), questions and their answers,
// leaves and orders — generated from a seeded random generator with deliberate shapes:
//
// - lively (20 groups): members talk every day, the leader answers questions within minutes, the
//   bot posts each morning and replies to some questions; hardly anyone leaves; orders.
// - watch (15): one member message a day from a handful of members, a question every third day
//   answered by the leader within the hour, the bot's post once a week; nobody leaves.
// - dying (15): lively for the first week, then silent but for the bot's post every third day,
//   and members leave.
//
// The world is plain data (`events`: every event with its local day, what it is and who; `orders`)
// so a test can compute what to expect from it with loops of its own, and `feedMonthWorld` sends it
// through the real ingest (ingestBatch, a day's events per burst, the platform's timestamps) and
// the real orders import (a CSV read by readOrderCsv, then importOrders). Days are local days in
// Asia/Shanghai (the default workspace zone); every event falls between 08:00 and 22:00 there.

import type { InboundEvent } from '../../src/channels/port.ts';
import { ingestBatch } from '../../src/community/ingest.ts';
import { readOrderCsv } from '../../src/community/imports/people-csv.ts';
import { importOrders } from '../../src/community/orders.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import type { Db } from '../../src/store/db.ts';

export type Shape = 'lively' | 'watch' | 'dying';

export interface WorldGroup {
  chat: string;
  name: string;
  shape: Shape;
  /** The platform id of the group's leader (a member holding the `leader` role there). */
  leader: string;
}

interface Base {
  chat: string;
  /** 1–30: the local day (November 2026). */
  day: number;
  at: Date;
}
export type WorldEvent =
  | (Base & { kind: 'join'; person: string })
  | (Base & { kind: 'leave'; person: string })
  | (Base & {
      kind: 'message';
      id: string;
      person: string;
      /** Who wrote it: a member (a check-in is a member's message too), the group's leader or the bot. */
      by: 'member' | 'leader' | 'bot';
      text: string;
      /** A member's question (its text asks; the others' texts never do). */
      question: boolean;
      checkin: boolean;
      /** The message (its id) this one replies to. */
      replyTo?: string;
    });

export interface WorldOrder {
  order: string;
  person: string;
  /** The person's group (the funnel's convert stage reads orders by member). */
  chat: string;
  amount: number;
  day: number;
  at: Date;
}

export interface MonthWorld {
  groups: WorldGroup[];
  events: WorldEvent[];
  orders: WorldOrder[];
  /** The moment the month is judged: day 30, 23:00 local. */
  now: Date;
  zone: 'Asia/Shanghai';
  /** The day groups were made (day 1, 08:00 local). */
  createdAt: Date;
}

export const MONTH_DAYS = 30;
export const BOT = { externalId: 'chorus-bot', name: 'Chorus bot', isBot: true } as const;

/** Local time (Asia/Shanghai, UTC+8) on a day of November 2026. */
export const localAt = (day: number, hour: number, minute = 0, second = 0): Date => new Date(Date.UTC(2026, 10, day, hour - 8, minute, second));

/** mulberry32: a small seeded generator, the same month for the same seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAYS = ['收到', '谢谢老师', 'done for today', 'good morning everyone', '今天的作业完成了', 'thanks, that helps', '👍', '我也是', 'nice one', '学到了', 'see you tonight'];
const ASKS = ['how do I join the live session?', '有没有回放？', 'where is the link?', '作业什么时候交？', 'can someone share the notes?'];
const LEADER_SAYS = ['好的，我来看看', 'Here is the link to the notes', 'Good point, noted', '今日分享：第 3 章'];
const BOT_POSTS = ['Reminder: homework due tonight', '今日分享：第 3 章', 'Good morning! Today: chapter 3'];
const BOT_REPLIES = ['Here is the link to the notes', '有的，明天发'];

export function buildMonthWorld(seed = 20261130): MonthWorld {
  const rnd = seeded(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const groups: WorldGroup[] = [];
  const events: WorldEvent[] = [];
  const orders: WorldOrder[] = [];
  const shapes: Shape[] = [...Array<Shape>(20).fill('lively'), ...Array<Shape>(15).fill('watch'), ...Array<Shape>(15).fill('dying')];
  shapes.forEach((shape, g) => {
    const chat = `g${String(g + 1).padStart(2, '0')}`;
    const leader = `${chat}-lead`;
    groups.push({ chat, name: `${shape === 'lively' ? 'Camp' : shape === 'watch' ? 'Circle' : 'Club'} ${g + 1}`, shape, leader });
    let n = 0;
    const message = (day: number, at: Date, person: string, by: 'member' | 'leader' | 'bot', text: string, extra: { question?: boolean; checkin?: boolean; replyTo?: string } = {}) => {
      const id = `${chat}-m${++n}`;
      events.push({ kind: 'message', chat, day, at, id, person, by, text, question: extra.question ?? false, checkin: extra.checkin ?? false, ...(extra.replyTo ? { replyTo: extra.replyTo } : {}) });
      return id;
    };
    // Day 1, from 08:05: the leader, then 12–20 members.
    const present: string[] = [];
    events.push({ kind: 'join', chat, day: 1, at: localAt(1, 8, 5), person: leader });
    const size = int(12, 20);
    for (let i = 1; i <= size; i++) {
      const person = `${chat}-p${i}`;
      present.push(person);
      events.push({ kind: 'join', chat, day: 1, at: localAt(1, 8, 10, i), person });
    }
    let next = size;
    for (let day = 2; day <= MONTH_DAYS; day++) {
      const quiet = shape === 'dying' && day > 7;
      // Lively groups grow a little; dying ones lose members once they go quiet.
      if (shape === 'lively' && rnd() < 0.25) {
        const person = `${chat}-p${++next}`;
        events.push({ kind: 'join', chat, day, at: localAt(day, 8, int(0, 50)), person });
        present.push(person);
      }
      const leaves = shape === 'dying' && quiet ? (rnd() < 0.35 ? 1 : 0) : shape === 'lively' && day === 15 && g % 4 === 0 ? 1 : 0;
      for (let k = 0; k < leaves && present.length > 2; k++) {
        const person = present.splice(int(0, present.length - 1), 1)[0] as string;
        events.push({ kind: 'leave', chat, day, at: localAt(day, 21, int(0, 50)), person });
      }
      // The bot's morning post: lively groups (and dying ones in their first week) every day, then
      // every third day; watch groups once a week.
      const posts = shape === 'watch' ? day % 7 === 0 : !quiet || day % 3 === 0;
      if (posts) message(day, localAt(day, 9, 0, g), BOT.externalId, 'bot', pick(BOT_POSTS));
      if (quiet) continue;
      if (shape === 'watch') {
        // One member message a day from the first six members; a question every third day, answered by the leader.
        const who = present[int(0, Math.min(5, present.length - 1))] as string;
        if (day % 3 === 0) {
          message(day, localAt(day, 14, int(0, 29), int(0, 59)), who, 'member', pick(ASKS), { question: true });
          message(day, localAt(day, 15, int(0, 29)), leader, 'leader', pick(LEADER_SAYS));
        } else message(day, localAt(day, 14, int(0, 59)), who, 'member', pick(SAYS));
        continue;
      }
      // Lively (and dying in its first week): 2–5 member messages between 10:00 and 20:00, one of them a check-in.
      for (let h = 0; h < int(1, 4); h++) message(day, localAt(day, 10 + h, int(0, 59), int(0, 59)), pick(present), 'member', pick(SAYS));
      message(day, localAt(day, 20, int(0, 29), int(0, 59)), pick(present), 'member', `打卡 第${day}天`, { checkin: true });
      // Two questions a day: the first answered by the leader 2–12 minutes later, the second by the bot's reply (or, some days, by the leader's evening message).
      const q1 = localAt(day, 11, 30, int(0, 59));
      message(day, q1, pick(present), 'member', pick(ASKS), { question: true });
      message(day, new Date(q1.getTime() + int(2, 12) * 60_000), leader, 'leader', pick(LEADER_SAYS));
      const q2 = localAt(day, 16, int(0, 20), int(0, 59));
      const asked = message(day, q2, pick(present), 'member', pick(ASKS), { question: true });
      if (rnd() < 0.7) message(day, new Date(q2.getTime() + int(1, 20) * 60_000), BOT.externalId, 'bot', pick(BOT_REPLIES), { replyTo: asked });
      message(day, localAt(day, 19, int(0, 50)), leader, 'leader', pick(LEADER_SAYS));
      // Orders: now and then a member of a lively group buys.
      if (shape === 'lively' && rnd() < 0.2) orders.push({ order: `${chat}-o${day}`, person: pick(present), chat, amount: int(99, 499), day, at: localAt(day, 21, int(0, 59)) });
    }
  });
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.chat < b.chat ? -1 : a.chat > b.chat ? 1 : 0));
  return { groups, events, orders, now: localAt(MONTH_DAYS, 23), zone: 'Asia/Shanghai', createdAt: localAt(1, 8) };
}

/** A world event as the platform's inbound event (the connector's normalized shape). */
export function inboundOf(e: WorldEvent): InboundEvent {
  const member = (id: string) => ({ externalId: id, name: `Person ${id}` });
  if (e.kind === 'join') return { type: 'member_joined', chatId: e.chat, member: member(e.person), at: e.at };
  if (e.kind === 'leave') return { type: 'member_left', chatId: e.chat, member: member(e.person), reason: 'voluntary', at: e.at };
  return {
    type: 'message',
    chatId: e.chat,
    messageId: e.id,
    from: e.by === 'bot' ? { ...BOT } : member(e.person),
    text: e.text,
    links: [],
    mentions: [],
    at: e.at,
    ...(e.replyTo ? { replyTo: e.replyTo } : {}),
  };
}

/**
 * The month through the real ingest: the groups seen and day 1's joins in one burst, each leader
 * given the `leader` role, then each day's events as one burst (ingestBatch), oldest first; the
 * orders through the orders import, as `chorus orders import` reads a CSV.
 */
export async function feedMonthWorld(db: Db, channelId: string, world: MonthWorld): Promise<void> {
  const deps = { db };
  const first = world.events.filter((e) => e.day === 1 && e.kind === 'join');
  await ingestBatch(deps, channelId, [
    ...world.groups.map((g): InboundEvent => ({ type: 'group_seen', chatId: g.chat, title: g.name, memberCount: 0, at: world.createdAt })),
    ...first.map(inboundOf),
  ]);
  // The groups were made on day 1 (a group's age comes from when it was made, not when the test ran).
  await db.updateTable('groups').set({ created_at: world.createdAt }).where('channel_id', '=', channelId).execute();
  const ids = await db
    .selectFrom('member_identities as i')
    .innerJoin('memberships as s', 's.member_id', 'i.member_id')
    .innerJoin('groups as g', 'g.id', 's.group_id')
    .select(['i.external_id', 'i.member_id', 'g.id as group_id', 'g.external_id as chat'])
    .where('i.external_id', 'in', world.groups.map((g) => g.leader))
    .execute();
  for (const r of ids) await setMemberRole(db, r.member_id, r.group_id, 'leader', { at: world.createdAt });
  const rest = world.events.filter((e) => !(e.day === 1 && e.kind === 'join'));
  for (let day = 1; day <= MONTH_DAYS; day++) {
    const burst = rest.filter((e) => e.day === day).map(inboundOf);
    if (burst.length) await ingestBatch(deps, channelId, burst);
  }
  if (world.orders.length) {
    const csv = ['order,member,amount,product,at', ...world.orders.map((o) => `${o.order},${channelId}:${o.person},${o.amount},Camp,${localText(o.at)}`)].join('\n');
    const read = readOrderCsv(new TextEncoder().encode(csv), world.zone);
    const out = await importOrders(db, read, 'csv');
    if (out.errors.length) throw new Error(`orders not imported: ${JSON.stringify(out.errors)}`);
  }
}

/** YYYY-MM-DD HH:MM in Asia/Shanghai (UTC+8), as a shop's export writes its times. */
function localText(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
