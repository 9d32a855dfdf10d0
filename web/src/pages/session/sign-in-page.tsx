// Sign in with a user name and password. Too many wrong tries: the server asks to wait.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { type User, useSession } from '../../session.tsx';
import { ErrorNote } from '../../ui/feedback.tsx';
import { AuthFrame } from './auth-frame.tsx';

export function SignInPage() {
  const t = useT();
  const { signedIn } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      signedIn(await post<{ user: User; csrfToken: string }>('/api/login', { name: name.trim(), password }));
    } catch (err) {
      const f = asFailure(err);
      if (f.code === 'bad_credentials') setError(t('session.badCredentials'));
      else if (f.code === 'too_many_attempts') setError(t('session.tooMany', { minutes: Math.max(1, Math.ceil((f.retryAfterSeconds ?? 60) / 60)) }));
      else setError(f);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame>
      <h1>{t('session.signInTitle')}</h1>
      <p className="muted">{t('session.signInIntro')}</p>
      <form className="form" onSubmit={submit} data-testid="sign-in-form">
        <label className="field">
          {t('session.userName')}
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="username" data-testid="sign-in-name" />
        </label>
        <label className="field">
          {t('session.password')}
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" data-testid="sign-in-password" />
        </label>
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="sign-in-submit">
          {busy ? t('session.signingIn') : t('session.signIn')}
        </button>
      </form>
    </AuthFrame>
  );
}
