// A group's application settings, checked at the boundary. Pure: plain data in, the settings or
// the first problem (naming the field) out.

import { type Msg, msg } from '../../i18n/index.ts';
import { type AutoApproveRule, REJOIN_POLICIES, type RejoinPolicy } from './screen.ts';

export const MAX_QUESTIONS = 10;
export const MAX_QUESTION_CHARS = 300;
export const MAX_ANSWER_CHARS = 1000;
export const MAX_RULES = 20;

export interface AdmissionSettings {
  questions: string[];
  rejoinPolicy: RejoinPolicy;
  autoApprove: AutoApproveRule[];
  language: 'en' | 'zh';
}

export const DEFAULT_SETTINGS: AdmissionSettings = { questions: [], rejoinPolicy: 'allowed', autoApprove: [], language: 'en' };

export class SettingsError extends Error {
  readonly field: string;
  readonly text: Msg;
  constructor(field: string, text: Msg) {
    super(`${field}: ${text.key}`);
    this.name = 'SettingsError';
    this.field = field;
    this.text = text;
  }
}

/** Reads one rule; throws SettingsError naming `autoApprove[i]`. */
export function readRule(v: unknown, i: number, questions: number): AutoApproveRule {
  const field = `autoApprove[${i}]`;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.tag === 'string' && o.tag.trim() && Object.keys(o).length === 1) return { tag: o.tag.trim() };
    const a = o.answer as Record<string, unknown> | undefined;
    if (a && typeof a === 'object' && Object.keys(o).length === 1) {
      const q = a.question;
      if (typeof q !== 'number' || !Number.isInteger(q) || q < 1 || q > questions) throw new SettingsError(field, msg('admission.settings.badQuestion', { count: questions }));
      if (typeof a.equals !== 'string' || !a.equals.trim()) throw new SettingsError(field, msg('admission.settings.badEquals'));
      return { answer: { question: q, equals: a.equals.trim() } };
    }
  }
  throw new SettingsError(field, msg('admission.settings.badRule'));
}

/** Merges a change into the current settings, checking every field it touches. */
export function readSettings(current: AdmissionSettings, change: Record<string, unknown>): AdmissionSettings {
  const next = { ...current };
  if (change.questions !== undefined) {
    if (!Array.isArray(change.questions)) throw new SettingsError('questions', msg('admission.settings.questionsList'));
    if (change.questions.length > MAX_QUESTIONS) throw new SettingsError('questions', msg('admission.settings.tooManyQuestions', { max: MAX_QUESTIONS }));
    next.questions = change.questions.map((q, i) => {
      if (typeof q !== 'string' || !q.trim()) throw new SettingsError(`questions[${i}]`, msg('admission.settings.emptyQuestion'));
      if (q.length > MAX_QUESTION_CHARS) throw new SettingsError(`questions[${i}]`, msg('admission.settings.longQuestion', { max: MAX_QUESTION_CHARS }));
      return q.trim();
    });
  }
  if (change.rejoinPolicy !== undefined) {
    if (!(REJOIN_POLICIES as readonly unknown[]).includes(change.rejoinPolicy)) throw new SettingsError('rejoinPolicy', msg('admission.settings.badPolicy'));
    next.rejoinPolicy = change.rejoinPolicy as RejoinPolicy;
  }
  if (change.language !== undefined) {
    if (change.language !== 'en' && change.language !== 'zh') throw new SettingsError('language', msg('admission.settings.badLanguage'));
    next.language = change.language;
  }
  if (change.autoApprove !== undefined || change.questions !== undefined) {
    const rules = change.autoApprove ?? next.autoApprove;
    if (!Array.isArray(rules)) throw new SettingsError('autoApprove', msg('admission.settings.badRule'));
    if (rules.length > MAX_RULES) throw new SettingsError('autoApprove', msg('admission.settings.tooManyRules', { max: MAX_RULES }));
    next.autoApprove = rules.map((r, i) => readRule(r, i, next.questions.length));
  }
  return next;
}
