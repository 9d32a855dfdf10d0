// My password: change one's own password with the current one. A new password ends the person's
// other sign-ins and every API token they made (the server does it; this page says so, before and
// after), so a password that leaked stops being of use everywhere at once.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, patch } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Note } from '../../ui/feedback.tsx';
import { MIN_PASSWORD, shortPassword } from '../session/password.ts';

export function MyPasswordSection() {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(undefined);
    const short = shortPassword(next, t('session.passwordShort', { min: MIN_PASSWORD }));
    if (short) return setError(short);
    if (next !== repeat) return setError(t('session.passwordMismatch'));
    setBusy(true);
    setError(undefined);
    try {
      const answer = await patch<{ ended?: { sessions: number; tokens: number } }>('/api/me', { password: next, currentPassword: current });
      setDone(t('account.passwordChanged', { sessions: answer.ended?.sessions ?? 0, tokens: answer.ended?.tokens ?? 0 }));
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const fieldClass = (f: string) => `field${typeof error === 'object' && error?.field === f ? ' field-error' : ''}`;
  return (
    <section className="section" data-testid="my-password">
      <h2>{t('account.passwordTitle')}</h2>
      <p className="muted small">{t('account.passwordIntro')}</p>
      <form className="card" onSubmit={submit} data-testid="my-password-form">
        <div className="form-row">
          <label className={fieldClass('currentPassword')}>
            {t('account.currentPassword')}
            <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required data-testid="my-password-current" />
          </label>
          <label className={fieldClass('password')}>
            {t('account.newPassword')}
            <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required data-testid="my-password-new" />
            <span className="hint">{t('session.passwordHint', { min: MIN_PASSWORD })}</span>
          </label>
          <label className="field">
            {t('session.passwordRepeat')}
            <input type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required data-testid="my-password-repeat" />
          </label>
        </div>
        {error ? <ErrorNote error={error} /> : null}
        {done ? (
          <Note kind="success">
            <span data-testid="my-password-done">{done}</span>
          </Note>
        ) : null}
        <div className="actions" style={{ marginTop: 12 }}>
          <button type="submit" className="btn btn-primary" disabled={busy || !current || !next} data-testid="my-password-submit">
            {busy ? t('account.changing') : t('account.change')}
          </button>
        </div>
      </form>
    </section>
  );
}
