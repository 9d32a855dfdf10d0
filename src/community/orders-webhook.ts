// The orders webhook's secret and signature. A shop (or Zapier, or a script) POSTs one order as
// JSON with `X-Chorus-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>`, keyed with
// the workspace's orders secret — the same scheme as GitHub's and Stripe's webhooks, so any HTTP
// tool can sign (`openssl dgst -sha256 -hmac "$SECRET"`; docs/orders.md). The secret lives in
// `workspace_keys` (name `orders-webhook`), made on first use; rotating it replaces the row.
// Read on every delivery (one indexed row) instead of cached, so a rotation takes effect in
// every server at once.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../store/db.ts';

const NAME = 'orders-webhook';

const fresh = () => `whsec_${randomBytes(24).toString('hex')}`;

/** The secret (created on first use; concurrent first uses agree). */
export async function ordersWebhookSecret(db: Db): Promise<string> {
  await db.insertInto('workspace_keys').values({ name: NAME, key: fresh() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('workspace_keys').select('key').where('name', '=', NAME).executeTakeFirstOrThrow();
  return row.key;
}

/** A new secret; the old one stops working at once. */
export async function rotateOrdersWebhookSecret(db: Db): Promise<string> {
  const key = fresh();
  await db
    .insertInto('workspace_keys')
    .values({ name: NAME, key })
    .onConflict((oc) => oc.column('name').doUpdateSet({ key, created_at: new Date() }))
    .execute();
  return key;
}

/** `sha256=<hex>` for a body. */
export function signOrderBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Does the header carry the body's signature under this secret? (constant-time) */
export function checkOrderSignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1].toLowerCase(), 'hex');
  const expected = Buffer.from(signOrderBody(secret, body).slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
