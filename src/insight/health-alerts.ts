// The dying alert (docs/insight.md#group-health): from the periodic sweep (serve.ts and the worker
// call healthSweep beside the run and growth sweeps), every active group is judged on the board
// and its status recorded in group_health. A group whose status turns `dying` (from another status,
// or first recorded so) gets one notification to the operators and one to its leader: the reasons
// and what to do. Nothing more until it has left `dying` and turns again.
// At most once per HEALTH_EVERY_MS across processes: the turn is claimed by a conditional upsert
// of workspace_settings (key `health_sweep`), so two workers never judge the groups twice.

import { selectGroups } from '../community/groups.ts';
import { type Msg, msg, type Text } from '../i18n/index.ts';
import { noticeColumns } from '../run/notices.ts';
import { type Db, sql } from '../store/db.ts';
import { type HealthRow, healthBoard } from './health-board.ts';
import { adviceText, type HealthReason, reasonText } from './rules/health.ts';

export const HEALTH_EVERY_MS = 15 * 60_000;
const CLAIM_KEY = 'health_sweep';
/** The reasons a notification lists, worst first (a dying group rarely has more). */
const REASONS_AT_MOST = 4;

export interface HealthSweepResult {
  judged: number;
  turnedDying: number;
  notified: number;
}

/** The notification's words: the group, its score, each reason with what to do. */
export function dyingText(row: Pick<HealthRow, 'name' | 'score' | 'reasons'>): Msg {
  const order = { dying: 0, watch: 1, info: 2 } as const;
  const items = [...row.reasons]
    .sort((a, b) => order[a.severity] - order[b.severity])
    .slice(0, REASONS_AT_MOST)
    .map((r: HealthReason): Text => msg('health.notice.reason', { reason: reasonText(r), advice: adviceText(r.code) }));
  // A list of texts as one: each joined to the rest by a line break, rendered in the reader's language.
  const list = items.reduceRight<Text | undefined>((rest, item) => (rest === undefined ? item : msg('health.notice.lines', { first: item, rest })), undefined);
  return msg('health.notice.dying', { group: row.name, score: row.score, reasons: list ?? msg('health.notice.lowScore') });
}

async function claimTurn(db: Db, now: Date, everyMs: number): Promise<boolean> {
  const r = await sql`
    INSERT INTO workspace_settings (key, value, updated_by, updated_at) VALUES (${CLAIM_KEY}, '{}', 'health', ${now.toISOString()}::timestamptz)
    ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at
    WHERE workspace_settings.updated_at <= ${new Date(now.getTime() - everyMs).toISOString()}::timestamptz
    RETURNING key`.execute(db);
  return r.rows.length > 0;
}

export async function healthSweep(db: Db, opts: { now?: Date; everyMs?: number } = {}): Promise<HealthSweepResult> {
  const now = opts.now ?? new Date();
  if (!(await claimTurn(db, now, opts.everyMs ?? HEALTH_EVERY_MS))) return { judged: 0, turnedDying: 0, notified: 0 };
  const groups = await selectGroups(db, 'all');
  const rows = await healthBoard(
    db,
    groups.map((g) => g.id),
    now,
  );
  if (!rows.length) return { judged: 0, turnedDying: 0, notified: 0 };
  const leaders = new Map(groups.map((g) => [g.id, g.leader]));
  const values = rows.map((r) => ({ group_id: r.group, status: r.status, score: r.score, reasons: r.reasons }));
  return db.transaction().execute(async (trx) => {
    const turned = await sql<{ group_id: string }>`
      WITH v AS (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(values)}::jsonb) AS v(group_id text, status text, score int, reasons jsonb)),
      old AS (SELECT h.group_id, h.status FROM group_health h WHERE h.group_id IN (SELECT group_id FROM v) FOR UPDATE),
      up AS (
        INSERT INTO group_health (group_id, status, score, reasons, changed_at, checked_at)
        SELECT group_id, status, score, reasons, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz FROM v
        ON CONFLICT (group_id) DO UPDATE SET status = excluded.status, score = excluded.score, reasons = excluded.reasons,
          checked_at = excluded.checked_at,
          changed_at = CASE WHEN group_health.status = excluded.status THEN group_health.changed_at ELSE excluded.changed_at END)
      SELECT v.group_id FROM v LEFT JOIN old ON old.group_id = v.group_id
      WHERE v.status = 'dying' AND old.status IS DISTINCT FROM 'dying'`.execute(trx);
    const byId = new Map(rows.map((r) => [r.group, r]));
    const notes: { recipient: string; kind: string; message: string; text: string }[] = [];
    for (const { group_id } of turned.rows) {
      const row = byId.get(group_id) as HealthRow;
      const words = noticeColumns(dyingText(row));
      notes.push({ recipient: 'operators', kind: 'health', ...words });
      const leader = leaders.get(group_id);
      if (leader) notes.push({ recipient: leader, kind: 'health', ...words });
    }
    if (notes.length) await trx.insertInto('notifications').values(notes).execute();
    return { judged: rows.length, turnedDying: turned.rows.length, notified: notes.length };
  });
}
