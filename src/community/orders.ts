// Orders, from a CSV file (`chorus orders import`) or the signed webhook, stored by the shop's
// order id. Idempotent: a re-import or a redelivery updates the row (amount, product, time,
// currency) and counts as `updated`; only an order new to Chorus records the `order` member event
// (recordMemberEvent — or, for a large file, its batch twin below: it moves members.orders, and
// the standing rules read it — one order makes a customer, two a repeat customer). Two deliveries racing for the same new order: the insert's
// ON CONFLICT lets exactly one of them record the event.
//
// Like the member import, all or nothing: any problem in any row (or an unknown member) and
// nothing is written. An identity by phone or e-mail that no member holds creates the member.

import { type Db, sql } from '../store/db.ts';
import { moveStanding, recordMemberEvent } from './events.ts';
import type { OrderImportRow, RowProblem } from './imports/people-csv.ts';
import { resolvePeople } from './imports/resolve.ts';
import { byRow, inBatches, newMemberId } from './member-import.ts';

export interface OrdersOutcome {
  imported: number;
  updated: number;
  errors: RowProblem[];
  /** The new orders' ids (the webhook answers with whether its order was new). */
  newOrders: string[];
}

export async function importOrders(
  db: Db,
  read: { rows: OrderImportRow[]; problems: RowProblem[] },
  source: 'csv' | 'webhook',
  /** Runs in the import's transaction once everything is written (the audit entry). */
  inTransaction?: (trx: Db, outcome: OrdersOutcome) => Promise<void>,
): Promise<OrdersOutcome> {
  const resolution = await resolvePeople(db, read.rows, newMemberId);
  const errors = [...read.problems, ...resolution.problems].sort(byRow);
  if (errors.length) return { imported: 0, updated: 0, errors, newOrders: [] };
  const orders = read.rows.map((r) => ({
    id: r.order,
    member_id: resolution.targets.get(r.row)?.memberId ?? '',
    amount: r.amount,
    currency: r.currency ?? null,
    product: r.product ?? null,
    at: r.at.toISOString(),
    raw: r.raw,
  }));
  return db.transaction().execute(async (trx) => {
    await inBatches(resolution.created, (json) =>
      sql`INSERT INTO members (id, name, phone, email)
          SELECT v.id, v.name, v.phone, v.email FROM jsonb_to_recordset(${json}::jsonb) AS v(id text, name text, phone text, email text)`.execute(trx),
    );
    const fresh = new Set<string>();
    await inBatches(orders, async (json) => {
      const r = await sql<{ id: string }>`
        INSERT INTO orders (id, member_id, amount, currency, product, at, source, raw)
        SELECT v.id, v.member_id, v.amount, v.currency, v.product, v.at, ${source}, v.raw
        FROM jsonb_to_recordset(${json}::jsonb) AS v(id text, member_id text, amount numeric, currency text, product text, at timestamptz, raw jsonb)
        ON CONFLICT (id) DO NOTHING
        RETURNING id`.execute(trx);
      for (const row of r.rows) fresh.add(row.id);
    });
    const again = orders.filter((o) => !fresh.has(o.id));
    await inBatches(again, (json) =>
      sql`UPDATE orders o SET amount = v.amount, currency = coalesce(v.currency, o.currency), product = coalesce(v.product, o.product),
            at = v.at, raw = v.raw, updated_at = now()
          FROM jsonb_to_recordset(${json}::jsonb) AS v(id text, amount numeric, currency text, product text, at timestamptz, raw jsonb)
          WHERE o.id = v.id`.execute(trx),
    );
    // A member planned for an order Chorus already had (its phone is new, but the order keeps the
    // member it was first recorded for; or a concurrent delivery stored the order first) is not
    // kept: nobody would point at it.
    const planned = resolution.created.map((m) => m.id);
    for (let i = 0; i < planned.length; i += 1000) {
      const part = planned.slice(i, i + 1000);
      await trx
        .deleteFrom('members')
        .where('id', 'in', part)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('orders').select('orders.id').whereRef('orders.member_id', '=', 'members.id'))))
        .execute();
    }
    const events = orders.filter((o) => fresh.has(o.id)).map((o) => ({ member_id: o.member_id, at: o.at, detail: { order: o.id, amount: o.amount, ...(o.product ? { product: o.product } : {}) } }));
    if (events.length <= ONE_BY_ONE) {
      for (const e of events) await recordMemberEvent(trx, { memberId: e.member_id, kind: 'order', at: new Date(e.at), detail: e.detail });
    } else {
      await recordOrderEvents(trx, events);
    }
    const outcome = { imported: fresh.size, updated: again.length, errors: [], newOrders: [...fresh] };
    await inTransaction?.(trx, outcome);
    return outcome;
  });
}

/**
 * Up to this many new orders record their events one by one through recordMemberEvent (the
 * webhook, a day's file); a larger file in batches (recordOrderEvents), since one event is two
 * statements and 100,000 of them took a quarter of an hour on PGlite.
 */
export const ONE_BY_ONE = 200;

/**
 * recordMemberEvent for many `order` events at once: the same rows in member_events and the same
 * counter moved (members.orders; an order is not an activity, so last_active_at and active_weeks
 * stay), then each buyer's standing once. Keep the two in step: a rule recordMemberEvent learns
 * for orders belongs here too.
 */
async function recordOrderEvents(db: Db, events: { member_id: string; at: string; detail: Record<string, unknown> }[]): Promise<void> {
  await inBatches(events, (json) =>
    sql`INSERT INTO member_events (member_id, kind, at, detail)
        SELECT v.member_id, 'order', v.at, v.detail FROM jsonb_to_recordset(${json}::jsonb) AS v(member_id text, at timestamptz, detail jsonb)`.execute(db),
  );
  const perMember = new Map<string, number>();
  for (const e of events) perMember.set(e.member_id, (perMember.get(e.member_id) ?? 0) + 1);
  await inBatches(
    [...perMember].map(([id, n]) => ({ id, n })),
    (json) => sql`UPDATE members m SET orders = m.orders + v.n FROM jsonb_to_recordset(${json}::jsonb) AS v(id text, n int) WHERE m.id = v.id`.execute(db),
  );
  // Then each buyer's stage, once, as of their latest order in the file (one order → customer, two → repeat).
  const latest = new Map<string, (typeof events)[number]>();
  for (const e of events) if (!latest.has(e.member_id) || (latest.get(e.member_id) as (typeof events)[number]).at < e.at) latest.set(e.member_id, e);
  for (const e of latest.values()) await moveStanding(db, { memberId: e.member_id, kind: 'order', at: new Date(e.at), detail: e.detail });
}

export interface OrderView {
  order: string;
  member: string;
  amount: string;
  currency: string | null;
  product: string | null;
  at: string;
  source: string;
}

/** A member's orders, newest first (the profile and the export read them). */
export async function ordersOf(db: Db, memberId: string): Promise<OrderView[]> {
  const rows = await db.selectFrom('orders').selectAll().where('member_id', '=', memberId).orderBy('at', 'desc').execute();
  return rows.map((r) => ({ order: r.id, member: r.member_id, amount: String(r.amount), currency: r.currency, product: r.product, at: new Date(r.at).toISOString(), source: r.source }));
}
