// First start: nobody has an account yet, so the first person creates the owner account.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { getLocale, useT } from '../../i18n/index.ts';
import { type User, useSession } from '../../session.tsx';
import { ErrorNote } from '../../ui/feedback.tsx';
import { AuthFrame } from './auth-frame.tsx';
import { MIN_PASSWORD } from './password.ts';

export function SetupPage() {
  const t = useT();
  const { signedIn } = useSession();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) return setError(t('session.passwordShort', { min: MIN_PASSWORD }));
    if (password !== repeat) return setError(t('session.passwordMismatch'));
    setBusy(true);
    setError(undefined);
    try {
      signedIn(await post<{ user: User; csrfToken: string }>('/api/setup', { name: name.trim(), password, displayName: displayName.trim() || undefined, locale: getLocale() }));
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame>
      <h1>{t('session.setupTitle')}</h1>
      <p className="muted">{t('session.setupIntro')}</p>
      <form className="form" onSubmit={submit} data-testid="setup-form">
        <label className="field">
          {t('session.userName')}
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="username" data-testid="setup-name" />
          <span className="hint">{t('session.userNameHint')}</span>
        </label>
        <label className="field">
          <span>
            {t('session.displayName')} <span className="hint">({t('common.optional')})</span>
          </span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} data-testid="setup-display-name" />
        </label>
        <label className="field">
          {t('session.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" data-testid="setup-password" />
          <span className="hint">{t('session.passwordHint', { min: MIN_PASSWORD })}</span>
        </label>
        <label className="field">
          {t('session.passwordRepeat')}
          <input type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required autoComplete="new-password" data-testid="setup-password-repeat" />
        </label>
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="setup-submit">
          {busy ? t('common.saving') : t('session.setupSubmit')}
        </button>
      </form>
    </AuthFrame>
  );
}
