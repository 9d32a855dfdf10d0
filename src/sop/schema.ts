// The shape of a v1 sheet as written in YAML, before timing words are read. Messages are written
// by `describeIssue` in parse.ts, so this file only says what is allowed.

import { z } from 'zod';
import { isSheetLink } from './links.ts';
import { ACTIONS, COMMUNITIES, CONTENT_KINDS, QUIET_POLICIES } from './types.ts';

const text = z.string();

/**
 * Names JavaScript objects carry on their prototype (`constructor`, `toString`, `__proto__`, …).
 * A role or variable called that would be looked up on every object and read as code, so the
 * format refuses them as names.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
const notReserved = (name: string) => !RESERVED_NAMES.has(name);
const timing = z.union([z.string(), z.number()]);

export const VarSpecSchema = z.union([
  z.strictObject({
    required: z.boolean().optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    description: text.optional(),
  }),
  z.null(),
]);

export const StepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  at: timing.optional(),
  every: text.optional(),
  from: timing.optional(),
  until: timing.optional(),
  on: text.optional(),
  after: timing.optional(),
  do: z.enum(ACTIONS),
  to: text.optional(),
  text: text.optional(),
  // Two or more `{ id, text }`; read by variants.ts, which words every mistake for operators.
  variants: z.unknown().optional(),
  name: text.optional(),
  kind: z.enum(CONTENT_KINDS).optional(),
  // A catalogue key (src/i18n): parse.ts words it in the reader's language.
  link: text.refine(isSheetLink, { message: 'parse.link' }).optional(),
  image: text.optional(),
  file: text.optional(),
  by: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/)
    .refine((n) => !/^[a-z][a-z0-9_-]*$/.test(n) || notReserved(n), { message: 'is a word reserved by the system; name the role differently, like leader or assistant' })
    .optional(),
  window: timing.optional(),
  unless: text.optional(),
  tag: text.optional(),
  where: text.optional(),
  into: text.optional(),
  questions: z.array(text).optional(),
  // A check-in's word(s) that count a member's message (default 打卡 and #checkin).
  keyword: z.union([text, z.array(text)]).optional(),
  // A digest's reviewer (`leader`): checked by the lint rule digest-step, worded for operators.
  review: text.optional(),
  note: text.optional(),
});

export const SheetSchema = z.strictObject({
  sop: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: text.min(1),
  description: text.optional(),
  community: z.enum(COMMUNITIES),
  industry: text.optional(),
  timezone: text,
  anchor: text.min(1),
  anchor_time: timing.optional(),
  quiet_hours: text.optional(),
  quiet_policy: z.enum(QUIET_POLICIES).optional(),
  vars: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), VarSpecSchema).optional(),
  lint: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  steps: z.array(z.unknown()).min(1),
});

export type RawSheet = z.infer<typeof SheetSchema>;
export type RawStep = z.infer<typeof StepSchema>;

/** The choices a field's description lists (`parse.field.<name>` in src/i18n says them in each language). */
export const FIELD_CHOICES: Record<string, readonly string[]> = { community: COMMUNITIES, quiet_policy: QUIET_POLICIES, do: ACTIONS, kind: CONTENT_KINDS };

/** Plain-words descriptions of each field, used in error messages ("`community` is the …"); English of `parse.field.*`. */
export const FIELD_HINTS: Record<string, string> = {
  sop: 'a short id in lowercase letters, digits and dashes, like camp-7d',
  title: 'the sheet title in plain words',
  community: `one of ${COMMUNITIES.join(', ')}`,
  timezone: 'an IANA time zone such as Asia/Shanghai or Europe/Berlin',
  anchor: 'what D0 / T0 means for this sheet, like "Camp opening"',
  quiet_policy: `one of ${QUIET_POLICIES.join(', ')}`,
  id: 'a step id in lowercase letters, digits, - and _, like notice-1',
  do: `one of ${ACTIONS.join(', ')}`,
  kind: `one of ${CONTENT_KINDS.join(', ')}`,
  by: 'who executes: bot, owner, leader, assistant or another role name in lowercase',
  steps: 'a list of steps',
};
