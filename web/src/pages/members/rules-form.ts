// The people rules screen's form, pure: the rules document (GET/PUT /api/settings/people, the
// shape of src/community/standing/rules.ts) as text fields and back. Tag rules are edited as
// lines "tag: condition"; a condition made only of counts (orders>=2+messages>=10) becomes the
// counts form, anything else stays a member selector.

export const STAGE_RULED = ['curious', 'acquainted', 'engaged', 'familiar', 'customer', 'repeat'] as const;
export const FACTS = ['joinRequests', 'joins', 'clicks', 'messages', 'replies', 'answers', 'checkins', 'invites', 'orders', 'activeWeeks', 'points'] as const;
export const WEIGHTS = ['message', 'reply', 'checkin', 'answer', 'invite'] as const;
export const THRESHOLDS = ['active', 'contributing', 'professional'] as const;
export const REWARDED = ['message', 'reply', 'checkin', 'answer', 'invite', 'join'] as const;

type Fact = (typeof FACTS)[number];
type StageRule = Partial<Record<Fact, number>> | null;

export interface Rules {
  stages: Record<(typeof STAGE_RULED)[number], StageRule>;
  levels: {
    halfLifeDays: number;
    weights: Record<(typeof WEIGHTS)[number], number>;
    inviteStayDays: number;
    thresholds: Record<(typeof THRESHOLDS)[number], number>;
    demoteMargin: number;
    demoteGraceDays: number;
  };
  tags: { tag: string; when: string | Partial<Record<Fact, string>> }[];
  points: Partial<Record<(typeof REWARDED)[number], { points: number; dailyCap: number }>>;
}

export interface RulesAnswer {
  rules: Rules;
  defaults: Rules;
  updatedAt?: string | null;
  updatedBy?: string | null;
  recompute: { state: string; done: number; total: number };
}

/** Every editable number as text, keyed by the rules document's path (`levels.thresholds.active`). */
export type FormValues = Record<string, string>;

export function stageFacts(rules: Rules, defaults: Rules, stage: (typeof STAGE_RULED)[number]): Fact[] {
  const keys = new Set([...Object.keys(defaults.stages[stage] ?? {}), ...Object.keys(rules.stages[stage] ?? {})]);
  return FACTS.filter((f) => keys.has(f));
}

export function formOf(rules: Rules, defaults: Rules): { values: FormValues; tags: string } {
  const values: FormValues = {};
  for (const s of STAGE_RULED) for (const f of stageFacts(rules, defaults, s)) values[`stages.${s}.${f}`] = String(rules.stages[s]?.[f] ?? '');
  const l = rules.levels;
  values['levels.halfLifeDays'] = String(l.halfLifeDays);
  values['levels.inviteStayDays'] = String(l.inviteStayDays);
  values['levels.demoteMargin'] = String(Math.round(l.demoteMargin * 100));
  values['levels.demoteGraceDays'] = String(l.demoteGraceDays);
  for (const w of WEIGHTS) values[`levels.weights.${w}`] = String(l.weights[w]);
  for (const t of THRESHOLDS) values[`levels.thresholds.${t}`] = String(l.thresholds[t]);
  for (const k of REWARDED) {
    values[`points.${k}.points`] = String(rules.points[k]?.points ?? 0);
    values[`points.${k}.dailyCap`] = String(rules.points[k]?.dailyCap ?? 0);
  }
  const tags = rules.tags.map((t) => `${t.tag}: ${typeof t.when === 'string' ? t.when : Object.entries(t.when).map(([f, c]) => `${f}${c}`).join('+')}`).join('\n');
  return { values, tags };
}

const COUNT_TERM = /^(\w+)\s*(>=|<=|>|<|=)\s*(\d+)$/;
/** Counts the member selector cannot read itself (points and checkins it can). */
const COUNT_ONLY = new Set<string>(FACTS.filter((f) => f !== 'points' && f !== 'checkins'));

export function tagsOf(text: string): { tags: Rules['tags'] } | { badLine: number } {
  const tags: Rules['tags'] = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { badLine: i + 1 };
    const tag = line.slice(0, colon).trim();
    const when = line.slice(colon + 1).trim();
    if (!when) return { badLine: i + 1 };
    const terms = when.split('+').map((t) => t.trim());
    const counts = terms.map((t) => COUNT_TERM.exec(t));
    if (counts.every((m) => m && COUNT_ONLY.has(m[1]!))) {
      tags.push({ tag, when: Object.fromEntries(counts.map((m) => [m![1]!, `${m![2]}${m![3]}`])) });
    } else tags.push({ tag, when });
  }
  return { tags };
}

/** The document to PUT, or the first field that is not a number. */
export function rulesOf(values: FormValues, tagsText: string, base: Rules): { rules: Rules } | { notNumber: string } | { badLine: number } {
  const num = (path: string): number | undefined => {
    const v = values[path]?.trim();
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : Number.NaN;
  };
  for (const [path, v] of Object.entries(values)) if (v.trim() !== '' && !Number.isFinite(Number(v))) return { notNumber: path };
  const stages = { ...base.stages };
  for (const s of STAGE_RULED) {
    const rule: Partial<Record<Fact, number>> = {};
    for (const f of FACTS) {
      const n = num(`stages.${s}.${f}`);
      if (n !== undefined) rule[f] = n;
    }
    stages[s] = Object.keys(rule).length ? rule : null;
  }
  const pick = (path: string, fallback: number) => num(path) ?? fallback;
  const l = base.levels;
  const tags = tagsOf(tagsText);
  if ('badLine' in tags) return tags;
  const points: Rules['points'] = {};
  for (const k of REWARDED) points[k] = { points: pick(`points.${k}.points`, 0), dailyCap: pick(`points.${k}.dailyCap`, 0) };
  return {
    rules: {
      stages,
      levels: {
        halfLifeDays: pick('levels.halfLifeDays', l.halfLifeDays),
        inviteStayDays: pick('levels.inviteStayDays', l.inviteStayDays),
        demoteMargin: pick('levels.demoteMargin', l.demoteMargin * 100) / 100,
        demoteGraceDays: pick('levels.demoteGraceDays', l.demoteGraceDays),
        weights: Object.fromEntries(WEIGHTS.map((w) => [w, pick(`levels.weights.${w}`, l.weights[w])])) as Rules['levels']['weights'],
        thresholds: Object.fromEntries(THRESHOLDS.map((t) => [t, pick(`levels.thresholds.${t}`, l.thresholds[t])])) as Rules['levels']['thresholds'],
      },
      tags: tags.tags,
      points,
    },
  };
}
