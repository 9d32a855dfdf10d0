// Surveys: a `survey` step's questions, answered by a member on the personal form behind their
// signed link (survey-link.ts; the form is src/server/survey-form.ts). One answer row per member
// and step occurrence: answering again replaces the answers and the time; the first answer is
// also the member's `answer` event (the timeline, activity). Results per group and a CSV export.
//
// Limits (the form is public): at most MAX_ANSWER_CHARS per answer; a choice question takes one
// of its choices or nothing; the number of answers must match the questions.

import { readQuestions, type SurveyQuestion } from '../sop/questions.ts';
import type { Sheet } from '../sop/types.ts';
import { type Db, sql } from '../store/db.ts';
import { pinnedSheet } from '../store/pinned-sheets.ts';
import { recordMemberEvent } from './events.ts';
import type { SurveyRef } from './survey-link.ts';

export const MAX_ANSWER_CHARS = 2000;

export interface SurveyForm {
  ref: SurveyRef;
  title: string;
  groupName: string;
  memberName: string;
  /** The step's text (the invitation), as written in the sheet. */
  intro: string;
  questions: SurveyQuestion[];
  /** The member's earlier answers, when they answered already. */
  answers?: string[];
}

/** The questions of a run's survey step; undefined when the step is not a survey with questions. */
export async function surveyQuestions(db: Db, runId: string, stepId: string): Promise<{ sheet: Sheet; intro: string; questions: SurveyQuestion[] } | undefined> {
  const run = await db.selectFrom('runs').select(['sheet_id', 'sheet_version']).where('id', '=', runId).executeTakeFirst();
  if (!run?.sheet_id || run.sheet_version === null) return undefined;
  const sheet = await pinnedSheet(db, run.sheet_id, run.sheet_version);
  const step = sheet?.steps.find((s) => s.id === stepId);
  if (!sheet || step?.do !== 'survey') return undefined;
  const questions = readQuestions(step.questions);
  return questions.length ? { sheet, intro: step.text ?? '', questions } : undefined;
}

/** What the form shows for a (verified) link; undefined when the survey, group or member is gone. */
export async function surveyForm(db: Db, ref: SurveyRef): Promise<SurveyForm | undefined> {
  const survey = await surveyQuestions(db, ref.runId, ref.stepId);
  if (!survey) return undefined;
  const group = await db
    .selectFrom('run_groups')
    .innerJoin('groups', 'groups.id', 'run_groups.group_id')
    .select('groups.name')
    .where('run_groups.run_id', '=', ref.runId)
    .where('run_groups.group_id', '=', ref.groupId)
    .executeTakeFirst();
  const member = await db.selectFrom('members').select(['name', 'forgotten_at']).where('id', '=', ref.memberId).executeTakeFirst();
  if (!group || !member || member.forgotten_at) return undefined;
  const prev = await answerRow(db, ref);
  return {
    ref,
    title: survey.sheet.title,
    groupName: group.name,
    memberName: member.name,
    intro: survey.intro,
    questions: survey.questions,
    ...(prev ? { answers: prev } : {}),
  };
}

async function answerRow(db: Db, ref: SurveyRef): Promise<string[] | undefined> {
  const r = await db
    .selectFrom('survey_answers')
    .select('answers')
    .where('run_id', '=', ref.runId)
    .where('group_id', '=', ref.groupId)
    .where('step_id', '=', ref.stepId)
    .where('occurrence', '=', ref.occurrence)
    .where('member_id', '=', ref.memberId)
    .executeTakeFirst();
  return r ? (typeof r.answers === 'string' ? (JSON.parse(r.answers) as string[]) : r.answers) : undefined;
}

export type AnswerProblem = { index: number; problem: 'too_long' | 'not_a_choice' } | { index: -1; problem: 'count' | 'empty' };

