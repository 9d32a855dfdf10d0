// Applications to join a group: made from a Telegram join request (ingest) or the public form,
// screened (src/community/admission/screen.ts), asked the group's questions in private where the
// platform lets the bot write to the requester, and decided by the group's reviewer. Every
// platform action is a ledger row (platform.ts). Called inside the caller's transaction.

import { randomBytes } from 'node:crypto';
import { recordMemberEvent } from '../../community/events.ts';
import { type ScreenDecision, screen } from '../../community/admission/screen.ts';
import { type Locale, type Msg, msg, translate } from '../../i18n/index.ts';
import { type Db, sql } from '../../store/db.ts';
import type { AdmissionAnswer } from '../../store/schema.ts';
import { noticeColumns } from '../notices.ts';
import { declaredCapabilities } from '../triggers.ts';
import { queuePeopleSteps } from './platform.ts';
import { type GroupAdmission, groupAdmission } from './settings-store.ts';

export type AdmissionState = 'pending' | 'approved' | 'rejected';
export type AdmissionSource = 'join_request' | 'form';

export class AdmissionError extends Error {
  readonly code: string;
  readonly status: number;
  readonly text: Msg;
  constructor(status: number, code: string, text: Msg) {
    super(code);
    this.name = 'AdmissionError';
    this.status = status;
    this.code = code;
    this.text = text;
  }
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const newId = () => `adm_${randomBytes(6).toString('hex')}`;
const say = (lang: Locale, key: string, vars?: Record<string, string | number>) => translate(lang, key, vars);

/** Whether the member's latest stay in the group ended with them leaving on their own. */
export async function leftVoluntarily(db: Db, groupId: string, memberId: string): Promise<boolean> {
  const last = await db
    .selectFrom('memberships')
    .select('left_reason')
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .where('left_at', 'is not', null)
    .orderBy('left_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.left_reason === 'voluntary';
}

async function standing(db: Db, memberId: string) {
  const m = await db.selectFrom('members').select(['tags', 'blacklisted_at', 'name']).where('id', '=', memberId).executeTakeFirst();
  return { blacklisted: !!m?.blacklisted_at, tags: m?.tags ?? [], name: m?.name ?? memberId };
}

async function canDirectMessage(db: Db, channelId: string): Promise<boolean> {
  const ch = await db.selectFrom('channels').select('status').where('id', '=', channelId).executeTakeFirst();
  return ch?.status === 'active' && (await declaredCapabilities(db, channelId)).direct_message !== 'none';
}

export async function notifyPeople(db: Db, recipient: string | null, text: Msg): Promise<void> {
  await db.insertInto('notifications').values({ recipient: recipient ?? 'operators', kind: 'admission', ...noticeColumns(text) }).execute();
}

interface Row {
  id: string;
  group_id: string;
  member_id: string | null;
  source: string;
  applicant_name: string | null;
  applicant_contact: string | null;
  answers: unknown;
  state: string;
  reviewer: string | null;
  reason: string | null;
  user_id: string | null;
  user_chat_id: string | null;
  asked: number;
  invite_ledger_id: number | null;
}

async function rowOf(db: Db, id: string): Promise<Row | undefined> {
  return (await db.selectFrom('admissions').selectAll().where('id', '=', id).executeTakeFirst()) as Row | undefined;
}

/**
 * Carries out a decision: the platform action (approve or decline the request; a personal invite
 * link for a form applicant), a polite private message on rejection where the bot can write, the
 * member's timeline.
 */
async function carryOut(db: Db, a: Row, g: GroupAdmission, state: 'approved' | 'rejected', by: string, reason: string | null): Promise<void> {
  const now = new Date();
  await db.updateTable('admissions').set({ state, reason, decided_by: by, decided_at: now }).where('id', '=', a.id).where('state', '=', 'pending').execute();
  const op = { id: a.id, title: translate('en', `admission.op.${state}`, { name: a.applicant_name ?? a.member_id ?? a.id, group: g.groupName }), actor: by };
  const who = a.member_id ? { memberId: a.member_id } : {};
  const steps = [];
  if (a.source === 'join_request' && a.user_id) {
    const action = state === 'approved' ? 'approve_join' : 'decline_join';
    const task = translate(g.language, `admission.task.${action}`, { name: a.applicant_name ?? a.user_id, group: g.groupName });
    // Telegram lets the bot write through user_chat_id only until the request is processed: the
    // polite message goes first, the decline a moment later.
    const told = state === 'rejected' && !!a.user_chat_id && (await canDirectMessage(db, g.channelId));
    if (told) {
      steps.push({ groupId: g.groupId, ...who, action: 'direct_message', step: 'admission:declined_dm', content: { text: say(g.language, 'admission.dm.declined', { group: g.groupName }), userId: a.user_chat_id as string } } as const);
    }
    steps.push({ groupId: g.groupId, ...who, action, step: `admission:${action}`, content: { text: task, userId: a.user_id }, task, ...(told ? { afterSeconds: 2 } : {}) } as const);
  }
  if (a.source === 'form' && state === 'approved') {
    const task = translate(g.language, 'admission.task.invite', { name: a.applicant_name ?? a.id, contact: a.applicant_contact ?? '', group: g.groupName });
    steps.push({ groupId: g.groupId, action: 'personal_invite', step: 'admission:invite', content: { text: task, name: (a.applicant_name ?? a.id).slice(0, 32) }, task } as const);
  }
  const queued = await queuePeopleSteps(db, op, [...steps], now);
  const invite = queued.ledgerIds.get('admission:invite');
  if (invite !== undefined) await db.updateTable('admissions').set({ invite_ledger_id: invite }).where('id', '=', a.id).execute();
  if (a.member_id) await recordMemberEvent(db, { memberId: a.member_id, groupId: g.groupId, kind: 'admission', at: now, detail: { admission: a.id, state, by, ...(reason ? { reason } : {}) } });
}

function automatic(d: ScreenDecision): { state: 'approved' | 'rejected'; reason: string } | undefined {
  if (d.decision === 'reject') return { state: 'rejected', reason: d.why === 'blacklisted' ? translate('en', 'admission.why.blacklisted') : translate('en', 'admission.why.noRejoin') };
  if (d.decision === 'approve') return { state: 'approved', reason: translate('en', 'admission.why.rule', { rule: d.rule }) };
  return undefined;
}

export interface JoinRequestInput {
  channelId: string;
  groupId: string;
  memberId: string;
  name: string;
  userId: string;
  userChatId?: string;
  at: Date;
}

/** A join request (ingest, in its transaction): screened, then decided at once or queued for the reviewer. */
export async function onJoinRequest(db: Db, r: JoinRequestInput): Promise<{ id: string; state: AdmissionState } | undefined> {
  const g = await groupAdmission(db, r.groupId);
  if (!g) return undefined;
  const open = await db.selectFrom('admissions').select(['id', 'state']).where('group_id', '=', r.groupId).where('member_id', '=', r.memberId).where('state', '=', 'pending').executeTakeFirst();
  if (open) {
    // Asked again (or a redelivery): the same application, with the newest private chat.
    if (r.userChatId) await db.updateTable('admissions').set({ user_chat_id: r.userChatId }).where('id', '=', open.id).execute();
    return { id: open.id, state: 'pending' };
  }
  const who = await standing(db, r.memberId);
  const left = await leftVoluntarily(db, r.groupId, r.memberId);
  const decision = screen({ blacklisted: who.blacklisted, tags: who.tags, answers: [], leftVoluntarily: left, rejoinPolicy: g.rejoinPolicy, rules: g.autoApprove });
  const id = newId();
  const row: Row = {
    id,
    group_id: r.groupId,
    member_id: r.memberId,
    source: 'join_request',
    applicant_name: r.name,
    applicant_contact: null,
    answers: [],
    state: 'pending',
    reviewer: g.reviewer,
    reason: null,
    user_id: r.userId,
    user_chat_id: r.userChatId ?? null,
    asked: 0,
    invite_ledger_id: null,
  };
  await db
    .insertInto('admissions')
    .values({ ...row, answers: '[]', channel_id: r.channelId, created_at: r.at })
    .execute();
  // Questions first when there are some and the bot can ask them; answer rules decide afterwards.
  const ask = decision.decision === 'review' && g.questions.length > 0 && !!r.userChatId && (await canDirectMessage(db, g.channelId));
  const auto = ask ? undefined : automatic(decision);
  if (auto) {
    await carryOut(db, row, g, auto.state, 'screening', auto.reason);
    if (decision.decision === 'reject' && decision.why === 'blacklisted') await notifyPeople(db, null, msg('admission.notice.blacklistedAsked', { name: r.name, group: g.groupName }));
    return { id, state: auto.state };
  }
  if (ask) await askNext(db, row, g);
  await notifyPeople(db, g.reviewer, msg(left ? 'admission.notice.pendingRejoin' : 'admission.notice.pending', { name: r.name, group: g.groupName }));
  return { id, state: 'pending' };
}

async function askNext(db: Db, a: Row, g: GroupAdmission): Promise<void> {
  const n = a.asked + 1;
  const q = g.questions[n - 1];
  if (q === undefined || !a.user_chat_id) return;
  const intro = n === 1 ? `${say(g.language, 'admission.dm.intro', { group: g.groupName, count: g.questions.length })}\n\n` : '';
  await queuePeopleSteps(
    db,
    { id: a.id, title: translate('en', 'admission.op.questions', { name: a.applicant_name ?? a.id, group: g.groupName }) },
    [{ groupId: g.groupId, ...(a.member_id ? { memberId: a.member_id } : {}), action: 'direct_message', step: 'admission:question', occurrence: n, content: { text: `${intro}${n}. ${q}`, userId: a.user_chat_id } }],
  );
  await db.updateTable('admissions').set({ asked: n }).where('id', '=', a.id).execute();
}

/**
 * A private message to the bot (ingest): the answer to the question last asked, when the person
 * has a pending application waiting for one. Returns whether it was taken as an answer.
 */
export async function onPrivateMessage(db: Db, channelId: string, userId: string, text: string): Promise<boolean> {
  if (text.trim().startsWith('/')) return false; // bot commands (/start) are not answers
  const a = (await db
    .selectFrom('admissions')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('user_id', '=', userId)
    .where('state', '=', 'pending')
    .where('asked', '>', 0)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()) as Row | undefined;
  if (!a) return false;
  const answers = json<AdmissionAnswer[]>(a.answers);
  if (answers.length >= a.asked) return false; // nothing asked that is still unanswered
  const g = await groupAdmission(db, a.group_id);
  if (!g) return false;
  const question = g.questions[answers.length] ?? '';
  const next = [...answers, { question, answer: text.trim().slice(0, 1000) }];
  await db.updateTable('admissions').set({ answers: JSON.stringify(next) }).where('id', '=', a.id).execute();
  if (a.member_id) await recordMemberEvent(db, { memberId: a.member_id, groupId: a.group_id, kind: 'answer', at: new Date(), detail: { admission: a.id, question: answers.length + 1 } });
  const row = { ...a, answers: next };
  if (next.length < g.questions.length) {
    await askNext(db, row, g);
    return true;
  }
  const who = a.member_id ? await standing(db, a.member_id) : { blacklisted: false, tags: [] as string[] };
  const left = a.member_id ? await leftVoluntarily(db, a.group_id, a.member_id) : false;
  const decision = screen({ blacklisted: who.blacklisted, tags: who.tags, answers: next.map((x) => x.answer), leftVoluntarily: left, rejoinPolicy: g.rejoinPolicy, rules: g.autoApprove });
  const auto = automatic(decision);
  if (auto) {
    await carryOut(db, row, g, auto.state, 'screening', auto.reason);
    return true;
  }
  await queuePeopleSteps(db, { id: a.id, title: translate('en', 'admission.op.questions', { name: a.applicant_name ?? a.id, group: g.groupName }) }, [
    { groupId: g.groupId, ...(a.member_id ? { memberId: a.member_id } : {}), action: 'direct_message', step: 'admission:thanks', content: { text: say(g.language, 'admission.dm.thanks', { group: g.groupName }), userId: a.user_chat_id ?? userId } },
  ]);
  await notifyPeople(db, g.reviewer, msg('admission.notice.answered', { name: a.applicant_name ?? a.id, group: g.groupName }));
  return true;
}

export interface FormInput {
  groupId: string;
  name: string;
  contact: string;
  answers: string[];
}

/** An application from the public form: screened by its answers, else pending for the reviewer. */
export async function applyByForm(db: Db, f: FormInput): Promise<{ id: string; state: AdmissionState }> {
  const g = await groupAdmission(db, f.groupId);
  if (!g) throw new AdmissionError(404, 'not_found', msg('admission.formGone'));
  const answers = g.questions.map((question, i) => ({ question, answer: (f.answers[i] ?? '').trim() }));
  const decision = screen({ blacklisted: false, tags: [], answers: answers.map((a) => a.answer), leftVoluntarily: false, rejoinPolicy: g.rejoinPolicy, rules: g.autoApprove });
  const id = newId();
  const row: Row = {
    id,
    group_id: g.groupId,
    member_id: null,
    source: 'form',
    applicant_name: f.name,
    applicant_contact: f.contact || null,
    answers,
    state: 'pending',
    reviewer: g.reviewer,
    reason: null,
    user_id: null,
    user_chat_id: null,
    asked: 0,
    invite_ledger_id: null,
  };
  await db.insertInto('admissions').values({ ...row, answers: JSON.stringify(answers), channel_id: g.channelId }).execute();
  const auto = automatic(decision);
  if (auto) {
    await carryOut(db, row, g, auto.state, 'screening', auto.reason);
    return { id, state: auto.state };
  }
  await notifyPeople(db, g.reviewer, msg('admission.notice.pendingForm', { name: f.name, group: g.groupName }));
  return { id, state: 'pending' };
}

/** A reviewer's or operator's decision. `leader`: the caller may decide only their groups' applications. */
export async function decideAdmission(db: Db, id: string, d: { state: 'approved' | 'rejected'; reason?: string; by: string; leader?: string }): Promise<void> {
  const a = await rowOf(db, id);
  if (!a || (d.leader !== undefined && !(await mayReview(db, a.group_id, d.leader)))) throw new AdmissionError(404, 'not_found', msg('admission.notFound', { id }));
  if (a.state !== 'pending') throw new AdmissionError(409, 'already_decided', msg('admission.alreadyDecided', { id, state: a.state }));
  const reason = d.reason?.trim() || null;
  if (d.state === 'rejected' && !reason) throw new AdmissionError(400, 'reason_required', msg('admission.reasonRequired'));
  const g = await groupAdmission(db, a.group_id);
  if (!g) throw new AdmissionError(404, 'not_found', msg('admission.notFound', { id }));
  if (d.state === 'approved' && a.member_id && (await standing(db, a.member_id)).blacklisted) {
    throw new AdmissionError(409, 'blacklisted', msg('admission.approveBlacklisted'));
  }
  await carryOut(db, a, g, d.state, d.by, reason);
}

/** Whether `name` reviews the group: its reviewer, or its leader. */
export async function mayReview(db: Db, groupId: string, name: string): Promise<boolean> {
  const g = await db.selectFrom('groups').select(['leader', 'attrs']).where('id', '=', groupId).executeTakeFirst();
  if (!g) return false;
  const attrs = json<Record<string, string>>(g.attrs ?? {});
  return g.leader === name || attrs.reviewer === name;
}

export interface AdmissionView {
  id: string;
  member: string | null;
  name: string | null;
  contact: string | null;
  group: string;
  groupName: string;
  source: AdmissionSource;
  answers: AdmissionAnswer[];
  state: AdmissionState;
  reviewer: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** Applications, pending first then newest; `reviewer`: only the groups that person reviews or leads. */
export async function listAdmissions(db: Db, opts: { state?: AdmissionState; reviewer?: string; limit?: number } = {}): Promise<AdmissionView[]> {
  let q = db
    .selectFrom('admissions as a')
    .innerJoin('groups as g', 'g.id', 'a.group_id')
    .select([
      'a.id', 'a.member_id', 'a.applicant_name', 'a.applicant_contact', 'a.group_id', 'g.name as group_name', 'a.source', 'a.answers', 'a.state', 'a.reviewer',
      'a.reason', 'a.decided_by', 'a.decided_at', 'a.created_at',
    ]);
  if (opts.state) q = q.where('a.state', '=', opts.state);
  const reviewer = opts.reviewer;
  if (reviewer !== undefined) q = q.where((eb) => eb.or([eb('g.leader', '=', reviewer), eb(sql<string>`g.attrs->>'reviewer'`, '=', reviewer)]));
  const rows = await q
    .orderBy((eb) => eb.case().when('a.state', '=', 'pending').then(0).else(1).end())
    .orderBy('a.created_at', 'desc')
    .limit(opts.limit ?? 500)
    .execute();
  return rows.map((r) => ({
      id: r.id,
      member: r.member_id,
      name: r.applicant_name,
      contact: r.applicant_contact,
      group: r.group_id,
      groupName: r.group_name,
      source: r.source as AdmissionSource,
      answers: json<AdmissionAnswer[]>(r.answers),
      state: r.state as AdmissionState,
      reviewer: r.reviewer,
      reason: r.reason,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
      createdAt: new Date(r.created_at).toISOString(),
    }));
}

/** A form applicant's view of their application: its state and, once approved, the personal invite link. */
export async function formStatus(db: Db, id: string): Promise<{ state: AdmissionState; groupName: string; inviteLink?: string } | undefined> {
  const a = await db
    .selectFrom('admissions as a')
    .innerJoin('groups as g', 'g.id', 'a.group_id')
    .leftJoin('ledger as l', 'l.id', 'a.invite_ledger_id')
    .select(['a.state', 'g.name', 'l.result'])
    .where('a.id', '=', id)
    .where('a.source', '=', 'form')
    .executeTakeFirst();
  if (!a) return undefined;
  const result = a.result ? json<Record<string, unknown>>(a.result) : undefined;
  const link = typeof result?.inviteLink === 'string' ? result.inviteLink : undefined;
  return { state: a.state as AdmissionState, groupName: a.name, ...(link ? { inviteLink: link } : {}) };
}
