// A sheet's `do: digest` step (docs/insight.md, "The weekly digest"): when its row is claimed, the
// digest of the week just ended is written into the row — so the post is the figures at send time,
// and the ledger keeps exactly what went out. With `review: leader` the row becomes the group
// leader's task instead: the digest text to look over and post. The dispatcher then sends the
// row like every post (pacing, the ledger's history, never twice); where the connector uploads
// images, the card goes with it (`digestCard`). The worker is handed these by the process that
// starts it (serve.ts, the `chorus worker` command): runs and the dispatcher never import Insight.

import { toGroup } from '../community/groups.ts';
import { translate } from '../i18n/index.ts';
import { assigneeFor } from '../run/assign.ts';
import { type LedgerRow, moveRows } from '../run/ledger.ts';
import { declaredCapabilities } from '../run/triggers.ts';
import type { Db } from '../store/db.ts';
import { type Digest, weeklyDigest } from './digest.ts';
import { renderDigestCard } from './digest-card.ts';
import { rollupZone } from './rollups.ts';
import { lastCompleteWeek, weekRange } from './rules/digest.ts';

/** The digest a row is of: its own week once written, else the week just ended. */
async function digestOfRow(db: Db, row: Pick<LedgerRow, 'groupId' | 'content'>, now: Date): Promise<Digest> {
  const zone = rollupZone();
  const range = (row.content.week ? weekRange(row.content.week, zone) : undefined) ?? lastCompleteWeek(now, zone);
  const d = await weeklyDigest(db, row.groupId, range, zone);
  if (!d) throw new Error(`group ${row.groupId} is gone`);
  return d;
}

/** Writes a claimed digest row; returns it to send, or undefined when it became the leader's task (`review: leader`, or a channel that cannot post). */
export async function writeDigestRow(db: Db, row: LedgerRow, actor: string, now: Date = new Date()): Promise<LedgerRow | undefined> {
  const d = await digestOfRow(db, row, now);
  const content = { ...row.content, text: d.text, week: d.week };
  const raw = await db.selectFrom('groups').selectAll().where('id', '=', row.groupId).executeTakeFirstOrThrow();
  // `review: leader`, or a channel whose bot cannot post (manual): the leader posts it.
  if (row.content.review === 'leader' || (await declaredCapabilities(db, raw.channel_id)).post === 'none') {
    const instruction = translate(d.language, 'digest.review.instruction', { group: d.name, week: d.week });
    await moveRows(db, [row.id], {
      from: ['due'],
      to: 'assigned',
      actor,
      note: `the weekly digest of ${d.week}, for the leader to look over and post`,
      set: { mode: 'human', executor: 'leader', assignee: assigneeFor('leader', toGroup(raw)), claimed_by: null, content: { ...content, instruction } },
    });
    return undefined;
  }
  await db.updateTable('ledger').set({ content: JSON.stringify(content) }).where('id', '=', row.id).execute();
  return { ...row, content };
}

/** The card of a written digest row, as PNG bytes. */
export async function digestCard(db: Db, row: Pick<LedgerRow, 'groupId' | 'content'>, now: Date = new Date()): Promise<Uint8Array> {
  return renderDigestCard(await digestOfRow(db, row, now));
}

/** What a worker is given to send digests. */
export const digestWorkerHooks = { write: (db: Db, row: LedgerRow, actor: string) => writeDigestRow(db, row, actor), card: (db: Db, row: LedgerRow) => digestCard(db, row) };