/** Without what PostgreSQL cannot store: NUL characters, and lone surrogates (as U+FFFD). */
const storable = (s: string) => s.replace(/\0/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** The answers cleaned (trimmed), or the first problem. Pure. */
export function checkAnswers(questions: readonly SurveyQuestion[], raw: readonly unknown[]): { answers: string[] } | AnswerProblem {
  if (raw.length !== questions.length) return { index: -1, problem: 'count' };
  const answers: string[] = [];
  for (const [i, q] of questions.entries()) {
    const a = typeof raw[i] === 'string' ? storable(raw[i] as string).replace(/\r\n?/g, '\n').trim() : '';
    if (a.length > MAX_ANSWER_CHARS) return { index: i, problem: 'too_long' };
    if (q.choices && a !== '' && !q.choices.includes(a)) return { index: i, problem: 'not_a_choice' };
    answers.push(a);
  }
  if (answers.every((a) => a === '')) return { index: -1, problem: 'empty' };
  return { answers };
}

/** Stores a member's answers (replacing earlier ones); the first time, an `answer` event. Returns whether it was the first. */
export async function saveAnswers(db: Db, ref: SurveyRef, answers: readonly string[], at: Date): Promise<{ first: boolean }> {
  return db.transaction().execute(async (trx) => {
    const r = await sql<{ first: boolean }>`
      INSERT INTO survey_answers (run_id, group_id, step_id, occurrence, member_id, answers, at)
      VALUES (${ref.runId}, ${ref.groupId}, ${ref.stepId}, ${ref.occurrence}, ${ref.memberId}, ${JSON.stringify(answers)}::jsonb, ${at.toISOString()}::timestamptz)
      ON CONFLICT (run_id, group_id, step_id, occurrence, member_id) DO UPDATE SET answers = EXCLUDED.answers, at = EXCLUDED.at
      RETURNING (xmax = 0) AS first`.execute(trx);
    const first = r.rows[0]?.first === true;
    if (first) await recordMemberEvent(trx, { memberId: ref.memberId, groupId: ref.groupId, kind: 'answer', at, detail: { run: ref.runId, step: ref.stepId, occurrence: ref.occurrence } });
    return { first };
  });
}

export interface QuestionResult extends SurveyQuestion {
  /** Members who answered this question (not blank). */
  answered: number;
  /** A choice question: how many chose each choice, in the choices' order. */
  counts?: Record<string, number>;
  /** A free question: the answers, newest first (at most RESULT_ANSWERS). */
  answers?: string[];
}

export interface SurveyResult {
  run: string;
  step: string;
  occurrence: number;
  /** Members who sent the form. */
  answered: number;
  lastAt: string | null;
  questions: QuestionResult[];
}

export const RESULT_ANSWERS = 200;

/** Every survey answered in a group, per run, step and occurrence, newest first. */
export async function surveyResults(db: Db, groupId: string): Promise<SurveyResult[]> {
  const rows = await db
    .selectFrom('survey_answers')
    .select(['run_id', 'step_id', 'occurrence', 'answers', 'at'])
    .where('group_id', '=', groupId)
    .orderBy('at', 'desc')
    .execute();
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = JSON.stringify([r.run_id, r.step_id, r.occurrence]);
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const out: SurveyResult[] = [];
  for (const [key, list] of byKey) {
    const [run, step, occurrence] = JSON.parse(key) as [string, string, number];
    const qs = (await surveyQuestions(db, run, step))?.questions ?? [];
    const answersOf = (r: (typeof list)[number]) => (typeof r.answers === 'string' ? (JSON.parse(r.answers) as string[]) : r.answers);
    out.push({
      run,
      step,
      occurrence,
      answered: list.length,
      lastAt: list[0] ? new Date(list[0].at).toISOString() : null,
      questions: qs.map((q, i) => {
        const given = list.map((r) => answersOf(r)[i] ?? '').filter((a) => a !== '');
        if (q.choices) {
          const counts = Object.fromEntries(q.choices.map((c) => [c, given.filter((a) => a === c).length]));
          return { ...q, answered: given.length, counts };
        }
        return { ...q, answered: given.length, answers: given.slice(0, RESULT_ANSWERS) };
      }),
    });
  }
  return out;
}

/** A CSV cell; text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const EXPORT_COLUMNS = ['run', 'group', 'step', 'occurrence', 'member', 'name', 'at', 'question', 'answer'] as const;

/** All answers of the groups, one line per member and question (long format), UTF-8 with a BOM for spreadsheets. */
export async function surveyCsv(db: Db, groupIds: readonly string[]): Promise<string> {
  const lines = [EXPORT_COLUMNS.join(',')];
  if (groupIds.length) {
    const rows = await db
      .selectFrom('survey_answers')
      .innerJoin('members', 'members.id', 'survey_answers.member_id')
      .select(['survey_answers.run_id', 'survey_answers.group_id', 'survey_answers.step_id', 'survey_answers.occurrence', 'survey_answers.member_id', 'members.name', 'survey_answers.answers', 'survey_answers.at'])
      .where('survey_answers.group_id', 'in', [...groupIds])
      .orderBy('survey_answers.group_id')
      .orderBy('survey_answers.run_id')
      .orderBy('survey_answers.step_id')
      .orderBy('survey_answers.occurrence')
      .orderBy('survey_answers.at')
      .execute();
    const questions = new Map<string, SurveyQuestion[]>();
    for (const r of rows) {
      const key = `${r.run_id}\n${r.step_id}`;
      if (!questions.has(key)) questions.set(key, (await surveyQuestions(db, r.run_id, r.step_id))?.questions ?? []);
      const answers = typeof r.answers === 'string' ? (JSON.parse(r.answers) as string[]) : r.answers;
      const qs = questions.get(key)!;
      answers.forEach((a, i) => {
        lines.push(
          [r.run_id, r.group_id, r.step_id, r.occurrence, r.member_id, r.name, new Date(r.at).toISOString(), qs[i]?.text ?? `#${i + 1}`, a].map((c) => csvCell(c)).join(','),
        );
      });
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
