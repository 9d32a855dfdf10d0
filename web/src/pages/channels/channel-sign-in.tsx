// A WeChat channel waiting for its sign-in: the login QR code, live. The server that runs the
// puppet writes each new code to the channel; this polls it every two seconds until the account
// is signed in, then tells the page to reload the channel.

import { useEffect, useState } from 'react';
import { type ApiFailure, asFailure, get } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Note } from '../../ui/feedback.tsx';

export interface SignInState {
  status: string;
  statusReason: string | null;
  identity: string | null;
  qr: { value: string; status: string; at: string | null; image: string } | null;
}

const POLL_MS = 2000;

export function ChannelSignIn({ channelId, onSignedIn }: { channelId: string; onSignedIn: () => void }) {
  const t = useT();
  const [state, setState] = useState<SignInState | undefined>();
  const [error, setError] = useState<ApiFailure | undefined>();

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      try {
        const s = await get<SignInState>(`/api/channels/${encodeURIComponent(channelId)}/login`);
        if (!live) return;
        setState(s);
        setError(undefined);
        if (s.status === 'active') {
          onSignedIn();
          return;
        }
      } catch (e) {
        if (live) setError(asFailure(e));
      }
      if (live) timer = setTimeout(() => void look(), POLL_MS);
    };
    void look();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [channelId, onSignedIn]);

  const qr = state?.qr;
  return (
    <section className="note" data-testid="channel-sign-in" style={{ marginBottom: 10 }}>
      <strong>{t('connectors.signInTitle')}</strong>
      {error ? <ErrorNote error={error} /> : null}
      {state?.status === 'active' ? <Note kind="success">{t('connectors.signInDone', { name: state.identity ?? '' })}</Note> : null}
      {state && state.status !== 'active' && !qr ? <p className="muted small">{t('connectors.signInWaiting')}</p> : null}
      {qr ? (
        <div>
          <p className="small">
            {qr.status === 'scanned' ? t('connectors.signInScanned') : qr.status === 'timeout' ? t('connectors.signInExpired') : t('connectors.signInScan')}
          </p>
          <img src={qr.image} alt={t('connectors.signInQrAlt')} width={220} height={220} data-testid="channel-login-qr" data-value={qr.value} />
        </div>
      ) : null}
      <p className="muted small mono">{t('connectors.signInCli', { id: channelId })}</p>
    </section>
  );
}
