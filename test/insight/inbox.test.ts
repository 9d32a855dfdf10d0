// The question inbox through the real ingest (sandbox groups): what is kept as a question, what
// answers it (staff's or the bot's reply, staff writing after it, a reply from the inbox — never
// another member), the inbox's filters and order, a leader's scope on the API, and the reply
// queued as a ledger row that names the question's message.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/port.ts';
import { ingestBurst, ingestEvent } from '../../src/community/ingest.ts';
import { setMemberRole } from '../../src/community/roles.ts';
import { listInbox } from '../../src/insight/inbox.ts';
import { INBOX_OPERATION } from '../../src/insight/inbox-reply.ts';
import ExcelJS from 'exceljs';
import { buildApp } from '../../src/server/app.ts';
import { ensureAdminToken } from '../../src/server/tokens.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type Caller, makeUser, signIn, withToken } from '../server/accounts-world.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, TEST_KEY, type World } from '../support/world.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);
let seq = 0;
const say = (chat: string, who: string, text: string, min: number, more: Partial<Extract<InboundEvent, { type: 'message' }>> = {}): InboundEvent => ({
  type: 'message',
  chatId: chat,
  messageId: `m${++seq}`,
  from: { externalId: who, name: who, ...(who === 'bot' ? { isBot: true } : {}) },
  text,
  links: [],
  mentions: [],
  at: at(min),
  ...more,
});

