// The dispatcher: the one outbound path. Ledger claim → pacing → connector → ledger record.
//
// At most once: a row is moved to `sending` (and its pacing slot taken) in one committed
// transaction *before* the platform is called, and moved on after it answers. If the process dies
// in between, the row stays `sending`; when another worker sees that its worker stopped beating,
// the row becomes `unconfirmed` and is never sent again automatically. Rows that were only claimed
// (`due`) go back to `planned`: they were never sent. Nothing planned is lost.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { ChannelError, type Connector, type OutboundAction, type PerformResult } from '../channels/port.ts';
import { openCheckin } from '../community/checkins.ts';
import { applyGroupEffect, asPersonal, groupEffectOf } from '../community/group-effects.ts';
import { ChannelUnusable, type ConnectorCache, markChannelStatus } from '../channels/registry.ts';
import { msg } from '../i18n/index.ts';
import { publicBase } from '../config.ts';
import { assigneeFor, isMessage } from '../run/assign.ts';
import { type SettleOptions, settleClaimed } from '../run/expand.ts';
import { noticeColumns } from '../run/notices.ts';
import { claimDue, getLedgerRows, type LedgerRow, moveRows, nextDueAt, type RawLedger, sessionChannelsElsewhere, toLedgerRow } from '../run/ledger.ts';
import type { Db } from '../store/db.ts';
import { wrapLinks } from '../growth/wrap.ts';
import { NotSendable, performMove, performRevoke, toOutbound } from './outbound.ts';
import { type PacingPolicy, type PacingState, pickNext, recordRetryAfter, recordSend } from './pacing.ts';
import { policyFor, withPacingLock } from './policies.ts';
import type { Queue } from './queue.ts';
import { scheduleWakeUps, startTimers } from './timers.ts';

export interface WorkerOptions {
  db: Db;
  connectors: ConnectorCache;
  id?: string;
  /** Most rows a worker holds claimed at once. */
  batch?: number;
  /** Longest sleep between looks at the ledger (new runs from other processes). */
  pollMs?: number;
  heartbeatMs?: number;
  /** A worker silent this long is considered dead and its rows are recovered. */
  staleAfterMs?: number;
  retry?: { maxAttempts: number; baseMs: number; maxMs: number };
  rand?: () => number;
  log?: (line: string) => void;
  /** Extra periodic work (sweeps of tasks, confirmations), run every `sweepMs`. */
  sweep?: () => Promise<void>;
  sweepMs?: number;
  /**
   * The receiver-lease holder of this process (serve's receivers): Wechaty rows are claimed only
   * for the channels whose lease it holds, so one WeChat login sends and receives. A standalone
   * worker has none and leaves Wechaty rows to the servers.
   */
  sessionHolder?: string;
  /**
   * pg-boss: durable wake-ups at due instants and retry times, from any process, and the sweep on
   * one worker at a time. Without it the worker polls and sweeps on its own timer.
   */
  queue?: Queue;
  /** Where personal survey links point (default CHORUS_PUBLIC_URL, src/config.ts). */
  publicBase?: string;
  /** A closing lead group's regroup link (a campaign's regroup group); none by default (src/run/lifecycle.ts). */
  regroupLink?: SettleOptions['regroupLink'];
  /** The weekly digest: its text when claimed, its card (PNG) when sent where the connector uploads images (src/insight/digest-post.ts). */
  digest?: { write: NonNullable<SettleOptions['digest']>; card: (db: Db, row: LedgerRow) => Promise<Uint8Array> };
}

const DEFAULT_RETRY = { maxAttempts: 5, baseMs: 2_000, maxMs: 5 * 60_000 };
/** How long a stop waits for sends the platform has not answered yet (a stop must end within 10 s). */
const STOP_WAIT_MS = 6_000;
/** How often the worker looks up which Wechaty logins other processes hold (a lease lasts 30 s). */
const SESSIONS_EVERY_MS = 5_000;
/** Platform calls one account may have waiting for an answer at once. */
const MAX_IN_FLIGHT = 8;

interface AccountQueue {
  rows: LedgerRow[];
  running: boolean;
  policy?: { policy: PacingPolicy; loadedAt: number };
}

