// Pacing policy and state per sender account, in the database so that every worker shares them.
// An account is a channel id (one bot token, one WeChat account); its policy is the platform's
// default merged with the channel's overrides (`channels.pacing`).

import { sql } from 'kysely';
import type { ChannelKind } from '../channels/port.ts';
import type { Db } from '../store/db.ts';
import { initialPacingState, mergePolicy, PLATFORM_DEFAULTS, type PacingOverrides, type PacingPolicy, type PacingState } from './pacing.ts';

export async function policyFor(db: Db, account: string): Promise<{ policy: PacingPolicy; state: PacingState }> {
  const channel = await db.selectFrom('channels').select(['kind', 'pacing']).where('id', '=', account).executeTakeFirst();
  const kind = (channel?.kind ?? 'sandbox') as ChannelKind;
  const policy = mergePolicy(PLATFORM_DEFAULTS[kind] ?? PLATFORM_DEFAULTS.sandbox, (channel?.pacing ?? {}) as PacingOverrides);
  const row = await db.selectFrom('pacing_accounts').select('state').where('account', '=', account).executeTakeFirst();
  return { policy, state: row ? (row.state as unknown as PacingState) : initialPacingState() };
}

/**
 * Runs `fn` with the account's pacing state locked (SELECT … FOR UPDATE), and stores the state it
 * returns, in the caller's transaction. Every worker serializes on this row, so the policy holds
 * across processes.
 */
export async function withPacingLock<T>(
  trx: Db,
  account: string,
  policy: PacingPolicy,
  fn: (state: PacingState) => Promise<{ state: PacingState; result: T }>,
): Promise<T> {
  await sql`INSERT INTO pacing_accounts (account, policy, state) VALUES (${account}, ${JSON.stringify(policy)}::jsonb, ${JSON.stringify(initialPacingState())}::jsonb)
            ON CONFLICT (account) DO NOTHING`.execute(trx);
  const row = await sql<{ state: PacingState | string }>`SELECT state FROM pacing_accounts WHERE account = ${account} FOR UPDATE`.execute(trx);
  const raw = row.rows[0].state;
  const state = typeof raw === 'string' ? (JSON.parse(raw) as PacingState) : raw;
  const out = await fn(state);
  await sql`UPDATE pacing_accounts SET state = ${JSON.stringify(out.state)}::jsonb, policy = ${JSON.stringify(policy)}::jsonb, updated_at = now() WHERE account = ${account}`.execute(trx);
  return out.result;
}
