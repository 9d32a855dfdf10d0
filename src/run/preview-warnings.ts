// What a run preview warns about before anything starts: other runs and broadcasts landing in
// the same groups in the same hour (overlaps.ts decides), and groups whose leader is not a person
// in the team — their tasks would reach nobody.

import { sql } from 'kysely';
import type { GroupRow } from '../community/groups.ts';
import { strangers, teamPeople } from '../community/people.ts';
import type { Db } from '../store/db.ts';
import type { NewLedgerRow } from './ledger.ts';
import { findOverlaps, type OtherActions, type OverlapSummary } from './overlaps.ts';

export interface LeaderWarning {
  /** Groups whose leader is not a person in the team, with that name. */
  groups: { id: string; name: string; leader: string }[];
  /** This run's tasks for those leaders: they would reach nobody. */
  tasks: number;
}

export interface PreviewWarnings {
  overlaps: OverlapSummary;
  leadersNotInTeam: LeaderWarning;
}

const HOUR = 3_600_000;

/** A run's sheet title; a broadcast's text, shortened (its `kind` tells the console to say "broadcast"). */
function titleOf(kind: string, sheetTitle: string | null, text: string | null, id: string): string {
  if (kind !== 'broadcast') return sheetTitle ?? id;
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
}

/** Actions of running or paused runs in these groups between two instants, per run, group and instant. */
async function otherActions(db: Db, groupIds: readonly string[], from: Date, to: Date): Promise<OtherActions[]> {
  if (!groupIds.length) return [];
  const r = await sql<{ run_id: string; kind: string; sheet_title: string | null; broadcast_text: string | null; group_id: string; due_at: Date | string; n: number | string }>`
    SELECT l.run_id, r.kind, sv.title AS sheet_title, r.broadcast_text, l.group_id, l.due_at, count(*) AS n
    FROM ledger l
    JOIN runs r ON r.id = l.run_id
    LEFT JOIN sheet_versions sv ON sv.sheet_id = r.sheet_id AND sv.version = r.sheet_version
    WHERE r.state IN ('running', 'paused') AND l.group_id = ANY(${[...groupIds]}::text[])
      AND l.occurrence > 0 AND l.state NOT IN ('cancelled', 'skipped', 'failed')
      AND l.due_at >= ${from.toISOString()} AND l.due_at < ${to.toISOString()}
    GROUP BY l.run_id, r.kind, sv.title, r.broadcast_text, l.group_id, l.due_at`.execute(db);
  return r.rows.map((x) => ({
    runId: x.run_id,
    title: titleOf(x.kind, x.sheet_title, x.broadcast_text, x.run_id),
    kind: x.kind,
    groupId: x.group_id,
    dueMs: new Date(x.due_at).getTime(),
    n: Number(x.n),
  }));
}

export async function previewWarnings(db: Db, groups: readonly GroupRow[], rows: readonly NewLedgerRow[], zone: string): Promise<PreviewWarnings> {
  const dues = rows.map((r) => r.dueAt.getTime());
  const info = new Map(groups.map((g) => [g.id, { name: g.name, zone: g.timezone ?? zone }]));
  let overlaps: OverlapSummary = { total: 0, runs: [], items: [] };
  if (dues.length) {
    // A day either side covers any hour boundary in any zone.
    const from = new Date(Math.min(...dues) - 24 * HOUR);
    const to = new Date(Math.max(...dues) + 24 * HOUR);
    const others = await otherActions(db, groups.map((g) => g.id), from, to);
    overlaps = findOverlaps(rows.map((r) => ({ groupId: r.groupId, dueMs: r.dueAt.getTime() })), others, info);
  }
  const unknown = strangers(groups.map((g) => g.leader), await teamPeople(db));
  const lost = groups.filter((g) => g.leader && unknown.has(g.leader));
  return {
    overlaps,
    leadersNotInTeam: {
      groups: lost.map((g) => ({ id: g.id, name: g.name, leader: g.leader! })),
      tasks: rows.filter((r) => r.mode === 'human' && r.assignee !== null && unknown.has(r.assignee)).length,
    },
  };
}