export class Worker {
  readonly id: string;
  private readonly db: Db;
  private readonly opts: Required<Omit<WorkerOptions, 'id' | 'sweep' | 'log' | 'queue' | 'sessionHolder' | 'publicBase' | 'regroupLink' | 'digest'>> &
    Pick<WorkerOptions, 'sweep' | 'log' | 'queue' | 'sessionHolder' | 'regroupLink' | 'digest'> & { publicBase: string };
  private readonly queues = new Map<string, AccountQueue>();
  /** Tracked-link slugs already made, by run, group, step, member and URL. */
  private readonly trackedSlugs = new Map<string, string>();
  private readonly chats = new Map<string, string>();
  private stopped = true;
  private wakeUp?: () => void;
  private loopDone?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private inFlight = new Set<Promise<void>>();
  /** Set when a claim failed: the database may have claimed rows whose answer was lost. */
  private claimLost = false;
  /** While stopping: when to give up recording an outcome and leave the row to recovery. */
  private stopDeadline = Number.POSITIVE_INFINITY;
  /** Wechaty channels whose login another process holds: their rows are left to it (see sessionHolder). */
  private elsewhere: string[] = [];

  constructor(opts: WorkerOptions) {
    this.id = opts.id ?? `w_${hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
    this.db = opts.db;
    this.opts = {
      db: opts.db,
      connectors: opts.connectors,
      batch: opts.batch ?? 500,
      pollMs: opts.pollMs ?? 500,
      heartbeatMs: opts.heartbeatMs ?? 1_000,
      staleAfterMs: opts.staleAfterMs ?? 10_000,
      retry: opts.retry ?? DEFAULT_RETRY,
      rand: opts.rand ?? Math.random,
      sweepMs: opts.sweepMs ?? 15_000,
      sweep: opts.sweep,
      log: opts.log,
      queue: opts.queue,
      sessionHolder: opts.sessionHolder,
      publicBase: opts.publicBase ?? publicBase(),
      regroupLink: opts.regroupLink,
      digest: opts.digest,
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.beat();
    await this.refreshSessions();
    await this.recover();
    this.timers.push(setInterval(() => void this.refreshSessions().catch((e) => this.log(`looking up session channels failed: ${(e as Error).message}`)), SESSIONS_EVERY_MS));
    this.timers.push(setInterval(() => void this.beat().catch((e) => this.log(`heartbeat failed: ${(e as Error).message}`)), this.opts.heartbeatMs));
    this.timers.push(setInterval(() => void this.recover().catch((e) => this.log(`recovery failed: ${(e as Error).message}`)), this.opts.heartbeatMs * 2));
    if (this.opts.queue) {
      await startTimers(this.opts.queue, this, { sweep: this.opts.sweep, sweepEverySeconds: Math.max(1, Math.round(this.opts.sweepMs / 1000)) });
    } else if (this.opts.sweep) {
      const sweep = this.opts.sweep;
      this.timers.push(setInterval(() => void sweep().catch((e) => this.log(`sweep failed: ${(e as Error).message}`)), this.opts.sweepMs));
    }
    this.loopDone = this.loop();
  }

  /** Something became due (a run started in this process): look now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Stops claiming, lets the sends already handed to a platform finish and be recorded (for at
   * most `waitMs`), and gives back the rows it claimed but did not start. A send still unanswered
   * after that stays `sending` and becomes `unconfirmed` on the next recovery: never resent.
   */
  async stop(opts: { waitMs?: number } = {}): Promise<void> {
    this.stopped = true;
    const waitMs = opts.waitMs ?? STOP_WAIT_MS;
    this.stopDeadline = Date.now() + waitMs;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), waitMs + 500);
    });
    const done = Promise.allSettled([this.loopDone, ...this.inFlight]).then(() => 'done' as const);
    if ((await Promise.race([done, deadline])) === 'late') this.log(`stopping without waiting longer for ${this.inFlight.size} account(s) still sending; their rows are recovered as unconfirmed`);
    clearTimeout(timer);
    // Rows claimed but not started go back for another worker; nothing was sent for them.
    const held = [...this.queues.values()].flatMap((q) => q.rows.map((r) => r.id));
    this.queues.clear();
    try {
      await moveRows(this.db, held, { from: ['due'], to: 'planned', actor: this.id, note: 'worker stopped', set: { claimed_by: null } });
      await this.db.deleteFrom('workers').where('id', '=', this.id).execute();
    } catch (e) {
      // The next worker's recovery puts them back (this worker no longer beats).
      this.log(`could not give back ${held.length} claimed rows on stop (${(e as Error).message}); another worker's recovery will`);
    }
  }

  private log(line: string): void {
    this.opts.log?.(`[${this.id}] ${line}`);
  }

  private async beat(): Promise<void> {
    await sql`INSERT INTO workers (id, host, pid) VALUES (${this.id}, ${hostname()}, ${process.pid})
              ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`.execute(this.db);
  }

  /** Which Wechaty channels to leave alone; looked up every few seconds, off the claiming path. */
  private async refreshSessions(): Promise<void> {
    this.elsewhere = await sessionChannelsElsewhere(this.db, this.opts.sessionHolder);
  }

  /** Rows held by workers that stopped beating: claimed → planned, sending → unconfirmed. */
  async recover(): Promise<{ requeued: number; unconfirmed: number }> {
    const cutoff = new Date(Date.now() - this.opts.staleAfterMs);
    const dead = await this.db.selectFrom('workers').select('id').where('heartbeat_at', '<', cutoff).where('id', '!=', this.id).execute();
    const deadIds = dead.map((w) => w.id);
    // Rows can also be held by a worker that never registered (killed before its first beat).
    const orphans = await sql<{ id: number; state: string }>`
      SELECT l.id, l.state FROM ledger l
      WHERE l.state IN ('due', 'sending') AND l.claimed_by IS NOT NULL AND l.claimed_by <> ${this.id}
        AND (l.claimed_by = ANY(${deadIds}::text[]) OR NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = l.claimed_by))
        AND l.updated_at < ${cutoff.toISOString()}`.execute(this.db);
    const due = orphans.rows.filter((r) => r.state === 'due').map((r) => Number(r.id));
    const sending = orphans.rows.filter((r) => r.state === 'sending').map((r) => Number(r.id));
    const requeued = await moveRows(this.db, due, { from: ['due'], to: 'planned', actor: this.id, note: 'recovered: its worker stopped before sending', set: { claimed_by: null } });
    const unconfirmed = await moveRows(this.db, sending, {
      from: ['sending'],
      to: 'unconfirmed',
      actor: this.id,
      note: 'its worker stopped while sending: it may or may not have reached the group — check the group, then mark it sent or send it again',
      set: { claimed_by: null, last_error: 'the worker stopped while this was being sent; not resent automatically' },
    });
    if (unconfirmed.length) {
      await this.db
        .insertInto('notifications')
        .values(unconfirmed.map((id) => ({ recipient: 'operators', kind: 'unconfirmed', ledger_id: id, ...noticeColumns(msg('notice.interrupted')) })))
        .execute();
    }
    if (deadIds.length) await this.db.deleteFrom('workers').where('id', 'in', deadIds).execute();
    if (requeued.length || unconfirmed.length) this.log(`recovered ${requeued.length} claimed rows and ${unconfirmed.length} interrupted sends`);
    if (requeued.length) this.wake();
    return { requeued: requeued.length, unconfirmed: unconfirmed.length };
  }

  /** A durable wake-up for a retry, so that whichever worker is alive then picks it up. */
  private async wakeAt(at: Date): Promise<void> {
    if (!this.opts.queue) return;
    await scheduleWakeUps(this.opts.queue, [at]).catch((e) => this.log(`scheduling a wake-up failed: ${(e as Error).message}`));
  }

  private held(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.rows.length;
    return n;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        if (this.claimLost) await this.adoptLostClaims();
        const room = this.opts.batch - this.held();
        if (room > 0) {
          const rows = await claimDue(this.db, this.id, room, { exclude: this.elsewhere });
          claimed = rows.length;
          // Audience rows become one row per member (claimed on the next look); a member's row
          // whose `unless:` holds is skipped; a member's tag is applied. The rest is sent.
          const { send } = await settleClaimed(this.db, rows, { actor: this.id, publicBase: this.opts.publicBase, log: (l) => this.log(l), ...(this.opts.regroupLink ? { regroupLink: this.opts.regroupLink } : {}), ...(this.opts.digest ? { digest: this.opts.digest.write } : {}) });
          for (const row of send) this.enqueue(row);
        }
      } catch (e) {
        this.claimLost = true;
        this.log(`claiming failed: ${(e as Error).message}`);
      }
      if (this.stopped) break;
      if (claimed > 0 && this.held() < this.opts.batch) continue;
      let wait = this.opts.pollMs;
      try {
        const next = await nextDueAt(this.db, { exclude: this.elsewhere });
        if (next) wait = Math.min(wait, Math.max(0, next.getTime() - Date.now()));
      } catch (e) {
        this.log(`looking for due rows failed: ${(e as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  /**
   * After a failed claim the database may have committed it anyway (the connection dropped before
   * the answer came back): rows `due` under this worker's name that it does not hold are taken up.
   * Only called from the loop, so no other claim of this worker runs at the same time.
   */
  private async adoptLostClaims(): Promise<void> {
    const held = new Set([...this.queues.values()].flatMap((q) => q.rows.map((r) => r.id)));
    const r = await sql<RawLedger>`SELECT * FROM ledger WHERE state = 'due' AND claimed_by = ${this.id} ORDER BY due_at, id`.execute(this.db);
    this.claimLost = false;
    const lost = r.rows.map(toLedgerRow).filter((row) => !held.has(row.id));
    if (lost.length) this.log(`took up ${lost.length} rows claimed while the database connection was lost`);
    for (const row of lost) this.enqueue(row);
  }

  private enqueue(row: LedgerRow): void {
    const account = row.senderAccount ?? 'unknown';
    let q = this.queues.get(account);
    if (!q) {
      q = { rows: [], running: false };
      this.queues.set(account, q);
    }
    q.rows.push(row);
    if (!q.running) {
      q.running = true;
      const p = this.pump(account, q).finally(() => {
        q.running = false;
        this.inFlight.delete(p);
        if (q.rows.length && !this.stopped) this.enqueue(q.rows.shift()!);
      });
      this.inFlight.add(p);
    }
  }

  private async policy(account: string, q: AccountQueue): Promise<PacingPolicy> {
    if (!q.policy || Date.now() - q.policy.loadedAt > 60_000) {
      q.policy = { policy: (await policyFor(this.db, account)).policy, loadedAt: Date.now() };
    }
    return q.policy.policy;
  }

  private async chatOf(groupId: string): Promise<string> {
    let chat = this.chats.get(groupId);
    if (!chat) {
      const g = await this.db.selectFrom('groups').select('external_id').where('id', '=', groupId).executeTakeFirstOrThrow();
      chat = g.external_id;
      this.chats.set(groupId, chat);
    }
    return chat;
  }

  /**
   * Sends one account's rows, each when its pacing allows, fairly across chats. Sends run without
   * waiting for one another (up to MAX_IN_FLIGHT per account): pacing is decided when the slot is
   * taken, so a slow platform answer does not hold back the next slot. Each row is `sending` and
   * committed before its call, so this changes nothing for at-most-once.
   */
  private async pump(account: string, q: AccountQueue): Promise<void> {
    const sending = new Set<Promise<void>>();
    const start = (row: LedgerRow, chatId: string) => {
      const p: Promise<void> = this.send(row, chatId, account)
        .catch((e) => this.log(`recording a send failed: ${(e as Error).message}`))
        .finally(() => sending.delete(p));
      sending.add(p);
    };
    let unsure = false;
    while (q.rows.length && !this.stopped) {
      try {
        if (unsure) {
          for (const t of await this.settleUnsure(q)) start(t.row, await this.chatOf(t.row.groupId));
          unsure = false;
          if (!q.rows.length) break;
        }
        const policy = await this.policy(account, q);
        const pending = await Promise.all(q.rows.map(async (r) => ({ row: r, chatId: await this.chatOf(r.groupId), message: isMessage(r.action) })));
        const taken = await this.db.transaction().execute((trx) =>
          withPacingLock(trx, account, policy, async (state) => this.take(trx, policy, state, pending)),
        );
        if (!taken.rows.length) {
          await this.sleep(Math.min(Math.max(taken.waitMs, 1), this.opts.pollMs));
          continue;
        }
        // Picked but not moved means paused or cancelled meanwhile: no longer this worker's.
        const picked = new Set(taken.picked);
        q.rows = q.rows.filter((r) => !picked.has(r.id));
        for (const t of taken.rows) start(t.row, t.chatId);
        while (sending.size >= MAX_IN_FLIGHT) await Promise.race(sending);
      } catch (e) {
        // The pacing transaction may have committed before its answer was lost.
        unsure = true;
        this.log(`dispatch for ${account} failed: ${(e as Error).message}`);
        await this.sleep(this.opts.pollMs);
      }
    }
    await Promise.all(sending);
  }

  /**
   * After a failed pacing transaction, what the database says about the rows still queued: `due`
   * under this worker stays queued (it rolled back); `sending` under this worker committed — its
   * slot is taken and nothing was sent yet, so it is sent now; anything else is dropped.
   */
  private async settleUnsure(q: AccountQueue): Promise<{ row: LedgerRow }[]> {
    const now = new Map((await getLedgerRows(this.db, q.rows.map((r) => r.id))).map((r) => [r.id, r]));
    const resume: { row: LedgerRow }[] = [];
    q.rows = q.rows.filter((r) => {
      const current = now.get(r.id);
      if (current?.claimedBy !== this.id) return false;
      if (current.state === 'sending') resume.push({ row: current });
      return current.state === 'due';
    });
    return resume;
  }

  /** Inside the pacing lock: the rows that may go now, moved to `sending` with their slots taken. */
  private async take(
    trx: Db,
    policy: PacingPolicy,
    state: PacingState,
    pending: { row: LedgerRow; chatId: string; message: boolean }[],
  ): Promise<{ state: PacingState; result: { rows: { row: LedgerRow; chatId: string }[]; picked: number[]; waitMs: number } }> {
    const now = Date.now();
    const left = [...pending];
    const rows: { row: LedgerRow; chatId: string; message: boolean }[] = [];
    let s = state;
    let waitMs = this.opts.pollMs;
    while (left.length && rows.length < 50) {
      const next = pickNext(policy, s, left, now);
      if (!next) break;
      if (next.at > now) {
        waitMs = next.at - now;
        break;
      }
      const [item] = left.splice(next.index, 1);
      s = recordSend(policy, s, item.chatId, now, this.opts.rand, { message: item.message });
      rows.push(item);
    }
    const moved = new Set(
      await moveRows(trx, rows.map((r) => r.row.id), { from: ['due'], to: 'sending', actor: this.id, attempt: true }),
    );
    // A row that is no longer `due` (paused or cancelled meanwhile) is dropped, not sent.
    return { state: s, result: { rows: rows.filter((r) => moved.has(r.row.id)), picked: rows.map((r) => r.row.id), waitMs } };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Records what became of a send. The platform has answered, so the answer must reach the ledger:
   * a lost connection (a database restart, a failover) is retried until the database is back —
   * while stopping, until the stop's deadline, after which the row stays `sending` and the next
   * recovery makes it `unconfirmed`. Every recording is safe to repeat (moves name their states).
   */
  private async persist(row: LedgerRow, fn: () => Promise<void>): Promise<void> {
    let delay = 200;
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return;
      } catch (e) {
        if (this.stopped && Date.now() + delay > this.stopDeadline) throw e;
        if (attempt === 1 || attempt % 20 === 0) this.log(`recording ledger row ${row.id} failed (${(e as Error).message}); retrying until the database answers`);
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  private async send(row: LedgerRow, chatId: string, account: string): Promise<void> {
    const finish = (move: Parameters<typeof moveRows>[2]) =>
      this.persist(row, async () => {
        await moveRows(this.db, [row.id], { actor: this.id, ...move });
      });
    let connector: Connector;
    try {
      connector = await this.opts.connectors.get(account);
    } catch (e) {
      if (e instanceof ChannelUnusable) {
        // Nothing reached the platform: the channel itself cannot be used (deleted, undecryptable).
        await finish({ from: ['sending'], to: 'failed', set: { last_error: `the channel cannot be used: ${e.message}`, claimed_by: null } });
        return;
      }
      // The channel could not be read (the database is away): nothing was sent, try again soon.
      const next = new Date(Date.now() + this.opts.retry.baseMs);
      await finish({ from: ['sending'], to: 'retry_wait', note: (e as Error).message, set: { next_attempt_at: next, last_error: `the channel could not be loaded: ${(e as Error).message}`, claimed_by: null } });
      await this.wakeAt(next);
      return;
    }
    if (connector.kind === 'wechaty' && (await sessionChannelsElsewhere(this.db, this.opts.sessionHolder).catch(() => [account])).includes(account)) {
      // The login moved to another process since the last look: nothing was sent, the holder's worker sends it.
      const next = new Date(Date.now() + SESSIONS_EVERY_MS);
      await finish({ from: ['sending'], to: 'retry_wait', note: 'the WeChat login is held by another server', set: { next_attempt_at: next, claimed_by: null } });
      await this.wakeAt(next);
      return;
    }
    let result: PerformResult;
    let action: OutboundAction;
    try {
      // The row's `link:` goes out as a tracked link (src/growth/wrap.ts); the ledger keeps the sheet's URL.
      // Tracking never holds a send back: if its slug cannot be made now, the sheet's own URL goes.
      const content = await wrapLinks(this.db, row, this.opts.publicBase, this.trackedSlugs).catch((e: Error) => {
        this.log(`ledger row ${row.id}: its link goes out untracked (${e.message})`);
        return row.content;
      });
      const out = { ...row, content };
      action = toOutbound(out, chatId);
      if (row.action === 'digest') action = await this.withCard(connector, row, action);
      result =
        row.action === 'move' ? await performMove(connector, out) : row.action === 'revoke_invite_links' ? await performRevoke(connector, out, chatId) : await connector.perform(action);
    } catch (e) {
      await this.persist(row, () => this.failed(row, account, e));
      return;
    }
    const at = result.at;
    if (result.status === 'awaiting_confirmation') {
      await finish({ from: ['sending'], to: 'awaiting_confirmation', set: { external_task_id: result.externalId, claimed_by: null } });
      return;
    }
    // It went out. If another worker meanwhile took this one for dead (its heartbeats failed while
    // the database was away) and flagged the row `unconfirmed`, the answer settles it.
    const done = result;
    const sent: Parameters<typeof moveRows>[2] = {
      actor: this.id,
      from: ['sending', 'unconfirmed'],
      to: 'sent',
      set: {
        platform_message_id: done.messageId ?? null,
        executed_by: 'bot',
        executed_at: at,
        on_time: at.getTime() <= row.dueAt.getTime() + row.windowMinutes * 60_000,
        claimed_by: null,
        last_error: null,
        result: done.data ? JSON.stringify(done.data) : null,
      },
    };
    // A campaign participant's personal link is theirs, not the group's current link (it is only
    // remembered, so that a lead group's close revokes it).
    const effect = row.action === 'campaign_link' ? asPersonal(groupEffectOf(action, done)) : groupEffectOf(action, done);
    // A created group's chat replaces the placeholder's (group-effects.ts bindPlaceholder).
    if (action.type === 'create_group') this.chats.delete(row.groupId);
    const checkin = row.action === 'checkin';
    if (!effect && !checkin) {
      await finish(sent);
      return;
    }
    // The row and what the action did to the group commit together: a renamed group is never
    // "sent" with its old name, an invite link is never lost, a check-in's window opens with its post.
    await this.persist(row, () =>
      this.db.transaction().execute(async (trx) => {
        if (!(await moveRows(trx, [row.id], sent)).length) return;
        if (effect) await applyGroupEffect(trx, row.groupId, effect, this.id);
        if (checkin) await openCheckin(trx, row.id);
      }),
    );
  }

  /**
   * A digest's card goes with its text where the connector uploads images; where it cannot, or
   * the card cannot be drawn now, the text goes alone (the card is on the console's digest page).
   */
  private async withCard(connector: Connector, row: LedgerRow, action: OutboundAction): Promise<OutboundAction> {
    if (action.type !== 'post' || !connector.uploadsImages || !this.opts.digest) return action;
    try {
      return { ...action, imageData: { bytes: await this.opts.digest.card(this.db, row), name: `digest-${row.content.week ?? 'week'}.png` } };
    } catch (e) {
      this.log(`ledger row ${row.id}: the digest card could not be drawn, the text goes alone (${(e as Error).message})`);
      return action;
    }
  }

  /** The platform may or may not have taken it: flagged for an operator, never resent by itself. */
  private async unconfirmed(row: LedgerRow, reason: string): Promise<void> {
    const moved = await moveRows(this.db, [row.id], { from: ['sending'], actor: this.id, to: 'unconfirmed', set: { last_error: reason, claimed_by: null } });
    if (!moved.length) return;
    await this.db
      .insertInto('notifications')
      .values({ recipient: 'operators', kind: 'unconfirmed', ledger_id: row.id, run_id: row.runId, ...noticeColumns(msg('notice.maybeNotSent', { reason })) })
      .execute();
  }

  /** The platform cannot post this one but a person can: a task for the group's leader, with the reason. */
  private async handOver(row: LedgerRow, reason: string): Promise<void> {
    const group = await this.db.selectFrom('groups').select(['leader', 'attrs']).where('id', '=', row.groupId).executeTakeFirst();
    const attrs = (typeof group?.attrs === 'string' ? JSON.parse(group.attrs) : (group?.attrs ?? {})) as Record<string, string>;
    await moveRows(this.db, [row.id], {
      from: ['sending'],
      to: 'assigned',
      actor: this.id,
      note: `the platform cannot send this one; a task for a person: ${reason}`,
      set: { mode: 'human', executor: 'owner', assignee: assigneeFor('owner', { leader: group?.leader ?? null, attrs }), last_error: reason, claimed_by: null },
    });
  }

  private async failed(row: LedgerRow, account: string, e: unknown): Promise<void> {
    const base = { from: ['sending'] as const, actor: this.id };
    const attempts = row.attempts + 1;
    if (e instanceof NotSendable) {
      await moveRows(this.db, [row.id], { ...base, to: 'failed', set: { last_error: e.message, claimed_by: null } });
      return;
    }
    if (!(e instanceof ChannelError)) {
      // Not a platform answer: we cannot tell whether the send happened.
      await this.unconfirmed(row, `unexpected error while sending: ${(e as Error).message}`);
      return;
    }
    switch (e.kind) {
      case 'rate_limited': {
        const until = Date.now() + (e.retryAfterMs ?? 1_000);
        const { policy } = await policyFor(this.db, account);
        await this.db.transaction().execute((trx) =>
          withPacingLock(trx, account, policy, async (state) => ({ state: recordRetryAfter(state, until), result: undefined })),
        );
        await moveRows(this.db, [row.id], { ...base, to: 'retry_wait', note: e.message, set: { next_attempt_at: new Date(until), last_error: e.message, claimed_by: null } });
        await this.wakeAt(new Date(until));
        return;
      }
      case 'transient': {
        if (attempts >= this.opts.retry.maxAttempts) {
          await moveRows(this.db, [row.id], { ...base, to: 'failed', set: { last_error: `gave up after ${attempts} attempts: ${e.message}`, claimed_by: null } });
          return;
        }
        const delay = Math.min(this.opts.retry.maxMs, this.opts.retry.baseMs * 2 ** (attempts - 1));
        const next = new Date(Date.now() + delay);
        await moveRows(this.db, [row.id], { ...base, to: 'retry_wait', note: e.message, set: { next_attempt_at: next, last_error: e.message, claimed_by: null } });
        await this.wakeAt(next);
        return;
      }
      case 'auth':
        await markChannelStatus(this.db, account, 'needs_reauth', e.message);
        await moveRows(this.db, [row.id], { ...base, to: 'failed', set: { last_error: `the channel's credentials were refused: ${e.message}`, claimed_by: null } });
        return;
      case 'ambiguous':
        await this.unconfirmed(row, e.message);
        return;
      case 'permanent':
        if (e.forPerson) {
          await this.handOver(row, e.message);
          return;
        }
        await moveRows(this.db, [row.id], { ...base, to: 'failed', set: { last_error: e.message, claimed_by: null } });
        return;
    }
  }
}
