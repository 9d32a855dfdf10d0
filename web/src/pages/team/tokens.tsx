// My API tokens: the signed-in person's own tokens. A new token is shown once, with a copy button
// and a warning; revoking asks once more.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, del, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { copyText } from '../leader/clipboard.ts';

interface Token {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** `titled`: false when the page heading already says "My API tokens" (a leader's or viewer's page). */
export function TokensSection({ titled = true }: { titled?: boolean }) {
  const t = useT();
  const tokens = useGet<{ tokens: Token[] }>('/api/tokens');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [made, setMade] = useState<{ name: string; token: string } | undefined>();
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [revoked, setRevoked] = useState<string | undefined>();

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setRevoked(undefined);
    try {
      const answer = await post<{ id: string; name: string; token: string }>('/api/tokens', { name: name.trim() });
      setMade({ name: answer.name, token: answer.token });
      setCopied(undefined);
      setName('');
      await tokens.reload();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(tok: Token) {
    setError(undefined);
    try {
      await del(`/api/tokens/${encodeURIComponent(tok.id)}`);
      setConfirming(undefined);
      setRevoked(tok.name);
      await tokens.reload();
    } catch (err) {
      setError(asFailure(err));
    }
  }

  return (
    <section className="section" data-testid="team-tokens">
      {titled ? <h2>{t('team.tokensTitle')}</h2> : null}
      <p className="muted small">{t('team.tokensIntro')}</p>
      <form className="actions" onSubmit={create} style={{ marginBottom: 12 }} data-testid="token-form">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={100}
          style={{ flex: '1 1 220px', maxWidth: 420 }}
          aria-label={t('team.tokenName')}
          placeholder={t('team.tokenNamePlaceholder')}
          data-testid="token-name"
        />
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="token-create">
          {busy ? t('team.tokenCreating') : t('team.tokenCreate')}
        </button>
      </form>
      {made ? (
        <div className="card" data-testid="token-made">
          <Note kind="warning">{t('team.tokenShownOnce')}</Note>
          <div className="copyline" style={{ marginTop: 8 }}>
            <span style={{ flex: 1 }} data-testid="token-value">
              {made.token}
            </span>
            <button type="button" className="btn btn-small" onClick={async () => setCopied((await copyText(made.token)) ? 'yes' : 'failed')} data-testid="token-copy">
              {copied === 'yes' ? t('team.copied') : t('team.copy')}
            </button>
          </div>
          {copied === 'failed' ? <p className="muted small">{t('team.copyFailed')}</p> : null}
          <div className="actions" style={{ marginTop: 8 }}>
            <button type="button" className="btn" onClick={() => setMade(undefined)} data-testid="token-made-done">
              {t('team.done')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {revoked ? <Note kind="success">{t('team.revoked', { name: revoked })}</Note> : null}
      {tokens.error ? (
        <ErrorNote error={tokens.error} onRetry={() => void tokens.reload()} />
      ) : !tokens.data ? (
        <Loading />
      ) : tokens.data.tokens.length === 0 ? (
        <p className="muted" data-testid="tokens-empty">
          {t('team.tokensEmpty')}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="token-list">
            <thead>
              <tr>
                <th>{t('team.colTokenName')}</th>
                <th>{t('team.colCreated')}</th>
                <th>{t('team.colLastUsed')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((tok) => (
                <tr key={tok.id} data-testid={`token-row-${tok.id}`}>
                  <td>
                    <strong>{tok.name}</strong>
                  </td>
                  <td className="nowrap small" data-label={t('team.colCreated')}>
                    <When iso={tok.createdAt} />
                  </td>
                  <td className="nowrap small" data-label={t('team.colLastUsed')}>
                    {tok.lastUsedAt ? <When iso={tok.lastUsedAt} /> : <span className="muted">{t('team.never')}</span>}
                  </td>
                  <td>
                    {confirming === tok.id ? (
                      <div className="actions">
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void revoke(tok)} data-testid={`token-revoke-yes-${tok.id}`}>
                          {t('team.revokeConfirm')}
                        </button>
                        <button type="button" className="btn btn-small" onClick={() => setConfirming(undefined)}>
                          {t('common.cancel')}
                        </button>
                      </div>
                    ) : (
                      <button type="button" className="btn btn-small" onClick={() => setConfirming(tok.id)} data-testid={`token-revoke-${tok.id}`}>
                        {t('team.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
