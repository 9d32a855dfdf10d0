// The fraud rules of a campaign, pure: what a join through a participant's link counts for, and
// when a counted invite qualifies. Each rule can be switched off (CampaignRules), and each refusal
// carries a reason code that the status counts (`rejected: {<reason>: n}`) and the catalogues word
// (`campaign.reason.<code>`). docs/growth.md.

export const REJECT_REASONS = ['bot', 'self_invite', 'blacklisted', 'not_new', 'already_invited', 'cap_reached', 'left_early'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
/** A poster campaign's screenshot the reviewer did not approve (campaign-poster.ts). */
export const REVIEW_REJECTED = 'review_rejected';

export interface CampaignRules {
  /** The invitee was never a member of any group of the workspace before this join. */
  newOnly: boolean;
  /** Seconds the invitee must stay before the invite qualifies; leaving earlier rejects it. */
  staySeconds: number;
  /** Counted invites per inviter at most (pending and qualified); null: no cap. */
  cap: number | null;
  /** No bots counted. */
  noBots: boolean;
  /** A participant's own join through their link does not count. */
  noSelf: boolean;
  /** One inviter per invitee: the first link wins. */
  firstLinkWins: boolean;
  /** Blacklisted members neither count as invitees nor take part. */
  noBlacklisted: boolean;
}

export const DEFAULT_RULES: CampaignRules = { newOnly: false, staySeconds: 0, cap: null, noBots: true, noSelf: true, firstLinkWins: true, noBlacklisted: true };

/** Rules read from storage (or an older row), every missing switch at its default. */
export function rulesOf(raw: unknown): CampaignRules {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<CampaignRules>;
  return {
    newOnly: r.newOnly ?? DEFAULT_RULES.newOnly,
    staySeconds: typeof r.staySeconds === 'number' && r.staySeconds >= 0 ? r.staySeconds : 0,
    cap: typeof r.cap === 'number' && r.cap > 0 ? r.cap : null,
    noBots: r.noBots ?? true,
    noSelf: r.noSelf ?? true,
    firstLinkWins: r.firstLinkWins ?? true,
    noBlacklisted: r.noBlacklisted ?? true,
  };
}

/** What is known about one join through a participant's link. */
export interface JoinFacts {
  inviterId: string;
  inviteeId: string;
  inviteeIsBot: boolean;
  inviteeBlacklisted: boolean;
  /** The invitee had a stay in any group of the workspace that began before this join. */
  inviteeWasMember: boolean;
  /** The participant who already has this invitee counted in the campaign, if any. */
  countedBy: string | null;
  /** The inviter's counted invites so far (pending and qualified). */
  inviterCounted: number;
}

export type JoinVerdict = { state: 'pending' } | { state: 'rejected'; reason: RejectReason } | { state: 'already_counted' };

/** A join through a participant's link: counted (pending until it stays) or rejected with its reason. */
export function judgeJoin(rules: CampaignRules, f: JoinFacts): JoinVerdict {
  if (f.countedBy === f.inviterId) return { state: 'already_counted' };
  if (rules.noBots && f.inviteeIsBot) return { state: 'rejected', reason: 'bot' };
  if (rules.noSelf && f.inviteeId === f.inviterId) return { state: 'rejected', reason: 'self_invite' };
  if (rules.noBlacklisted && f.inviteeBlacklisted) return { state: 'rejected', reason: 'blacklisted' };
  if (rules.firstLinkWins && f.countedBy !== null) return { state: 'rejected', reason: 'already_invited' };
  if (rules.newOnly && f.inviteeWasMember) return { state: 'rejected', reason: 'not_new' };
  if (rules.cap !== null && f.inviterCounted >= rules.cap) return { state: 'rejected', reason: 'cap_reached' };
  return { state: 'pending' };
}

/**
 * A pending invite's standing at `now`: qualified once the invitee stayed `staySeconds` (with no
 * leave before then), rejected `left_early` when they left sooner, else still pending.
 */
export function judgeStay(rules: CampaignRules, s: { joinedAt: Date; leftAt: Date | null; now: Date }): 'pending' | 'qualified' | 'left_early' {
  const due = s.joinedAt.getTime() + rules.staySeconds * 1000;
  if (s.leftAt && s.leftAt.getTime() < due) return 'left_early';
  return s.now.getTime() >= due ? 'qualified' : 'pending';
}

/** Whether a participant completed: `goal` qualified invitees (invite) or approvals (poster). */
export function completes(goal: number, done: number): boolean {
  return done >= goal;
}

/** The K-factor: new members brought per participant (qualified invitees ÷ participants). */
export function kFactor(participants: number, qualified: number): number {
  return participants ? Math.round((qualified / participants) * 100) / 100 : 0;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30s`, `10m`, `2h`, `3d` → seconds; undefined when it is not one of these. */
export function durationSeconds(text: string): number | undefined {
  const m = /^\s*(\d{1,7})\s*([smhd])\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * UNIT[m[2]];
  return n > 0 && n <= 366 * 86_400 ? n : undefined;
}

/** The bot's words a member may send: enrol, or ask for their progress. */
export function commandOf(text: string): 'join' | 'progress' | undefined {
  const t = text.trim().toLowerCase().replace(/@\w+$/, '');
  if (t === '/join' || t === '参加' || t === '参与' || t === '报名') return 'join';
  if (t === '/progress' || t === '进度' || t === '我的进度') return 'progress';
  return undefined;
}
