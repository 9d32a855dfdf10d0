// A row's `link:` becomes a tracked link when the row is sent (the dispatcher calls wrapLinks
// just before the connector): the ledger, the plan and the board keep the sheet's own URL, and
// only what reaches people carries `/l/<slug>` — per group, step and, for a row to one member,
// that member. A link posted alone (a `post` whose text is its `link:`) is wrapped in the text too.

import { isWebLink } from '../sop/links.ts';
import type { Db } from '../store/db.ts';
import type { LedgerContent } from '../store/schema.ts';
import { runLink, slugFor, trackedUrl } from './links.ts';

export interface WrapRow {
  runId: string;
  groupId: string;
  stepId: string;
  memberId: string;
  action: string;
  content: LedgerContent;
}

/** The URL of a row to track, if any. Pure. */
export function linkToTrack(row: Pick<WrapRow, 'action' | 'content'>): string | undefined {
  const c = row.content;
  if (c.link && isWebLink(c.link)) return c.link.trim();
  // A post of only a link: the planner made the link the text and left `link` out (content.ts).
  if (row.action === 'post' && isWebLink(c.text) && !/\s/.test(c.text.trim())) return c.text.trim();
  return undefined;
}

/** The content with `url` replaced by `tracked` wherever it appears. Pure. */
export function withTracked(content: LedgerContent, url: string, tracked: string): LedgerContent {
  const out: LedgerContent = { ...content, text: content.text.split(url).join(tracked) };
  if (content.link) out.link = tracked;
  return out;
}

/** The row's content as it is sent: its link tracked (a lookup or two, cached per process by the caller). */
export async function wrapLinks(db: Db, row: WrapRow, base: string, cache?: Map<string, string>): Promise<LedgerContent> {
  const url = linkToTrack(row);
  if (!url) return row.content;
  const key = `${row.runId}\n${row.groupId}\n${row.stepId}\n${row.memberId}\n${url}`;
  let slug = cache?.get(key);
  if (!slug) {
    const linkId = await runLink(db, row.runId, url);
    slug = await slugFor(db, linkId, { groupId: row.groupId, stepId: row.stepId, memberId: row.memberId });
    if (cache) {
      if (cache.size > 10_000) cache.clear();
      cache.set(key, slug);
    }
  }
  return withTracked(row.content, url, trackedUrl(base, slug));
}
