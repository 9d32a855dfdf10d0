// The completion forecast shown before a run or broadcast starts: each sender account's sends in
// the order the dispatcher takes them (earliest due first), paced by its policy. Pure.

import { earliestSend, initialPacingState, type PacingPolicy, type PacingState, recordSend } from './pacing.ts';

export interface ForecastSend {
  account: string;
  chatId: string;
  dueMs: number;
  /** false: not a message (an invite link, a rename), so the daily caps do not hold it back. */
  message?: boolean;
}

export interface RunForecast {
  /** When the last send is expected to go out (epoch ms); undefined when nothing is sent by bot. */
  finishAt?: number;
  /** The largest delay of a send behind its due time, in ms, and when that send was due. */
  maxDelayMs: number;
  maxDelayDueAt?: number;
  sends: number;
}

export function forecastSends(
  sends: readonly ForecastSend[],
  policyOf: (account: string) => PacingPolicy,
  stateOf: (account: string) => PacingState = () => initialPacingState(),
): RunForecast {
  const byAccount = new Map<string, ForecastSend[]>();
  for (const s of sends) {
    const list = byAccount.get(s.account);
    if (list) list.push(s);
    else byAccount.set(s.account, [s]);
  }
  let finishAt: number | undefined;
  let maxDelayMs = 0;
  let maxDelayDueAt: number | undefined;
  for (const [account, list] of byAccount) {
    list.sort((a, b) => a.dueMs - b.dueMs);
    const policy = policyOf(account);
    let state = stateOf(account);
    for (const s of list) {
      const kind = { message: s.message };
      let d = earliestSend(policy, state, s.chatId, s.dueMs, kind);
      // A daily cap: the send waits for the next day.
      while ('blocked' in d) d = earliestSend(policy, state, s.chatId, d.until, kind);
      state = recordSend(policy, state, s.chatId, d.at, () => 0.5, kind);
      finishAt = finishAt === undefined ? d.at : Math.max(finishAt, d.at);
      const delay = d.at - s.dueMs;
      if (delay > maxDelayMs) {
        maxDelayMs = delay;
        maxDelayDueAt = s.dueMs;
      }
    }
  }
  return { ...(finishAt !== undefined ? { finishAt } : {}), maxDelayMs, ...(maxDelayDueAt !== undefined ? { maxDelayDueAt } : {}), sends: sends.length };
}
