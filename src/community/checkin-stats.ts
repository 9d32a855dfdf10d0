// Check-in figures from the windows and their marks: a window's rate, a member's streaks. Pure:
// plain data in and out; src/community/checkins.ts reads the data, the API and CLI show it.
//
// - A window's `members` are the people in the group when it opened, plus anyone who joined
//   while it was open and checked in (so the rate never exceeds 1); `rate` = checkedIn / members,
//   rounded to three places, 0 for a window with nobody in it.
// - A member's streaks run over the windows, oldest first, that the member was present for
//   (windows before they joined or after they left neither count nor break a streak). The
//   current streak counts back from the latest window; a window still open that the member has
//   not checked into yet does not break it (they may still check in).

export interface WindowFacts {
  id: number;
  opensAt: Date;
  closed: boolean;
  /** Member ids in the group when the window opened. */
  present: ReadonlySet<string>;
  /** Member ids who checked in. */
  marked: ReadonlySet<string>;
}

export interface WindowRate {
  members: number;
  checkedIn: number;
  rate: number;
}

export const rounded = (x: number) => Math.round(x * 1000) / 1000;

export function windowRate(w: Pick<WindowFacts, 'present' | 'marked'>): WindowRate {
  let late = 0;
  for (const m of w.marked) if (!w.present.has(m)) late++;
  return rateOf({ present: w.present.size, marked: w.marked.size, markedLate: late });
}

/** The same from counts: present at the opening, marks, and marks of members who joined later. */
export function rateOf(c: { present: number; marked: number; markedLate: number }): WindowRate {
  const members = c.present + c.markedLate;
  return { members, checkedIn: c.marked, rate: members ? rounded(c.marked / members) : 0 };
}

export interface MemberStreak {
  /** Windows the member was present for. */
  windows: number;
  checkedIn: number;
  rate: number;
  current: number;
  best: number;
}

/** A member's figures over windows in any order (sorted here by opening). */
export function memberStreak(windows: readonly WindowFacts[], memberId: string): MemberStreak {
  const mine = windows.filter((w) => w.present.has(memberId) || w.marked.has(memberId)).sort((a, b) => a.opensAt.getTime() - b.opensAt.getTime() || a.id - b.id);
  let best = 0;
  let run = 0;
  let checkedIn = 0;
  for (const w of mine) {
    if (w.marked.has(memberId)) {
      checkedIn++;
      run++;
      best = Math.max(best, run);
    } else if (w.closed) {
      run = 0;
    }
  }
  // `run` is the streak ending at the latest window (an open unmarked window left it standing).
  return { windows: mine.length, checkedIn, rate: mine.length ? rounded(checkedIn / mine.length) : 0, current: run, best };
}

/** A group's rate over many windows: all check-ins over all member-windows. */
export function overallRate(rates: readonly WindowRate[]): WindowRate {
  const members = rates.reduce((n, r) => n + r.members, 0);
  const checkedIn = rates.reduce((n, r) => n + r.checkedIn, 0);
  return { members, checkedIn, rate: members ? rounded(checkedIn / members) : 0 };
}
