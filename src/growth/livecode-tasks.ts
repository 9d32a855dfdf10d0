// Live codes, what Chorus asks of the platform and of people: a link or QR for a group that has
// none (an `invite` ledger row the dispatcher sends, like any other), a task for staff to create a
// group when every group is full, a renewal of a WeChat QR before it expires (the bot asks for a new
// one where it can, else its owner gets a task a day before), and the operators' alerts. Every
// action is a ledger row of one operation per live code (a `people` run titled "Live code: …"), so
// nothing is asked twice and pacing applies.

import { sql } from 'kysely';
import { msg, translate } from '../i18n/index.ts';
import { assigneeFor } from '../run/assign.ts';
import { languageOfText } from '../run/member-blank.ts';
import { insertLedger, type NewLedgerRow } from '../run/ledger.ts';
import { noticeColumns } from '../run/notices.ts';
import { OPEN_STATES } from '../run/states.ts';
import { declaredCapabilities } from '../run/triggers.ts';
import type { Db } from '../store/db.ts';
import { platformCreation } from './livecode-create.ts';
import { attrsOf, newGroupText, type SlotRow, slots } from './livecode-slots.ts';
import { isPendingCreation, linkUsable, mayAskForLink, renewalDue } from './livecode-rules.ts';

const runIdOf = (livecodeId: string) => `${livecodeId}_ops`;

const UNDER_WAY = new Set<string>([...OPEN_STATES, 'sending', 'awaiting_confirmation', 'unconfirmed']);

/** Queues rows on the live code's operation (made, or made running again, here). */
async function queue(db: Db, livecodeId: string, rows: NewLedgerRow[]): Promise<void> {
  if (!rows.length) return;
  const lc = await db.selectFrom('livecodes').select(['name', 'created_by']).where('id', '=', livecodeId).executeTakeFirstOrThrow();
  const runId = runIdOf(livecodeId);
  await db
    .insertInto('runs')
    .values({ id: runId, kind: 'people', selector: '', state: 'running', broadcast_text: translate(languageOfText(lc.name), 'livecode.run.title', { livecode: lc.name }), created_by: lc.created_by })
    .onConflict((oc) => oc.column('id').doUpdateSet({ state: 'running' }))
    .execute();
  const placed = await db.selectFrom('run_groups').select('group_id').where('run_id', '=', runId).execute();
  const have = new Set(placed.map((p) => p.group_id));
  const fresh = [...new Set(rows.map((r) => r.groupId))].filter((g) => !have.has(g));
  if (fresh.length) await db.insertInto('run_groups').values(fresh.map((g, i) => ({ run_id: runId, group_id: g, position: placed.length + i + 1 }))).execute();
  // Each ask is a new occurrence of its step in that group.
  const last = await db
    .selectFrom('ledger')
    .select(['group_id', 'step_id', (eb) => eb.fn.max('occurrence').as('n')])
    .where('run_id', '=', runId)
    .groupBy(['group_id', 'step_id'])
    .execute();
  const next = new Map(last.map((l) => [`${l.group_id}/${l.step_id}`, Number(l.n)]));
  await insertLedger(
    db,
    runId,
    rows.map((r) => ({ ...r, occurrence: (next.get(`${r.groupId}/${r.stepId}`) ?? 0) + 1 })),
  );
}

async function alert(db: Db, text: ReturnType<typeof msg>): Promise<void> {
  await db.insertInto('notifications').values({ recipient: 'operators', kind: 'channel', ...noticeColumns(text) }).execute();
}

/**
 * For each group of the live code with no link or QR that can be served: an `invite` row for the
 * bot where the connector can make one, else the operators are told (at most every 10 minutes).
 * Returns how many rows were queued.
 */
export async function askForLinks(db: Db, livecodeId: string, now = new Date(), only?: string): Promise<number> {
  const rows: NewLedgerRow[] = [];
  const asked: number[] = [];
  const lc = await db.selectFrom('livecodes').select('name').where('id', '=', livecodeId).executeTakeFirstOrThrow();
  for (const s of await slots(db, livecodeId)) {
    if (only && s.group_id !== only) continue;
    if (linkUsable(s.invite_link, s.invite_expires_at ? new Date(s.invite_expires_at) : null, now) || !mayAskForLink(s.link_asked_at, now)) continue;
    asked.push(s.slot);
    const caps = await declaredCapabilities(db, s.channel_id);
    if (s.channel_status === 'active' && caps.create_invite_link !== 'none') {
      rows.push(inviteRow(s, now));
    } else {
      await alert(db, msg('livecode.notice.noLink', { livecode: lc.name, group: s.name }));
    }
  }
  if (asked.length) await db.updateTable('livecode_groups').set({ link_asked_at: now }).where('id', 'in', asked).execute();
  await queue(db, livecodeId, rows);
  return rows.length;
}

