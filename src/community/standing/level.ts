// The activity pyramid (普通 → 活跃 → 贡献 → 专业), Orbit-style: each event adds its weight to a
// score that halves every `halfLifeDays` (score = Σ weight × 0.5^(age / half-life)). Only the
// score and the moment it was computed are stored; it is decayed forward when read. A member
// rises a level the moment the score reaches its threshold; they drop only at the weekly run, and
// only when the score is below the current level's threshold minus the margin (hysteresis), and
// not within the grace days after a promotion. Pure.

import { LEVELS, type Level } from '../../sop/audience.ts';
import type { Rules } from './rules.ts';

const DAY = 86_400_000;
export const levelRank = (l: Level): number => LEVELS.indexOf(l);

/** A score computed at `from`, as it stands at `to` (never grows by decaying backwards). */
export function decay(score: number, from: Date | null, to: Date, halfLifeDays: number): number {
  if (!from || score === 0) return score;
  const days = (to.getTime() - from.getTime()) / DAY;
  return days <= 0 ? score : score * 0.5 ** (days / halfLifeDays);
}

/** Adds an event's weight at `at` to a score kept at `scoreAt`: the stored score and its new moment. */
export function addToScore(score: number, scoreAt: Date | null, weight: number, at: Date, halfLifeDays: number): { score: number; at: Date } {
  if (!scoreAt || at.getTime() >= scoreAt.getTime()) return { score: decay(score, scoreAt, at, halfLifeDays) + weight, at };
  // An event delivered late: its weight, decayed to the score's moment.
  return { score: score + decay(weight, at, scoreAt, halfLifeDays), at: scoreAt };
}

/** The highest level whose threshold the score reaches. */
export function levelFor(score: number, rules: Rules): Level {
  const t = rules.levels.thresholds;
  if (score >= t.professional) return 'professional';
  if (score >= t.contributing) return 'contributing';
  if (score >= t.active) return 'active';
  return 'ordinary';
}

function thresholdOf(level: Level, rules: Rules): number {
  return level === 'ordinary' ? 0 : rules.levels.thresholds[level];
}

/** After an event: promote at once, never demote. */
export function promote(current: Level, score: number, rules: Rules): Level {
  const next = levelFor(score, rules);
  return levelRank(next) > levelRank(current) ? next : current;
}

/**
 * At the weekly run: promote as always; demote to the level the score reaches only when the score
 * is below the current threshold × (1 − margin) and the last promotion is older than the grace days.
 */
export function weeklyLevel(current: Level, score: number, levelAt: Date | null, now: Date, rules: Rules): Level {
  const promoted = promote(current, score, rules);
  if (promoted !== current) return promoted;
  if (current === 'ordinary') return current;
  if (score >= thresholdOf(current, rules) * (1 - rules.levels.demoteMargin)) return current;
  if (levelAt && now.getTime() - levelAt.getTime() < rules.levels.demoteGraceDays * DAY) return current;
  return levelFor(score, rules);
}
