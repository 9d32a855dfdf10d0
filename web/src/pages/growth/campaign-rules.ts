// The campaign form (pure): what the operator filled in, the API body it becomes (POST
// /api/campaigns), and the rules in plain words, as catalogue keys with their values, so the
// summary beside the form says exactly what the campaign will do.

export type CampaignKind = 'invite' | 'poster';
export type RewardKind = 'none' | 'points' | 'codes' | 'task';

export interface CampaignForm {
  kind: CampaignKind;
  name: string;
  goal: string;
  /** Hours an invitee must stay to count (empty: no stay rule). */
  stayHours: string;
  newOnly: boolean;
  cap: string;
  review: 'auto' | 'leader';
  reward: RewardKind;
  rewardPoints: string;
  /** One code per line. */
  rewardCodes: string;
  rewardTask: string;
  /** A group id, or empty. */
  regroup: string;
  /** How often the leaderboard is posted in the groups: a duration, or empty for never. */
  board: '' | '6h' | '1d';
  /** `datetime-local` text in the operator's zone, or empty. */
  until: string;
  layout: string;
  title: string;
  subtitle: string;
}

export const FIRST_FORM: CampaignForm = {
  kind: 'invite',
  name: '',
  goal: '3',
  stayHours: '2',
  newOnly: true,
  cap: '',
  review: 'auto',
  reward: 'none',
  rewardPoints: '',
  rewardCodes: '',
  rewardTask: '',
  regroup: '',
  board: '',
  until: '',
  layout: '',
  title: '',
  subtitle: '',
};

export interface CampaignBody {
  kind: CampaignKind;
  groups: string;
  name?: string;
  goal?: number;
  stay?: string;
  newOnly?: boolean;
  cap?: number;
  review?: 'auto' | 'leader';
  rewardPoints?: number;
  rewardCodes?: string[];
  rewardTask?: string;
  regroup?: string;
  board?: string;
  until?: string;
  poster?: { layout: string; title: string; subtitle?: string };
}

const whole = (s: string, min: number, max: number): number | undefined => {
  const n = Number(s.trim());
  return s.trim() && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
};

export function codesOf(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((c) => c.trim()).filter(Boolean))];
}

/** The body for POST /api/campaigns, or the catalogue key of the first thing to fix. */
export function campaignBody(f: CampaignForm, groups: string): { body: CampaignBody } | { problem: string } {
  const body: CampaignBody = { kind: f.kind, groups };
  if (f.name.trim()) body.name = f.name.trim();
  if (f.kind === 'invite') {
    const goal = whole(f.goal, 1, 1000);
    if (goal === undefined) return { problem: 'campaigns.problemGoal' };
    body.goal = goal;
    if (f.stayHours.trim()) {
      const stay = whole(f.stayHours, 1, 720);
      if (stay === undefined) return { problem: 'campaigns.problemStay' };
      body.stay = `${stay}h`;
    }
    if (f.newOnly) body.newOnly = true;
    if (f.cap.trim()) {
      const cap = whole(f.cap, 1, 100_000);
      if (cap === undefined) return { problem: 'campaigns.problemCap' };
      body.cap = cap;
    }
  } else {
    body.review = f.review;
  }
  if (f.reward === 'points') {
    const points = whole(f.rewardPoints, 1, 1_000_000);
    if (points === undefined) return { problem: 'campaigns.problemPoints' };
    body.rewardPoints = points;
  } else if (f.reward === 'codes') {
    const codes = codesOf(f.rewardCodes);
    if (!codes.length) return { problem: 'campaigns.problemCodes' };
    body.rewardCodes = codes;
  } else if (f.reward === 'task') {
    if (!f.rewardTask.trim()) return { problem: 'campaigns.problemTask' };
    body.rewardTask = f.rewardTask.trim();
  }
  // The API reads a group selector; one group by its id.
  if (f.regroup) body.regroup = `id:${f.regroup}`;
  if (f.board) body.board = f.board;
  if (f.until) {
    const at = new Date(f.until);
    if (Number.isNaN(at.getTime())) return { problem: 'campaigns.problemUntil' };
    body.until = at.toISOString();
  }
  if (f.layout && f.title.trim()) body.poster = { layout: f.layout, title: f.title.trim(), ...(f.subtitle.trim() ? { subtitle: f.subtitle.trim() } : {}) };
  return { body };
}

export interface Line {
  key: string;
  vars?: Record<string, string | number>;
}

/** The campaign's rules in plain words, in the order a participant meets them. */
export function rulesSummary(f: CampaignForm, ctx: { groups?: number; regroupName?: string; until?: string }): Line[] {
  const lines: Line[] = [];
  const groups = ctx.groups ?? 0;
  if (f.kind === 'invite') {
    lines.push({ key: 'campaigns.ruleInvite', vars: { count: groups } });
    const goal = whole(f.goal, 1, 1000);
    const stay = whole(f.stayHours, 1, 720);
    lines.push(stay ? { key: 'campaigns.ruleGoalStay', vars: { count: goal ?? '?', hours: stay } } : { key: 'campaigns.ruleGoal', vars: { count: goal ?? '?' } });
    if (stay) lines.push({ key: 'campaigns.ruleLeaveEarly' });
    if (f.newOnly) lines.push({ key: 'campaigns.ruleNewOnly' });
    lines.push({ key: 'campaigns.ruleFair' });
    const cap = whole(f.cap, 1, 100_000);
    if (cap) lines.push({ key: 'campaigns.ruleCap', vars: { count: cap } });
  } else {
    lines.push({ key: 'campaigns.rulePoster', vars: { count: groups } });
    lines.push({ key: f.review === 'leader' ? 'campaigns.ruleReviewLeader' : 'campaigns.ruleReviewAuto' });
  }
  if (f.reward === 'points') lines.push({ key: 'campaigns.rulePoints', vars: { count: whole(f.rewardPoints, 1, 1_000_000) ?? '?' } });
  else if (f.reward === 'codes') lines.push({ key: 'campaigns.ruleCodes', vars: { count: codesOf(f.rewardCodes).length } });
  else if (f.reward === 'task') lines.push({ key: 'campaigns.ruleTask', vars: { task: f.rewardTask.trim() || '…' } });
  else lines.push({ key: 'campaigns.ruleNoReward' });
  if (ctx.regroupName) lines.push({ key: 'campaigns.ruleRegroup', vars: { group: ctx.regroupName } });
  if (f.board) lines.push({ key: f.board === '6h' ? 'campaigns.ruleBoard6h' : 'campaigns.ruleBoardDaily' });
  lines.push(ctx.until ? { key: 'campaigns.ruleUntil', vars: { until: ctx.until } } : { key: 'campaigns.ruleNoEnd' });
  return lines;
}

/** The K-factor in words: the catalogue key and its values. */
export function kFactorWords(k: number): Line {
  const shown = Math.round(k * 100) / 100;
  if (k >= 1) return { key: 'campaigns.kAbove', vars: { k: shown } };
  if (k > 0) return { key: 'campaigns.kBelow', vars: { k: shown, ten: Math.round(k * 10 * 10) / 10 } };
  return { key: 'campaigns.kNone', vars: { k: shown } };
}

/** Few codes left: at most 5, or at most a tenth of the pool. */
export function poolLow(pool: { total: number; remaining: number }): boolean {
  return pool.remaining <= Math.max(5, Math.floor(pool.total / 10));
}