/**
 * A group Chorus knew was seen again: the bot's standing there changed (Telegram: the bot, added
 * as a plain member, was made an admin), or this process heard from it for the first time. Live
 * codes holding it without a link ask for one now rather than after the 10-minute pause, unless
 * an ask for it is still under way. Returns how many rows were queued.
 */
export async function askAgainFor(db: Db, groupId: string, now = new Date()): Promise<number> {
  const r = await sql<{ livecode_id: string; slot: number }>`
    SELECT s.livecode_id, s.id AS slot FROM livecode_groups s
    JOIN livecodes l ON l.id = s.livecode_id JOIN groups g ON g.id = s.group_id
    WHERE s.group_id = ${groupId} AND l.state = 'active' AND g.status = 'active' AND s.link_asked_at IS NOT NULL
      AND (g.invite_link IS NULL OR g.invite_expires_at <= ${now.toISOString()}::timestamptz + interval '1 minute')
      AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.run_id = l.id || '_ops' AND x.group_id = s.group_id
        AND x.step_id = 'livecode-link' AND x.state = ANY(${[...UNDER_WAY]}::text[]))`.execute(db);
  let queued = 0;
  for (const row of r.rows) {
    await db.updateTable('livecode_groups').set({ link_asked_at: null }).where('id', '=', Number(row.slot)).execute();
    queued += await askForLinks(db, row.livecode_id, now, groupId);
  }
  return queued;
}

function inviteRow(s: SlotRow, now: Date): NewLedgerRow {
  return {
    groupId: s.group_id,
    stepId: 'livecode-link',
    occurrence: 1,
    action: 'invite',
    mode: 'bot',
    executor: 'bot',
    assignee: null,
    senderAccount: s.channel_id,
    dueAt: now,
    windowMinutes: 60,
    // The name is the label admins see on a Telegram link.
    content: { text: 'Chorus live code' },
  };
}

/**
 * Every group is full. Without --auto-create the operators are told; with it, the next group is
 * made where the platform can (livecode-create.ts: a WeCom join way that creates groups, Wechaty's
 * Room.create) — a bot row of the live code's operation, adopted when the group appears
 * (livecode-adopt.ts) —, else a `create_group` task goes to the last group's owner (its leader):
 * "create the next group and add the bot" (the group is adopted when it appears). Once per
 * filling: nothing new while that task or creation is under way, or made and not adopted yet.
 */
export async function onAllFull(db: Db, livecodeId: string, now = new Date()): Promise<boolean> {
  const lc = await db.selectFrom('livecodes').select(['name', 'auto_create', 'full_ledger_id', 'full_at']).where('id', '=', livecodeId).executeTakeFirstOrThrow();
  let previous: { state: string; mode: string; action: string } | undefined;
  if (lc.full_at) {
    if (!lc.full_ledger_id) return false;
    previous = await db.selectFrom('ledger').select(['state', 'mode', 'action']).where('id', '=', lc.full_ledger_id).executeTakeFirst();
    // Under way (a bot's row being sent, or one a person must check: never made twice), or made by
    // the platform and not adopted yet (WeCom creates the group when someone scans).
    if (previous && (UNDER_WAY.has(previous.state) || isPendingCreation(previous))) return false;
  }
  // Claim the filling: only one scan raises it.
  const claimed = await db
    .updateTable('livecodes')
    .set({ full_at: now })
    .where('id', '=', livecodeId)
    .where((eb) => (lc.full_at ? eb('full_at', '=', lc.full_at) : eb('full_at', 'is', null)))
    .returning('id')
    .executeTakeFirst();
  if (!claimed) return false;
  const all = lc.auto_create ? await slots(db, livecodeId) : [];
  const last = all[all.length - 1];
  // A platform creation that failed is not tried again for the same filling: a person does it.
  const creation = last && !(previous?.mode === 'bot' && previous.state === 'failed') ? await platformCreation(db, { id: livecodeId, name: lc.name }, all, now) : undefined;
  const row = creation && 'row' in creation ? creation.row : undefined;
  await alert(
    db,
    !lc.auto_create ? msg('livecode.notice.full', { livecode: lc.name }) : row ? msg('livecode.notice.fullCreating', { livecode: lc.name }) : msg('livecode.notice.fullTask', { livecode: lc.name }),
  );
  if (creation && 'why' in creation) await alert(db, creation.why);
  if (!lc.auto_create || !last) return true;
  await queue(db, livecodeId, [
    row ?? {
      groupId: last.group_id,
      stepId: 'livecode-new-group',
      occurrence: 1,
      action: 'create_group',
      mode: 'human',
      executor: 'owner',
      assignee: assigneeFor('owner', { leader: last.leader, attrs: attrsOf(last.attrs) }),
      senderAccount: null,
      dueAt: now,
      windowMinutes: 24 * 60,
      content: { text: newGroupText(lc.name, last.name), name: `${last.name} +1` },
    },
  ]);
  const made = await db
    .selectFrom('ledger')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('run_id', '=', runIdOf(livecodeId))
    .where('step_id', '=', 'livecode-new-group')
    .executeTakeFirst();
  await db.updateTable('livecodes').set({ full_ledger_id: made?.id ? Number(made.id) : null }).where('id', '=', livecodeId).execute();
  return true;
}

