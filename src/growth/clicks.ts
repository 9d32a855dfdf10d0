// Clicks on tracked links, recorded off the redirect's path: the redirect hands each click to a
// small in-process buffer and answers at once; the buffer is written in batches (one multi-row
// INSERT every FLUSH_MS, or sooner when BATCH clicks wait) and on shutdown (the server's close
// hook). A click on a member's personal link is also the member event `click` (their timeline,
// counters and standing: the people rules make a tracked click `curious`). A batch that fails
// stays in the buffer and is tried again; only a crash of the process loses what it held
// (at most FLUSH_MS of clicks). Small, frequent batches: on PGlite the database runs on the
// server's own thread, and one short write every 50 ms holds redirects back less than a long one.

import { isbot } from 'isbot';
import { recordMemberEvent } from '../community/events.ts';
import { type Db, sql } from '../store/db.ts';
import type { LinkTarget } from './links.ts';

export interface Click {
  target: LinkTarget;
  slug: string;
  at: Date;
}

/** Whether a visitor is a person: bots, crawlers and link-preview fetchers (and no user agent at all) are not. Pure. */
export function isPerson(userAgent: string | undefined): boolean {
  const ua = userAgent?.trim();
  return Boolean(ua) && !isbot(ua);
}

export const FLUSH_MS = 50;
export const BATCH = 200;
/** Clicks held at most while the database is away; older ones are dropped with a log line. */
const MAX_HELD = 200_000;

export class ClickBuffer {
  private held: Click[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: (line: string) => void = () => {},
  ) {}

  add(click: Click): void {
    this.held.push(click);
    if (this.held.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything held; resolves when it is written (or failed, and kept for the next try). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (!this.held.length) return;
    const batch = this.held;
    this.held = [];
    this.flushing = writeClicks(this.db, batch)
      .catch((e: Error) => {
        this.log(`tracked-link clicks not written yet (${e.message}); trying again`);
        this.held = batch.concat(this.held).slice(-MAX_HELD);
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS * 10);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
    if (this.held.length >= BATCH) await this.flush();
  }

  /** On shutdown: everything held is written before the process ends. */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** One batch: the clicks in one INSERT, then the member events of personal links, in one transaction. */
export async function writeClicks(db: Db, clicks: readonly Click[]): Promise<void> {
  if (!clicks.length) return;
  const lines = clicks
    .map((c) => JSON.stringify({ l: c.target.linkId, s: c.slug, g: c.target.groupId, st: c.target.stepId, m: c.target.memberId, at: c.at.toISOString() }))
    .join('\n');
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO link_clicks (link_id, slug, group_id, step_id, member_id, at)
              SELECT j->>'l', j->>'s', j->>'g', j->>'st', j->>'m', (j->>'at')::timestamptz
                FROM unnest(string_to_array(${lines}, E'\n')) AS line, LATERAL (SELECT line::jsonb AS j) x`.execute(trx);
    const personal = clicks.filter((c) => c.target.memberId);
    if (!personal.length) return;
    // A member erased or merged away since the link was made has no timeline to add to.
    const ids = [...new Set(personal.map((c) => c.target.memberId))];
    const known = new Set((await trx.selectFrom('members').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    for (const c of personal) {
      if (!known.has(c.target.memberId)) continue;
      await recordMemberEvent(trx, {
        memberId: c.target.memberId,
        groupId: c.target.groupId || null,
        kind: 'click',
        at: c.at,
        detail: { link: c.target.linkId, ...(c.target.stepId ? { step: c.target.stepId } : {}) },
      });
    }
  });
}
