// People: every account with its role and state; add a person, change a role, disable or enable,
// reset a password. Refusals (an admin touching an owner, the last owner) show the API's message.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, patch, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { type Role, useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { MIN_PASSWORD, shortPassword } from '../session/password.ts';
import { canChange, grantableRoles } from './team-access.ts';

export interface Person {
  id: string;
  name: string;
  displayName: string | null;
  role: Role;
  locale: string | null;
  disabled: boolean;
  createdAt: string;
}

export function PeopleSection() {
  const t = useT();
  const me = useUser();
  const users = useGet<{ users: Person[] }>('/api/users');
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [resetting, setResetting] = useState<string | undefined>();

  async function change(u: Person, body: Record<string, unknown>, message: string) {
    const short = typeof body.password === 'string' ? shortPassword(body.password, t('session.passwordShort', { min: MIN_PASSWORD })) : undefined;
    if (short) return setError(short);
    setBusy(u.id);
    setError(undefined);
    setDone(undefined);
    try {
      await patch(`/api/users/${encodeURIComponent(u.id)}`, body);
      setDone(message);
      setResetting(undefined);
      await users.reload();
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(undefined);
    }
  }

  if (users.error) return <ErrorNote error={users.error} onRetry={() => void users.reload()} />;
  if (!users.data) return <Loading />;
  const list = users.data.users;

  return (
    <section className="section" data-testid="team-people">
      <div className="page-head">
        <h2>{t('team.peopleTitle')}</h2>
        {adding ? null : (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="user-add">
            {t('team.addButton')}
          </button>
        )}
      </div>
      {adding ? (
        <UserAddForm
          onCancel={() => setAdding(false)}
          onAdded={(name) => {
            setAdding(false);
            setError(undefined);
            setDone(t('team.userAdded', { name }));
            void users.reload();
          }}
        />
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {done ? (
        <div data-testid="user-done">
          <Note kind="success">{done}</Note>
        </div>
      ) : null}
      {list.length === 0 ? (
        <Empty title={t('team.peopleTitle')} />
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="user-list">
            <thead>
              <tr>
                <th>{t('team.colName')}</th>
                <th>{t('team.colDisplayName')}</th>
                <th>{t('team.colRole')}</th>
                <th>{t('team.colStatus')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((u) => {
                const editable = canChange(me.role, u.role);
                const who = u.displayName || u.name;
                return (
                  <tr key={u.id} data-testid={`user-row-${u.name}`}>
                    <td>
                      <strong className="mono">{u.name}</strong>
                      {u.id === me.id ? <span className="muted small"> ({t('team.you')})</span> : null}
                    </td>
                    <td data-label={t('team.colDisplayName')}>{u.displayName || <span className="muted">—</span>}</td>
                    <td data-label={t('team.colRole')}>
                      {editable ? (
                        <select
                          value={u.role}
                          disabled={busy === u.id}
                          aria-label={t('team.colRole')}
                          onChange={(e) => {
                            const role = e.target.value as Role;
                            void change(u, { role }, t('team.roleChanged', { name: who, role: t(`common.role_${role}`) }));
                          }}
                          data-testid={`user-role-${u.name}`}
                        >
                          {grantableRoles(me.role).map((r) => (
                            <option key={r} value={r}>
                              {t(`common.role_${r}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        t(`common.role_${u.role}`)
                      )}
                    </td>
                    <td data-label={t('team.colStatus')} data-testid={`user-status-${u.name}`}>
                      {u.disabled ? <span className="badge badge-bad">{t('team.disabled')}</span> : <span className="badge badge-ok">{t('team.active')}</span>}
                    </td>
                    <td>
                      {editable ? (
                        <div className="actions">
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={busy === u.id}
                            onClick={() =>
                              void change(u, { disabled: !u.disabled }, t(u.disabled ? 'team.userEnabled' : 'team.userDisabled', { name: who }))
                            }
                            data-testid={`user-toggle-${u.name}`}
                          >
                            {u.disabled ? t('team.enable') : t('team.disable')}
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-quiet"
                            aria-expanded={resetting === u.id}
                            onClick={() => setResetting(resetting === u.id ? undefined : u.id)}
                            data-testid={`user-reset-${u.name}`}
                          >
                            {t('team.resetPassword')}
                          </button>
                        </div>
                      ) : null}
                      {resetting === u.id ? (
                        <PasswordReset busy={busy === u.id} onSubmit={(password) => void change(u, { password }, t('team.passwordSet', { name: who }))} />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PasswordReset({ busy, onSubmit }: { busy: boolean; onSubmit: (password: string) => void }) {
  const t = useT();
  const [password, setPassword] = useState('');
  return (
    <form
      className="actions"
      style={{ marginTop: 8 }}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(password);
      }}
      data-testid="user-reset-form"
    >
      <input
        type="password"
        autoComplete="new-password"
        aria-label={t('team.newPassword')}
        placeholder={t('team.newPassword')}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        data-testid="user-reset-password"
      />
      <button type="submit" className="btn btn-small btn-primary" disabled={busy || !password} data-testid="user-reset-submit">
        {t('team.setPassword')}
      </button>
    </form>
  );
}

function UserAddForm({ onAdded, onCancel }: { onAdded: (name: string) => void; onCancel: () => void }) {
  const t = useT();
  const me = useUser();
  const roles = grantableRoles(me.role);
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('operator') ? 'operator' : roles[0]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const short = shortPassword(password, t('session.passwordShort', { min: MIN_PASSWORD }));
    if (short) return setError(short);
    setBusy(true);
    setError(undefined);
    try {
      await post('/api/users', { name: name.trim(), password, role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
      onAdded(displayName.trim() || name.trim());
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const fieldClass = (f: string) => `field${error?.field === f ? ' field-error' : ''}`;
  return (
    <form className="card" onSubmit={submit} data-testid="user-add-form">
      <h3>{t('team.addTitle')}</h3>
      <div className="form-row">
        <label className={fieldClass('name')}>
          {t('team.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" data-testid="user-add-name" />
          <span className="hint">{t('team.nameHint')}</span>
        </label>
        <label className={fieldClass('displayName')}>
          <span>
            {t('team.displayName')} <span className="hint">({t('common.optional')})</span>
          </span>
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} data-testid="user-add-display-name" />
        </label>
      </div>
      <div className="form-row" style={{ marginTop: 12 }}>
        <label className={fieldClass('password')}>
          {t('team.password')}
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="user-add-password" />
          <span className="hint">{t('team.passwordHint', { min: MIN_PASSWORD })}</span>
        </label>
        <label className={fieldClass('role')}>
          {t('team.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-add-role">
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`common.role_${r}`)}
              </option>
            ))}
          </select>
          <span className="hint" data-testid="user-add-role-help">
            {t(`team.roleHelp_${role}`)}
          </span>
        </label>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      <div className="actions" style={{ marginTop: 12 }}>
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || !password} data-testid="user-add-submit">
          {busy ? t('team.adding') : t('team.addSubmit')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
