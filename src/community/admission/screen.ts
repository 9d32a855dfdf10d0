// Screening an application to join a group, before a person looks at it. Pure: the member's
// standing, the answers and the group's rules in, a decision out.
//
// Order (the first that applies decides):
// 1. blacklisted → reject (the blacklist is absolute: no rule approves a blacklisted person);
// 2. left the group voluntarily before and the group's rejoin policy is `never` → reject;
//    `review` → a person decides, whatever the rules say;
// 3. an auto-approve rule matches (a tag the member has, or an answer) → approve;
// 4. otherwise → a person decides (pending).

export const REJOIN_POLICIES = ['allowed', 'review', 'never'] as const;
export type RejoinPolicy = (typeof REJOIN_POLICIES)[number];

/** `{tag: 'vip'}`: the member has the tag. `{answer: {question: 1, equals: 'yes'}}`: question 1 (1-based) answered so (case and spaces ignored). */
export type AutoApproveRule = { tag: string } | { answer: { question: number; equals: string } };

export interface ScreenInput {
  blacklisted: boolean;
  /** The member's tags; none for a form applicant who is not a member yet. */
  tags: readonly string[];
  /** Answers in question order. */
  answers: readonly string[];
  /** Whether the person left this group voluntarily before (their latest stay ended so). */
  leftVoluntarily: boolean;
  rejoinPolicy: RejoinPolicy;
  rules: readonly AutoApproveRule[];
}

export type ScreenDecision =
  | { decision: 'reject'; why: 'blacklisted' | 'no_rejoin' }
  | { decision: 'approve'; why: 'rule'; rule: number }
  | { decision: 'review'; why: 'rejoin_review' | 'no_rule' };

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Whether one rule matches. */
export function ruleMatches(rule: AutoApproveRule, input: Pick<ScreenInput, 'tags' | 'answers'>): boolean {
  if ('tag' in rule) return input.tags.includes(rule.tag);
  const answer = input.answers[rule.answer.question - 1];
  return answer !== undefined && norm(answer) === norm(rule.answer.equals);
}

export function screen(input: ScreenInput): ScreenDecision {
  if (input.blacklisted) return { decision: 'reject', why: 'blacklisted' };
  if (input.leftVoluntarily && input.rejoinPolicy === 'never') return { decision: 'reject', why: 'no_rejoin' };
  if (input.leftVoluntarily && input.rejoinPolicy === 'review') return { decision: 'review', why: 'rejoin_review' };
  const i = input.rules.findIndex((r) => ruleMatches(r, input));
  if (i >= 0) return { decision: 'approve', why: 'rule', rule: i + 1 };
  return { decision: 'review', why: 'no_rule' };
}

/** What a direct join (no request first) means for a person: undo it, tell the reviewer, or nothing. */
export type JoinDecision = { undo: true; ban: boolean; why: 'blacklisted' | 'no_rejoin' } | { undo: false; tellReviewer: boolean };

export function screenJoin(input: { blacklisted: boolean; leftVoluntarily: boolean; rejoinPolicy: RejoinPolicy }): JoinDecision {
  if (input.blacklisted) return { undo: true, ban: true, why: 'blacklisted' };
  if (input.leftVoluntarily && input.rejoinPolicy === 'never') return { undo: true, ban: false, why: 'no_rejoin' };
  return { undo: false, tellReviewer: input.leftVoluntarily && input.rejoinPolicy === 'review' };
}
