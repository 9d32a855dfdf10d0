// Shapes the check-in answers of the API for the console. Pure.

export interface CheckinFigures {
  members: number;
  checkedIn: number;
  rate: number;
}

export interface CheckinWindow extends CheckinFigures {
  id: number;
  run: string;
  step: string;
  occurrence: number;
  at: string;
  closesAt: string | null;
  closed: boolean;
}

export interface RunCheckins {
  checkins: (CheckinWindow & { group: string })[];
  groups: (CheckinFigures & { group: string; windows: number })[];
  overall: CheckinFigures;
}

/** 0.667 → "67%". */
export const percent = (rate: number) => `${Math.round(rate * 100)}%`;
