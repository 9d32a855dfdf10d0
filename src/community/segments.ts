// Saved segments: a name for a member selector. The selector is checked when saved; the count of
// members is the selector's answer now (a leader: among the members of their own groups).

import { type Msg, msg } from '../i18n/index.ts';
import { formatAudience, parseAudience } from '../sop/audience.ts';
import type { Db } from '../store/db.ts';
import { audienceQuery } from './audience.ts';

const NAME = /^[^\s+,:!]{1,64}$/u;

export class SegmentError extends Error {
  readonly text: Msg;
  readonly code: 'bad_name' | 'not_found';
  constructor(code: SegmentError['code'], text: Msg) {
    super(text.key);
    this.name = 'SegmentError';
    this.code = code;
    this.text = text;
  }
}

export interface SegmentView {
  name: string;
  selector: string;
  members: number;
  createdBy: string | null;
  createdAt: string;
}

export function segmentNameProblem(name: string): Msg | undefined {
  return NAME.test(name) ? undefined : msg('segments.badName', { name });
}

/** Saves (or replaces) a segment; the selector is stored in its canonical form. AudienceError on a bad one. Call inside a transaction. */
export async function saveSegment(db: Db, name: string, selector: string, actor: string | undefined): Promise<string> {
  const problem = segmentNameProblem(name);
  if (problem) throw new SegmentError('bad_name', problem);
  const canonical = formatAudience(parseAudience(selector));
  await db
    .insertInto('segments')
    .values({ name, selector: canonical, created_by: actor ?? null })
    .onConflict((oc) => oc.column('name').doUpdateSet({ selector: canonical, updated_at: new Date() }))
    .execute();
  // The segments it uses must exist and not lead back to it (the caller's transaction undoes the save).
  await audienceQuery(db, canonical, { now: new Date() });
  return canonical;
}

export async function deleteSegment(db: Db, name: string): Promise<void> {
  const r = await db.deleteFrom('segments').where('name', '=', name).executeTakeFirst();
  if (!Number(r.numDeletedRows)) throw new SegmentError('not_found', msg('segments.notFound', { name }));
}

export async function listSegments(db: Db, opts: { visibleGroups?: readonly string[]; now: Date }): Promise<SegmentView[]> {
  const rows = await db.selectFrom('segments').selectAll().orderBy('name').execute();
  const out: SegmentView[] = [];
  for (const r of rows) {
    const q = await audienceQuery(db, r.selector, { visibleGroups: opts.visibleGroups, now: opts.now });
    const n = await db.selectFrom(q.as('picked')).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    out.push({ name: r.name, selector: r.selector, members: Number(n.n), createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString() });
  }
  return out;
}
