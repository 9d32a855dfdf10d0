// The orders webhook on the Import page (owners and admins): the address the shop posts orders
// to, the secret it signs them with, and a button for a new secret. The same as
// `chorus orders webhook [--rotate]` and GET/POST /api/settings/orders-webhook.

import { useState } from 'react';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import './orders-webhook.css';

interface Webhook {
  url: string;
  secret: string;
}

export function OrdersWebhook() {
  const t = useT();
  const loaded = useGet<Webhook>('/api/settings/orders-webhook');
  const [fresh, setFresh] = useState<Webhook | undefined>();
  const [error, setError] = useState<ApiFailure | undefined>();
  const [busy, setBusy] = useState(false);
  const hook = fresh ?? loaded.data;

  async function rotate() {
    if (!window.confirm(t('orders.webhookRotateConfirm'))) return;
    setBusy(true);
    setError(undefined);
    try {
      setFresh(await post<Webhook>('/api/settings/orders-webhook', {}));
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card section" style={{ maxWidth: 760 }} data-testid="orders-webhook">
      <h2>{t('orders.webhookTitle')}</h2>
      <p className="hint">{t('orders.webhookIntro')}</p>
      {loaded.error ? <ErrorNote error={loaded.error} /> : null}
      {!hook && loaded.loading ? <Loading /> : null}
      {hook ? (
        <dl className="webhook-facts">
          <dt>{t('orders.webhookUrl')}</dt>
          <dd>
            <code data-testid="orders-webhook-url">{hook.url}</code>
          </dd>
          <dt>{t('orders.webhookSecret')}</dt>
          <dd>
            <code data-testid="orders-webhook-secret">{hook.secret}</code>
          </dd>
        </dl>
      ) : null}
      <p className="hint">{t('orders.webhookSigning')}</p>
      <div className="actions">
        <button type="button" className="btn" onClick={rotate} disabled={busy} data-testid="orders-webhook-rotate">
          {t('orders.webhookRotate')}
        </button>
      </div>
      {fresh ? <p className="hint" data-testid="orders-webhook-rotated">{t('orders.webhookRotated')}</p> : null}
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}
