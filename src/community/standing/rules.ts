// The people rules: what moves a member through the stages (不认识你 → 复购你), how the activity
// score that decides the level (普通 → 专业) is weighed and decays, rule-based tags and points
// rules. Pure: a zod schema, the documented defaults, and reading an operator's document (a
// partial one is laid over the defaults) into rules or into problems that name the field.
// docs/people-rules.md explains every setting.

import { z } from 'zod';
import { type Msg, msg } from '../../i18n/index.ts';
import type { LEVELS, STAGES } from '../../sop/audience.ts';
import { FACTS, type Fact } from './facts.ts';
import { compileTagRule, TagRuleError } from './tags.ts';

export { FACTS, type Fact } from './facts.ts';


/** Event kinds that carry a weight in the activity score. */
export const WEIGHTED = ['message', 'reply', 'checkin', 'answer', 'invite'] as const;
export type Weighted = (typeof WEIGHTED)[number];

/** Event kinds a points rule can reward. */
export const REWARDED = ['message', 'reply', 'checkin', 'answer', 'invite', 'join'] as const;
export type Rewarded = (typeof REWARDED)[number];

const Count = z.number().int().min(0).max(1_000_000);
/** A stage is reached when ANY of its counts is reached; `null` turns the stage off. */
const StageRule = z.strictObject(Object.fromEntries(FACTS.map((f) => [f, Count.optional()])) as Record<Fact, z.ZodOptional<typeof Count>>).nullable();
const Weight = z.number().min(0).max(1000);
const Threshold = z.number().min(0).max(1_000_000);

const PointsRule = z.strictObject({
  /** Points given for each such event (0: none). */
  points: z.number().int().min(0).max(10_000),
  /** Most times a day (UTC) the rule gives points to one member; 0: no cap. */
  dailyCap: z.number().int().min(0).max(1000),
});

const TagRule = z
  .strictObject({
    tag: z.string().trim().min(1).max(64),
    /** A member selector (`inactive>14d`, `stage:customer+points>=10`) or counts (`{orders: '>=2'}`). */
    when: z.union([z.string().min(1).max(500), z.record(z.string(), z.string().max(20))]),
  })
  .superRefine((r, ctx) => {
    try {
      compileTagRule(r);
    } catch (e) {
      if (!(e instanceof TagRuleError)) throw e;
      ctx.addIssue({ code: 'custom', path: ['when'], message: e.text.key, params: { text: e.text } });
    }
  });

export const RulesSchema = z.strictObject({
  stages: z.strictObject({
    curious: StageRule,
    acquainted: StageRule,
    engaged: StageRule,
    familiar: StageRule,
    customer: StageRule,
    repeat: StageRule,
  }),
  levels: z
    .strictObject({
      /** The score halves in this many days without activity. */
      halfLifeDays: z.number().min(1).max(3650),
      weights: z.strictObject({ message: Weight, reply: Weight, checkin: Weight, answer: Weight, invite: Weight }),
      /** An invite counts once the invitee is still in the group this many days later. */
      inviteStayDays: z.number().int().min(0).max(365),
      /** The score a member needs to reach each level (promotion is at once). */
      thresholds: z.strictObject({ active: Threshold, contributing: Threshold, professional: Threshold }),
      /** At the weekly run a member drops a level only below its threshold × (1 − margin). */
      demoteMargin: z.number().min(0).max(0.95),
      /** A member promoted less than this many days ago is not demoted. */
      demoteGraceDays: z.number().int().min(0).max(90),
    })
    .superRefine((l, ctx) => {
      const t = l.thresholds;
      if (!(t.active < t.contributing)) ctx.addIssue({ code: 'custom', path: ['thresholds', 'contributing'], message: 'standing.rules.ascending', params: { text: msg('standing.rules.ascending', { lower: msg('standing.levelName.active'), higher: msg('standing.levelName.contributing') }) } });
      if (!(t.contributing < t.professional)) ctx.addIssue({ code: 'custom', path: ['thresholds', 'professional'], message: 'standing.rules.ascending', params: { text: msg('standing.rules.ascending', { lower: msg('standing.levelName.contributing'), higher: msg('standing.levelName.professional') }) } });
    }),
  tags: z.array(TagRule).max(50),
  points: z.strictObject(Object.fromEntries(REWARDED.map((k) => [k, PointsRule.optional()])) as Record<Rewarded, z.ZodOptional<typeof PointsRule>>),
});