describe(`the question inbox (${engine})`, () => {
  let w: World;
  let app: FastifyInstance;
  let admin: Caller;
  const db = () => w.store.db;
  const ingest = (e: InboundEvent) => ingestEvent({ db: db() }, w.channelId, e);
  const question = async (externalId: string) =>
    db()
      .selectFrom('questions')
      .innerJoin('messages', 'messages.id', 'questions.message_id')
      .select(['questions.id', 'questions.state', 'questions.answered_by', 'questions.answered_via', 'questions.answered_at'])
      .where('messages.external_id', '=', externalId)
      .executeTakeFirst();
  const memberOf = async (ext: string) =>
    (await db().selectFrom('member_identities').select('member_id').where('channel_id', '=', w.channelId).where('external_id', '=', ext).executeTakeFirstOrThrow()).member_id;

  beforeAll(async () => {
    // Groups 1 and 3 are led by ann (tag odd), 2 by bob (tag even).
    w = await sandboxWorld(3, { leader: (i) => (i === 2 ? 'bob' : 'ann') });
    for (const chat of ['chat-1', 'chat-2', 'chat-3']) {
      for (const who of ['lin', 'max', 'tess', 'coach']) await ingest({ type: 'member_joined', chatId: chat, member: { externalId: who, name: who }, at: at(0) });
    }
    // tess assists in group 1, coach leads it; in group 2 nobody has a role.
    await setMemberRole(db(), await memberOf('tess'), w.groups[0]!, 'assistant', { at: at(0) });
    await setMemberRole(db(), await memberOf('coach'), w.groups[0]!, 'leader', { at: at(0) });
    const dataDir = mkdtempSync(join(tmpdir(), 'chorus-inbox-'));
    app = await buildApp({ store: w.store, dataDir, consoleDir: false, box: secretBox(TEST_KEY), connectors: w.connectors });
    admin = withToken(app, await ensureAdminToken(db(), dataDir));
    await makeUser(db(), 'ann', 'leader');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await w?.close();
  });

  it('keeps members’ questions only', async () => {
    const asked = say('chat-1', 'lin', '请问明天几点开始？', 1);
    await ingest(asked);
    await ingest(say('chat-1', 'lin', '好的，谢谢大家', 2));
    await ingest(say('chat-1', 'tess', '大家有问题吗？', 3)); // staff asking
    await ingest(say('chat-1', 'bot', 'What time works for you?', 4));
    expect(await question(asked.type === 'message' ? asked.messageId : '')).toMatchObject({ state: 'answered', answered_via: 'after' });
    // Only lin's question was kept (tess's and the bot's are staff's; "好的" does not ask).
    expect(Number((await db().selectFrom('questions').select(db().fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(1);
  });

  it('is answered by staff replying to it, not by another member', async () => {
    const q = say('chat-1', 'max', 'How do I submit the homework?', 10);
    await ingest(q);
    const id = q.type === 'message' ? q.messageId : '';
    await ingest(say('chat-1', 'lin', 'I think in the app', 11, { replyTo: id }));
    expect(await question(id)).toMatchObject({ state: 'open', answered_by: null });
    await ingest(say('chat-1', 'tess', 'In the app, under 作业', 12, { replyTo: id }));
    expect(await question(id)).toMatchObject({ state: 'answered', answered_by: await memberOf('tess'), answered_via: 'reply', answered_at: at(12) });
  });

  it('is answered when staff write after it; later questions stay open', async () => {
    const early = say('chat-1', 'lin', '直播回放在哪里看', 20);
    const late = say('chat-1', 'max', '有没有资料包？', 22);
    // One burst: a question, the leader writing, another question.
    await ingestBurst({ db: db() }, w.channelId, [early, say('chat-1', 'coach', '大家早上好', 21), late]);
    expect(await question(early.type === 'message' ? early.messageId : '')).toMatchObject({ state: 'answered', answered_by: await memberOf('coach'), answered_via: 'after', answered_at: at(21) });
    expect(await question(late.type === 'message' ? late.messageId : '')).toMatchObject({ state: 'open' });
    // In group 2 nobody is staff: coach's message there answers nothing; the bot's post after it
    // answers nothing either (a scheduled post is no answer), its reply does.
    const q2 = say('chat-2', 'lin', 'Is there a class tomorrow?', 23);
    await ingest(q2);
    await ingest(say('chat-2', 'coach', 'hello all', 24));
    expect(await question(q2.type === 'message' ? q2.messageId : '')).toMatchObject({ state: 'open' });
    await ingest(say('chat-2', 'bot', '今晚 8 点直播', 25));
    expect(await question(q2.type === 'message' ? q2.messageId : '')).toMatchObject({ state: 'open' });
    await ingest({ ...say('chat-2', 'bot', '明天有课', 26), replyTo: q2.type === 'message' ? q2.messageId : '' } as InboundEvent);
    expect(await question(q2.type === 'message' ? q2.messageId : '')).toMatchObject({ state: 'answered', answered_via: 'reply' });
  });

  it('lists open questions longest waiting first, with filters and a leader’s scope', async () => {
    await ingest(say('chat-2', 'max', '怎么加入打卡？', 30));
    await ingest(say('chat-3', 'tess', 'Where is the schedule?', 31)); // tess is a member in group 3
    const now = at(60);
    const open = await listInbox(db(), { now });
    expect(open.questions.map((q) => [q.groupName, q.text, q.waitingSeconds])).toEqual([
      ['Group 1', '有没有资料包？', 38 * 60],
      ['Group 2', '怎么加入打卡？', 30 * 60],
      ['Group 3', 'Where is the schedule?', 29 * 60],
    ]);
    expect(open).toMatchObject({ total: 3, totalCapped: false });
    expect((await listInbox(db(), { groups: 'tag:odd', now })).questions.map((q) => q.groupName)).toEqual(['Group 1', 'Group 3']);
    expect((await listInbox(db(), { groups: 'tag:odd', limit: 1, offset: 1, now })).questions.map((q) => q.groupName)).toEqual(['Group 3']);
    const answered = await listInbox(db(), { state: 'answered', now });
    // The latest answered first; waitingSeconds is how long each waited.
    expect(answered.questions.map((q) => [q.text, q.waitingSeconds, q.state])).toEqual([
      ['Is there a class tomorrow?', 180, 'answered'],
      ['直播回放在哪里看', 60, 'answered'],
      ['How do I submit the homework?', 120, 'answered'],
      ['请问明天几点开始？', 120, 'answered'],
    ]);
    expect(answered.questions[1]).toMatchObject({ answeredByName: 'coach', memberName: 'lin' });

    // The API: the contract's fields; a leader sees their own groups only.
    const all = await admin.call('GET', '/api/inbox');
    expect(all.statusCode).toBe(200);
    expect(Object.keys(all.json().questions[0])).toEqual(expect.arrayContaining(['id', 'group', 'member', 'text', 'at', 'waitingSeconds', 'state']));
    const ann = await signIn(app, 'ann');
    const hers = await ann.call('GET', '/api/inbox');
    expect(hers.json().questions.map((q: { groupName: string }) => q.groupName)).toEqual(['Group 1', 'Group 3']);
    expect((await ann.call('GET', '/api/inbox?groups=tag:even')).json()).toMatchObject({ questions: [], total: 0 });
    expect((await admin.call('GET', '/api/inbox?groups=nope:1')).statusCode).toBe(400);

    // The same list as a file: the headers and words in the reader's language, a leader's scope kept.
    const csv = await ann.call('GET', '/api/inbox?format=csv&lang=zh');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="questions.csv"');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('群,成员,消息,提问时间,等待（分钟）,状态,回答时间,回答人');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Group 1', 'Group 3']);
    expect(lines[2]).toContain(',Where is the schedule?,');
    expect(lines[1]).toContain(',待回答,');
    const xlsx = await admin.call('GET', '/api/inbox?format=xlsx&state=answered');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Group', 'Member', 'Message', 'Asked at', 'Waited (minutes)', 'State', 'Answered at', 'Answered by']);
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(2).getCell(3).value).toBe('Is there a class tomorrow?');
    expect(sheet.getRow(2).getCell(5).value).toBe(3);
    expect((await admin.call('GET', '/api/inbox?format=pdf')).statusCode).toBe(400);
  });

  it('replies from the inbox as a ledger row naming the message, answered by the person', async () => {
    const open = (await listInbox(db())).questions;
    const inGroup2 = open.find((q) => q.groupName === 'Group 2')!;
    const inGroup1 = open.find((q) => q.groupName === 'Group 1')!;
    const ann = await signIn(app, 'ann');
    // Not her group: not found.
    expect((await ann.call('POST', `/api/inbox/${inGroup2.id}/reply`, { text: '在小程序里' })).statusCode).toBe(404);
    expect((await ann.call('POST', `/api/inbox/${inGroup1.id}/reply`, { text: '  ' })).statusCode).toBe(400);
    const r = await ann.call('POST', `/api/inbox/${inGroup1.id}/reply`, { text: '资料包在群公告里' });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ question: inGroup1.id, mode: 'bot' });
    const row = await db().selectFrom('ledger').selectAll().where('id', '=', r.json().ledgerId).executeTakeFirstOrThrow();
    const message = await db().selectFrom('questions').innerJoin('messages', 'messages.id', 'questions.message_id').select('messages.external_id').where('questions.id', '=', inGroup1.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ run_id: INBOX_OPERATION, group_id: w.groups[0], action: 'post', mode: 'bot', state: 'planned' });
    expect(row.content).toMatchObject({ text: '资料包在群公告里', replyTo: message.external_id, userId: 'max' });
    expect((await listInbox(db(), { state: 'answered' })).questions[0]).toMatchObject({ id: inGroup1.id, answeredBy: 'ann', answeredVia: 'inbox' });
    // A second answer to the same question is its own row.
    const again = await admin.call('POST', `/api/inbox/${inGroup1.id}/reply`, { text: '补充：也可以私信助教' });
    expect(again.statusCode).toBe(202);
    expect(again.json().ledgerId).not.toBe(r.json().ledgerId);
  });
});