/** A group was added or seats came free: the next filling raises its alert again. */
export async function clearFull(db: Db, livecodeId: string): Promise<void> {
  await db.updateTable('livecodes').set({ full_at: null, full_ledger_id: null }).where('id', '=', livecodeId).execute();
}

/**
 * The sweep's part: QR codes of active live codes that expire within a day. Where the connector
 * can make a new one (Wechaty's room.qrCode()), an `invite` row renews it; elsewhere the group's
 * owner gets a task to renew it by hand, once per expiry.
 */
export async function renewExpiringQrs(db: Db, now = new Date()): Promise<{ renewed: number; tasks: number }> {
  const due = await sql<{ livecode_id: string }>`
    SELECT DISTINCT s.livecode_id FROM livecode_groups s JOIN livecodes l ON l.id = s.livecode_id JOIN groups g ON g.id = s.group_id
    WHERE l.state = 'active' AND g.status = 'active' AND g.invite_expires_at IS NOT NULL
      AND g.invite_expires_at <= ${new Date(now.getTime() + 86_400_000).toISOString()}`.execute(db);
  let renewed = 0;
  let tasks = 0;
  for (const { livecode_id } of due.rows) {
    const rows: NewLedgerRow[] = [];
    const asked: number[] = [];
    const reminded: { slot: number; for: Date }[] = [];
    for (const s of await slots(db, livecode_id)) {
      const expires = s.invite_expires_at ? new Date(s.invite_expires_at) : null;
      if (!renewalDue(expires, now) || !expires) continue;
      const caps = await declaredCapabilities(db, s.channel_id);
      if (s.channel_status === 'active' && caps.create_invite_link !== 'none') {
        if (!mayAskForLink(s.link_asked_at, now)) continue;
        rows.push(inviteRow(s, now));
        asked.push(s.slot);
        renewed++;
      } else if (!s.expiry_task_for || s.expiry_task_for.getTime() !== expires.getTime()) {
        rows.push({
          groupId: s.group_id,
          stepId: 'livecode-renew-qr',
          occurrence: 1,
          action: 'task',
          mode: 'human',
          executor: 'owner',
          assignee: assigneeFor('owner', { leader: s.leader, attrs: attrsOf(s.attrs) }),
          senderAccount: null,
          dueAt: now,
          windowMinutes: Math.max(60, Math.floor((expires.getTime() - now.getTime()) / 60_000)),
          content: { text: translate(languageOfText(s.name), 'livecode.task.renewQr', { group: s.name, at: `${expires.toISOString().slice(0, 16).replace('T', ' ')} UTC` }) },
        });
        reminded.push({ slot: s.slot, for: expires });
        tasks++;
      }
    }
    if (asked.length) await db.updateTable('livecode_groups').set({ link_asked_at: now }).where('id', 'in', asked).execute();
    for (const r of reminded) await db.updateTable('livecode_groups').set({ expiry_task_for: r.for }).where('id', '=', r.slot).execute();
    await queue(db, livecode_id, rows);
  }
  return { renewed, tasks };
}
