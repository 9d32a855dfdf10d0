// The health rollups' time to first response follows the inbox's rule for "answered"
// (src/insight/questions.ts): staff by role or the leader answer by writing after a question, a bot
// only by replying to it; a bot's scheduled post, a member's answer and a pasted script answer
// nothing. The same messages through the real ingest: the rollups' waits equal the inbox's.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { addChannel } from '../../src/channels/registry.ts';
import { ingestBurst, ingestEvent } from '../../src/community/ingest.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import { sql } from '../../src/store/db.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';
import { TEST_KEY } from '../support/world.ts';

const at = (hour: number, minute = 0) => new Date(Date.UTC(2026, 11, 7, hour - 8, minute));
const MEMBER = { externalId: 'm1', name: 'Mei' };
const OTHER = { externalId: 'm2', name: 'Omar' };
const HELPER = { externalId: 'as', name: 'Ada (assistant)' };
const BOT = { externalId: 'bot', name: 'Chorus bot', isBot: true };
const say = (id: string, from: { externalId: string; name: string; isBot?: boolean }, text: string, when: Date, replyTo?: string): InboundEvent => ({
  type: 'message',
  chatId: 'g',
  messageId: id,
  from,
  text,
  links: [],
  mentions: [],
  at: when,
  ...(replyTo ? { replyTo } : {}),
});

describe(`first response as the inbox answers (${engine})`, () => {
  let store: TestStore;
  let channelId: string;
  const db = () => store.db;

  beforeAll(async () => {
    store = await testStore();
    channelId = (await addChannel(db(), secretBox(TEST_KEY), { kind: 'telegram', name: 'tg', config: { token: '123456:ABC-def' }, verify: false })).id;
    const burst = (e: InboundEvent[]) => ingestBurst({ db: db() }, channelId, e);
    await burst([
      { type: 'group_seen', chatId: 'g', title: 'Camp', memberCount: 0, at: at(9) },
      ...[MEMBER, OTHER, HELPER].map((m, i) => ({ type: 'member_joined' as const, chatId: 'g', member: m, at: at(9, i + 1) })),
    ]);
    const g = (await db().selectFrom('groups').select('id').where('external_id', '=', 'g').executeTakeFirstOrThrow()).id;
    const helper = (await db().selectFrom('member_identities').select('member_id').where('external_id', '=', 'as').executeTakeFirstOrThrow()).member_id;
    await setMemberRole(db(), helper, g, 'assistant', { at: at(9, 30) });
    const one = (e: InboundEvent) => ingestEvent({ db: db() }, channelId, e);
    // q1: the bot's scheduled post 5 minutes later answers nothing; the assistant writes after 40.
    await one(say('q1', MEMBER, 'when does the live session start?', at(10)));
    await one(say('p1', BOT, 'Reminder: homework due tonight', at(10, 5)));
    // q2 (one burst): another member's answer does not count; the bot replying after 20 minutes does.
    await burst([
      say('q2', OTHER, '有没有回放？', at(10, 10)),
      say('r0', MEMBER, 'I think so', at(10, 12), 'q2'),
      say('p2', BOT, 'Today: chapter 3', at(10, 20)),
    ]);
    await one(say('r2', BOT, '有的，明天发', at(10, 30), 'q2'));
    await one(say('a1', HELPER, 'It starts at 20:00', at(10, 40)));
    // q3: the bot replies to a different message (q1, answered already): q3 still waits; the assistant at 12:00.
    await one(say('q3', MEMBER, 'where is the link?', at(11)));
    await one(say('r3', BOT, 'See the notice', at(11, 10), 'q1'));
    await burst([say('a3', HELPER, 'pinned above', at(12))]);
  });
  afterAll(async () => {
    await store?.drop();
  });

  it('keeps the waits the inbox records, no more and no fewer', async () => {
    const inbox = await sql<{ external_id: string; state: string; waited: number | null }>`
      SELECT m.external_id, q.state, extract(epoch FROM q.answered_at - q.at)::int AS waited
      FROM questions q JOIN messages m ON m.id = q.message_id ORDER BY q.at`.execute(db());
    expect(inbox.rows).toEqual([
      { external_id: 'q1', state: 'answered', waited: 2400 },
      { external_id: 'q2', state: 'answered', waited: 1200 },
      { external_id: 'q3', state: 'answered', waited: 3600 },
    ]);
    const days = await sql<{ questions: number; response_seconds: number[] }>`SELECT questions, response_seconds FROM group_days WHERE day = '2026-12-07'`.execute(db());
    expect(days.rows).toHaveLength(1);
    expect(days.rows[0]?.questions).toBe(3);
    expect([...(days.rows[0]?.response_seconds ?? [])].sort((x, y) => x - y)).toEqual(inbox.rows.map((q) => q.waited).sort((x, y) => (x ?? 0) - (y ?? 0)));
    const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM group_open_questions`.execute(db());
    expect(open.rows[0]?.n).toBe(0);
  });
});
