// A member's personal survey link: `/s/<token>`, the token signed with the workspace key
// (src/store/link-keys.ts) and naming the ledger occurrence and the member it is for. The form
// behind it needs no sign-in; the signature is what makes the answers that member's.

import { signToken, verifyToken } from '../store/link-keys.ts';

export interface SurveyRef {
  runId: string;
  groupId: string;
  stepId: string;
  occurrence: number;
  memberId: string;
}

/** The path of a member's survey form (prefix it with the public address). */
export function surveyPath(key: Buffer, ref: SurveyRef): string {
  return `/s/${signToken(key, { k: 's', r: ref.runId, g: ref.groupId, st: ref.stepId, o: ref.occurrence, m: ref.memberId })}`;
}

/** The survey a token is for, or undefined when it is not one Chorus signed. */
export function readSurveyToken(key: Buffer, token: string): SurveyRef | undefined {
  const p = verifyToken(key, token);
  if (p?.k !== 's') return undefined;
  const { r, g, st, o, m } = p;
  if (typeof r !== 'string' || typeof g !== 'string' || typeof st !== 'string' || typeof o !== 'number' || typeof m !== 'string') return undefined;
  return { runId: r, groupId: g, stepId: st, occurrence: o, memberId: m };
}
