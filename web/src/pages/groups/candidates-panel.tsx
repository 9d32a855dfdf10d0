// The group page's "Leader candidates" panel: the group's members ranked by activity, answers,
// check-ins, tenure, invites and points, each with the reasons (worded by the server in the
// console's language), and a role to nominate them for.

import { useState } from 'react';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';

interface Candidate {
  member: string;
  name: string;
  score: number;
  reasons: string[];
}

const ROLES = ['committee', 'leader', 'assistant', 'kol'] as const;

export function CandidatesPanel({ group, onClose }: { group: { id: string; name: string }; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  // The language in the path: switching it asks again, so the reasons follow.
  const list = useGet<{ candidates: Candidate[] }>(`/api/groups/${encodeURIComponent(group.id)}/candidates?top=10&lang=${locale}`);
  const [roles, setRoles] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<ApiFailure | undefined>();
  const [done, setDone] = useState<{ name: string; role: string } | undefined>();

  async function nominate(c: Candidate) {
    const role = roles[c.member] ?? 'committee';
    setBusy(c.member);
    setError(undefined);
    setDone(undefined);
    try {
      await post(`/api/groups/${encodeURIComponent(group.id)}/candidates/${encodeURIComponent(c.member)}/nominate`, { role });
      setDone({ name: c.name, role });
      await list.reload();
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="card" data-testid="candidates-panel">
      <div className="page-head" style={{ marginBottom: 8 }}>
        <div>
          <h3>{t('orders.candidatesTitle', { name: group.name })}</h3>
          <p className="muted small">{t('orders.candidatesIntro')}</p>
        </div>
        <button type="button" className="btn btn-small" onClick={onClose} data-testid="candidates-close">
          {t('common.close')}
        </button>
      </div>
      {done ? <Note kind="success">{t('orders.nominated', { name: done.name, role: t(`orders.role_${done.role}`) })}</Note> : null}
      {error ? <ErrorNote error={error} /> : null}
      {list.error ? <ErrorNote error={list.error} onRetry={() => void list.reload()} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && list.data.candidates.length === 0 ? <Empty title={t('orders.candidatesNone')} /> : null}
      {list.data?.candidates.length ? (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="candidates-list">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>{t('orders.colMember')}</th>
                <th className="num">{t('orders.colScore')}</th>
                <th>{t('orders.colReasons')}</th>
                <th>{t('orders.colNominate')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.candidates.map((c, i) => (
                <tr key={c.member} data-testid={`candidate-${c.member}`}>
                  <td className="num">{i + 1}</td>
                  <td>
                    <strong>{c.name}</strong>
                    <div className="muted small mono">{c.member}</div>
                  </td>
                  <td className="num" data-label={t('orders.colScore')}>
                    {c.score.toFixed(1)}
                  </td>
                  <td data-label={t('orders.colReasons')}>
                    <ul className="small" style={{ margin: 0, paddingLeft: 18 }}>
                      {c.reasons.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('orders.colNominate')} className="nowrap">
                    <select
                      value={roles[c.member] ?? 'committee'}
                      onChange={(e) => setRoles((r) => ({ ...r, [c.member]: e.target.value }))}
                      aria-label={t('orders.roleFor', { name: c.name })}
                      style={{ width: 'auto', minWidth: 0 }}
                      data-testid={`candidate-role-${c.member}`}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`orders.role_${r}`)}
                        </option>
                      ))}
                    </select>{' '}
                    <button type="button" className="btn btn-small btn-primary" disabled={busy !== undefined} onClick={() => void nominate(c)} data-testid={`candidate-nominate-${c.member}`}>
                      {busy === c.member ? t('orders.nominating') : t('orders.nominate')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
