// The ledger's state machine, in the database: every allowed transition moves the row and is kept
// in ledger_history with from, to and actor; a disallowed one throws and touches nothing; a move
// names the states it may leave, so rows elsewhere stay put and of two concurrent movers exactly
// one wins.

import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDue, getLedgerRows, insertLedger, ledgerHistory, moveRows, type NewLedgerRow } from '../../src/run/ledger.ts';
import { ATTENTION_STATES, canMove, FINAL_STATES, LEDGER_STATES, type LedgerState, OPEN_STATES } from '../../src/run/states.ts';
import { engine } from '../support/db.ts';
import { sandboxWorld, type World } from '../support/world.ts';

const ALL_PAIRS = LEDGER_STATES.flatMap((from) => LEDGER_STATES.map((to) => [from, to] as const));
const ALLOWED = ALL_PAIRS.filter(([from, to]) => canMove(from, to));
const DISALLOWED = ALL_PAIRS.filter(([from, to]) => !canMove(from, to));

describe('the state table', () => {
  it('lets nothing leave a final state, and reaches every state from a new row', () => {
    for (const s of FINAL_STATES) expect(LEDGER_STATES.filter((to) => canMove(s, to))).toEqual([]);
    const reached = new Set<LedgerState>(['planned', 'assigned']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [from, to] of ALLOWED) {
        if (reached.has(from) && !reached.has(to)) {
          reached.add(to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...LEDGER_STATES].sort());
  });

  it('never lets a sent or interrupted send go back to sending by itself', () => {
    // At most once: only an operator's `planned` (send again) leads out of unconfirmed towards a send.
    expect(canMove('sent', 'sending')).toBe(false);
    expect(canMove('unconfirmed', 'sending')).toBe(false);
    expect(canMove('unconfirmed', 'due')).toBe(false);
    expect(canMove('sending', 'due')).toBe(false);
    expect(canMove('sending', 'planned')).toBe(false);
    for (const s of OPEN_STATES) expect(FINAL_STATES).not.toContain(s);
    for (const s of ATTENTION_STATES) expect(OPEN_STATES).not.toContain(s);
  });
});

describe(`ledger transitions in the database (${engine})`, () => {
  let w: World;
  let runId: string;
  let seq = 0;

  /** New rows (one per call to `at`), put straight into `state` — test setup, not a transition. */
  async function rowsIn(state: LedgerState, count = 1): Promise<number[]> {
    const rows: NewLedgerRow[] = Array.from({ length: count }, () => {
      seq++;
      return {
        groupId: w.groups[seq % w.groups.length],
        stepId: `step-${seq}`,
        occurrence: 1,
        action: 'post',
        mode: state === 'assigned' ? 'human' : 'bot',
        executor: state === 'assigned' ? 'leader' : 'bot',
        assignee: state === 'assigned' ? 'leader-1' : null,
        senderAccount: w.channelId,
        dueAt: new Date(Date.now() - 1_000),
        windowMinutes: 30,
        content: { text: `row ${seq}` },
      };
    });
    await insertLedger(w.store.db, runId, rows);
    const ids = await w.store.db
      .selectFrom('ledger')
      .select('id')
      .where('run_id', '=', runId)
      .where('step_id', 'in', rows.map((r) => r.stepId))
      .orderBy('id')
      .execute();
    const list = ids.map((r) => Number(r.id));
    await sql`UPDATE ledger SET state = ${state} WHERE id = ANY(${list}::bigint[])`.execute(w.store.db);
    return list;
  }

  const stateOf = async (ids: number[]) => (await getLedgerRows(w.store.db, ids)).map((r) => r.state);

  beforeAll(async () => {
    w = await sandboxWorld(3);
    runId = 'run_states';
    await w.store.db.insertInto('runs').values({ id: runId, kind: 'broadcast', selector: 'all', state: 'paused' }).execute();
  });
  afterAll(async () => {
    await w.close();
  });

  it('creates bot rows planned and human rows assigned, and creating twice adds nothing', async () => {
    const rows: NewLedgerRow[] = ['bot', 'human'].map((mode, i) => ({
      groupId: w.groups[0],
      stepId: `create-${i}`,
      occurrence: 1,
      action: mode === 'bot' ? 'post' : 'task',
      mode: mode as 'bot' | 'human',
      executor: mode === 'bot' ? 'bot' : 'leader',
      assignee: mode === 'bot' ? null : 'leader-1',
      senderAccount: mode === 'bot' ? w.channelId : null,
      dueAt: new Date(),
      windowMinutes: 30,
      content: { text: 'hello' },
    }));
    expect(await insertLedger(w.store.db, runId, rows)).toBe(2);
    expect(await insertLedger(w.store.db, runId, rows)).toBe(0);
    const made = await w.store.db.selectFrom('ledger').select(['step_id', 'state']).where('step_id', 'in', ['create-0', 'create-1']).orderBy('step_id').execute();
    expect(made.map((r) => r.state)).toEqual(['planned', 'assigned']);
  });

  it(`makes every allowed transition (${ALLOWED.length}) and records it with from, to and actor`, async () => {
    const ids = await Promise.all(ALLOWED.map(async ([from]) => (await rowsIn(from))[0]));
    for (const [i, [from, to]] of ALLOWED.entries()) {
      const moved = await moveRows(w.store.db, [ids[i]], { from: [from], to, actor: `tester-${i}`, note: `${from} to ${to}` });
      expect(moved, `${from} → ${to}`).toEqual([ids[i]]);
    }
    expect(await stateOf(ids)).toEqual(expect.arrayContaining(ALLOWED.map(([, to]) => to)));
    for (const [i, [from, to]] of ALLOWED.entries()) {
      const [row] = await getLedgerRows(w.store.db, [ids[i]]);
      expect(row.state).toBe(to);
      const history = await ledgerHistory(w.store.db, ids[i]);
      expect(history.map((h) => ({ from: h.from_state, to: h.to_state, actor: h.actor, note: h.note }))).toEqual([
        { from, to, actor: `tester-${i}`, note: `${from} to ${to}` },
      ]);
    }
  });

  it(`refuses every disallowed transition (${DISALLOWED.length}) and leaves the row as it was`, async () => {
    const byFrom = new Map<LedgerState, number>();
    for (const s of LEDGER_STATES) byFrom.set(s, (await rowsIn(s))[0]);
    for (const [from, to] of DISALLOWED) {
      await expect(moveRows(w.store.db, [byFrom.get(from)!], { from: [from], to, actor: 'tester' }), `${from} → ${to}`).rejects.toThrow(
        `${from} → ${to} is not a valid transition`,
      );
    }
    // One bad state among good ones refuses the whole move.
    await expect(moveRows(w.store.db, [byFrom.get('planned')!], { from: ['planned', 'sent'], to: 'due' })).rejects.toThrow(/sent → due/);
    expect(await stateOf([...byFrom.values()])).toEqual([...byFrom.keys()]);
    for (const id of byFrom.values()) expect(await ledgerHistory(w.store.db, id)).toEqual([]);
  });

  it('moves only the rows in the named states and sets the given columns', async () => {
    const planned = await rowsIn('planned', 3);
    const sending = await rowsIn('sending', 2);
    const sent = await rowsIn('sent', 2);
    const at = new Date('2030-01-02T03:04:05.000Z');
    const moved = await moveRows(w.store.db, [...planned, ...sending, ...sent], {
      from: ['planned'],
      to: 'cancelled',
      actor: 'operator',
      set: { last_error: 'run cancelled', executed_at: at },
    });
    expect(moved.sort((a, b) => a - b)).toEqual(planned);
    const rows = await getLedgerRows(w.store.db, [...planned, ...sending, ...sent]);
    for (const r of rows) {
      if (planned.includes(r.id)) expect(r).toMatchObject({ state: 'cancelled', lastError: 'run cancelled', executedAt: at });
      else expect(r).toMatchObject({ state: sending.includes(r.id) ? 'sending' : 'sent', lastError: null, executedAt: null });
    }
    for (const id of [...sending, ...sent]) expect(await ledgerHistory(w.store.db, id)).toEqual([]);
    // Counting an attempt.
    const due = await rowsIn('due', 1);
    await moveRows(w.store.db, due, { from: ['due'], to: 'sending', attempt: true });
    expect((await getLedgerRows(w.store.db, due))[0].attempts).toBe(1);
    expect(await moveRows(w.store.db, [], { from: ['due'], to: 'sending' })).toEqual([]);
  });

  it('of two concurrent movers of the same rows, exactly one wins each row', async () => {
    const ids = await rowsIn('sending', 40);
    // The worker records "sent" while recovery decides "unconfirmed": a row ends in one of them, once.
    const [a, b] = await Promise.all([
      moveRows(w.store.db, ids, { from: ['sending'], to: 'sent', actor: 'worker' }),
      moveRows(w.store.db, ids, { from: ['sending'], to: 'unconfirmed', actor: 'recovery' }),
    ]);
    expect(a.length + b.length).toBe(ids.length);
    expect(new Set([...a, ...b]).size).toBe(ids.length);
    // Row by row as well, so the two interleave on PostgreSQL.
    const one = await rowsIn('sending', 40);
    const results = await Promise.all(
      one.flatMap((id) => [
        moveRows(w.store.db, [id], { from: ['sending'], to: 'sent', actor: 'worker' }),
        moveRows(w.store.db, [id], { from: ['sending'], to: 'unconfirmed', actor: 'recovery' }),
      ]),
    );
    for (let i = 0; i < one.length; i++) expect(results[2 * i].length + results[2 * i + 1].length).toBe(1);
    for (const id of [...ids, ...one]) {
      const history = await ledgerHistory(w.store.db, id);
      expect(history).toHaveLength(1);
      expect(history[0].from_state).toBe('sending');
      expect((await getLedgerRows(w.store.db, [id]))[0].state).toBe(history[0].to_state);
    }
  });

  it('of two concurrent claimers, each due row goes to exactly one', async () => {
    const claimRun = 'run_claims';
    await w.store.db.insertInto('runs').values({ id: claimRun, kind: 'broadcast', selector: 'all', state: 'running' }).execute();
    const rows: NewLedgerRow[] = Array.from({ length: 60 }, (_, i) => ({
      groupId: w.groups[i % w.groups.length],
      stepId: `claim-${i}`,
      occurrence: 1,
      action: 'post',
      mode: 'bot',
      executor: 'bot',
      assignee: null,
      senderAccount: w.channelId,
      dueAt: new Date(Date.now() - 1_000),
      windowMinutes: 30,
      content: { text: `claim ${i}` },
    }));
    await insertLedger(w.store.db, claimRun, rows);
    const claims = await Promise.all(['w1', 'w2', 'w1', 'w2', 'w1', 'w2'].map((worker) => claimDue(w.store.db, worker, 15)));
    const ids = claims.flat().map((r) => r.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    const left = await claimDue(w.store.db, 'w3', 100);
    expect(left).toEqual([]);
    await w.store.db.updateTable('runs').set({ state: 'completed' }).where('id', '=', claimRun).execute();
  });

  it('follows the state table for any sequence of moves (property)', async () => {
    const target = fc.constantFrom(...LEDGER_STATES);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<LedgerState>('planned', 'assigned'), fc.array(fc.tuple(target, fc.boolean()), { minLength: 1, maxLength: 8 }), async (start, moves) => {
        const [id] = await rowsIn(start);
        let model: LedgerState = start;
        const expected: { from: LedgerState; to: LedgerState }[] = [];
        for (const [to, guardRight] of moves) {
          // Half the moves name the row's real state, half a state it is not in.
          const from = guardRight ? model : (LEDGER_STATES.find((s) => s !== model && canMove(s, to)) ?? model);
          if (!canMove(from, to)) {
            await expect(moveRows(w.store.db, [id], { from: [from], to })).rejects.toThrow(/not a valid transition/);
            continue;
          }
          const moved = await moveRows(w.store.db, [id], { from: [from], to, actor: 'prop' });
          if (from === model) {
            expect(moved).toEqual([id]);
            expected.push({ from: model, to });
            model = to;
          } else {
            expect(moved).toEqual([]);
          }
        }
        expect((await getLedgerRows(w.store.db, [id]))[0].state).toBe(model);
        const history = await ledgerHistory(w.store.db, id);
        expect(history.map((h) => ({ from: h.from_state, to: h.to_state }))).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