export type Rules = z.infer<typeof RulesSchema>;
export type StageName = (typeof STAGES)[number];
export type LevelName = (typeof LEVELS)[number];

/** The documented defaults (docs/people-rules.md). */
export const DEFAULT_RULES: Rules = {
  stages: {
    curious: { joinRequests: 1, clicks: 1 },
    acquainted: { joins: 1 },
    engaged: { messages: 1, checkins: 1 },
    familiar: { activeWeeks: 2 },
    customer: { orders: 1 },
    repeat: { orders: 2 },
  },
  levels: {
    halfLifeDays: 30,
    weights: { message: 1, reply: 2, checkin: 3, answer: 5, invite: 8 },
    inviteStayDays: 7,
    thresholds: { active: 10, contributing: 40, professional: 120 },
    demoteMargin: 0.2,
    demoteGraceDays: 7,
  },
  tags: [],
  points: {
    message: { points: 0, dailyCap: 0 },
    reply: { points: 0, dailyCap: 0 },
    checkin: { points: 0, dailyCap: 1 },
    answer: { points: 0, dailyCap: 0 },
    invite: { points: 0, dailyCap: 0 },
    join: { points: 0, dailyCap: 0 },
  },
};

/** One thing wrong with a rules document: where (`levels.thresholds.active`) and what. */
export interface RulesProblem {
  field: string;
  message: Msg;
}

export class RulesError extends Error {
  readonly problems: RulesProblem[];
  constructor(problems: RulesProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message.key}`).join('; '));
    this.name = 'RulesError';
    this.problems = problems;
  }
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The document laid over the defaults: objects merge key by key, lists and values replace. */
export function overDefaults(input: unknown, base: unknown = DEFAULT_RULES): unknown {
  if (!isPlain(input) || !isPlain(base)) return input === undefined ? base : input;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(input)) out[k] = k in base && v !== null ? overDefaults(v, base[k]) : v;
  return out;
}

/** A zod issue as a problem naming its field, in the people rules' words (also used for other settings documents). */
export function problemOf(issue: z.core.$ZodIssue): RulesProblem {
  const field = issue.path.map(String).join('.') || '(document)';
  const params = (issue as { params?: { text?: Msg } }).params;
  if (issue.code === 'custom' && params?.text) return { field, message: params.text };
  switch (issue.code) {
    case 'too_small':
      return { field, message: msg('standing.rules.tooSmall', { min: String(issue.minimum) }) };
    case 'too_big':
      return { field, message: msg('standing.rules.tooBig', { max: String(issue.maximum) }) };
    case 'invalid_type':
      return { field, message: msg('standing.rules.badType', { expected: String(issue.expected) }) };
    case 'unrecognized_keys':
      return { field, message: msg('standing.rules.unknownKeys', { keys: issue.keys.join(', ') }) };
    case 'invalid_value':
      return { field, message: msg('standing.rules.badValue', { values: issue.values.map(String).join(', ') }) };
    default:
      return { field, message: msg('standing.rules.invalid') };
  }
}

/** Reads an operator's rules document (partial: the rest comes from the defaults). Throws RulesError. */
export function readRules(input: unknown): Rules {
  if (input !== undefined && input !== null && !isPlain(input)) throw new RulesError([{ field: '(document)', message: msg('standing.rules.notObject') }]);
  const r = RulesSchema.safeParse(overDefaults(input ?? {}));
  if (r.success) return r.data;
  throw new RulesError(r.error.issues.map(problemOf));
}

/** Rules as stored (already checked when saved); a stored document that no longer reads falls back to the defaults. */
export function storedRules(value: unknown): Rules {
  try {
    return readRules(typeof value === 'string' ? JSON.parse(value) : value);
  } catch {
    return DEFAULT_RULES;
  }
}

/** The JSON schema of the rules document (for editors and `GET /api/settings/people/schema`). */
export function rulesJsonSchema(): unknown {
  return z.toJSONSchema(RulesSchema, { unrepresentable: 'any' });
}
