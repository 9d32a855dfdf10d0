// Rule-based tags: `{tag: 'silent', when: 'inactive>14d'}` (a member selector, read by the same
// grammar as everywhere, src/sop/audience.ts) or `{tag: 'vip', when: {orders: '>=2'}}` (counts).
// A tag named by a rule belongs to the rule: it is added while the condition holds and taken
// away when it stops holding. Evaluated in memory on the member's facts, so only the terms that
// facts can answer are accepted (no group:, role:, joined<, members, enrolled). Pure.

import { type Msg, msg } from '../../i18n/index.ts';
import { type AudienceClause, AudienceError, type Comparison, parseAudience } from '../../sop/audience.ts';
import { FACTS, type Fact, type MemberFacts } from './facts.ts';

export class TagRuleError extends Error {
  readonly text: Msg;
  constructor(text: Msg) {
    super(text.key);
    this.name = 'TagRuleError';
    this.text = text;
  }
}

export interface TagRuleInput {
  tag: string;
  when: string | Partial<Record<Fact, string>>;
}

export type TagTest = (facts: MemberFacts, now: Date) => boolean;

const IN_MEMORY = new Set(['all', 'tag', 'stage', 'level', 'points', 'checkins', 'active', 'inactive']);
const COMPARE = /^\s*(>=|<=|>|<|=)\s*(\d{1,9})\s*$/;

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '=':
      return a === b;
  }
}

function clauseTest(c: AudienceClause): TagTest {
  const t = c.term;
  const test = ((): TagTest => {
    switch (t.kind) {
      case 'all':
        return () => true;
      case 'tag':
        return (f) => f.tags.includes(t.value);
      case 'stage':
        return (f) => f.stage === t.value;
      case 'level':
        return (f) => f.level === t.value;
      case 'points':
        return (f) => compare(f.points, t.op, t.value);
      case 'checkins':
        return (f) => compare(f.checkins, t.op, t.value);
      case 'active':
        return (f, now) => !!f.lastActiveAt && now.getTime() - f.lastActiveAt.getTime() < t.minutes * 60_000;
      case 'inactive':
        return (f, now) => !f.lastActiveAt || now.getTime() - f.lastActiveAt.getTime() > t.minutes * 60_000;
      default:
        throw new Error(`unreachable: ${t.kind}`);
    }
  })();
  return c.negated ? (f, now) => !test(f, now) : test;
}

/** The rule's test; a selector or count it cannot evaluate is a TagRuleError. */
export function compileTagRule(rule: TagRuleInput): TagTest {
  if (typeof rule.when === 'string') {
    let clauses: AudienceClause[];
    try {
      clauses = parseAudience(rule.when);
    } catch (e) {
      if (e instanceof AudienceError) throw new TagRuleError(e.text);
      throw e;
    }
    const bad = clauses.find((c) => !IN_MEMORY.has(c.term.kind));
    if (bad) throw new TagRuleError(msg('standing.tags.unsupported', { term: bad.term.kind }));
    const tests = clauses.map(clauseTest);
    return (f, now) => tests.every((t) => t(f, now));
  }
  const entries = Object.entries(rule.when) as [string, string][];
  if (!entries.length) throw new TagRuleError(msg('standing.tags.empty'));
  const tests = entries.map(([fact, text]): TagTest => {
    if (!(FACTS as readonly string[]).includes(fact)) throw new TagRuleError(msg('standing.tags.badFact', { fact, list: FACTS.join(', ') }));
    const m = COMPARE.exec(text);
    if (!m) throw new TagRuleError(msg('standing.tags.badCount', { fact, text }));
    const op = m[1] as Comparison;
    const n = Number(m[2]);
    return (f) => compare(f[fact as Fact], op, n);
  });
  return (f, now) => tests.every((t) => t(f, now));
}

/** Compiled once per rules object. */
const compiled = new WeakMap<readonly TagRuleInput[], { tag: string; test: TagTest }[]>();

/**
 * The member's tags under the rules: the tags no rule owns stay as they are; each rule's tag is
 * there exactly when its condition holds (rules see the tags decided before them). Sorted as given.
 */
export function ruleTags(facts: MemberFacts, rules: readonly TagRuleInput[], now: Date): string[] {
  if (!rules.length) return [...facts.tags];
  let list = compiled.get(rules);
  if (!list) {
    list = rules.map((r) => ({ tag: r.tag, test: compileTagRule(r) }));
    compiled.set(rules, list);
  }
  const owned = new Set(list.map((r) => r.tag));
  const tags = facts.tags.filter((t) => !owned.has(t));
  for (const r of list) {
    if (tags.includes(r.tag)) continue;
    if (r.test({ ...facts, tags }, now)) tags.push(r.tag);
  }
  return tags;
}

export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((t) => s.has(t));
}
