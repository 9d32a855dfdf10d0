// The Blacklist: who is kept out of every group, why, since when and by whom; add by member
// reference (a member id, or <channel id>:<platform user id>) with a reason; remove with a
// confirmation.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, del, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';

interface Entry {
  member: string;
  name: string;
  reason: string | null;
  by: string | null;
  at: string;
  identities: { channel: string; externalId: string }[];
}

export function BlacklistPage() {
  const t = useT();
  const list = useGet<{ blacklist: Entry[] }>('/api/blacklist');
  const [member, setMember] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();

  async function add(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await post<{ member: string; groups: number }>('/api/blacklist', { member: member.trim(), reason: reason.trim() });
      setDone(t('admission.blAdded', { name: member.trim(), count: r.groups }));
      setMember('');
      setReason('');
      await list.reload();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(x: Entry) {
    setError(undefined);
    try {
      await del(`/api/blacklist/${encodeURIComponent(x.member)}`);
      setConfirming(undefined);
      setDone(t('admission.blRemoved', { name: x.name }));
      await list.reload();
    } catch (err) {
      setError(asFailure(err));
    }
  }

  return (
    <div data-testid="blacklist-page">
      <div className="page-head">
        <div>
          <h1>{t('admission.blTitle')}</h1>
          <p className="muted">{t('admission.blIntro')}</p>
        </div>
      </div>
      <form className="card" onSubmit={add} data-testid="blacklist-form">
        <div className="form-row">
          <label className="field">
            {t('admission.blMember')}
            <input value={member} onChange={(e) => setMember(e.target.value)} maxLength={300} required data-testid="blacklist-member" />
            <span className="hint">{t('admission.blMemberHint')}</span>
          </label>
          <label className="field">
            {t('admission.blReason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} required data-testid="blacklist-reason" />
          </label>
        </div>
        <div className="actions" style={{ marginTop: 12 }}>
          <button type="submit" className="btn btn-primary" disabled={busy || !member.trim() || !reason.trim()} data-testid="blacklist-add">
            {t('admission.blAdd')}
          </button>
        </div>
      </form>
      {done ? <Note kind="success">{done}</Note> : null}
      {error ? <ErrorNote error={error} /> : null}
      {!list.data ? (
        list.error ? <ErrorNote error={list.error} onRetry={() => void list.reload()} /> : <Loading />
      ) : list.data.blacklist.length ? (
        <table className="table" data-testid="blacklist-table">
          <tbody>
            {list.data.blacklist.map((x) => (
              <tr key={x.member} data-testid={`blacklisted-${x.member}`}>
                <td>
                  <strong>{x.name}</strong>
                  <div className="muted small">{x.identities.map((i) => `${i.channel}:${i.externalId}`).join(', ') || x.member}</div>
                </td>
                <td>{x.reason}</td>
                <td className="muted small">
                  <When iso={x.at} /> · {t('admission.blBy', { by: x.by ?? '—' })}
                </td>
                <td>
                  {confirming === x.member ? (
                    <span className="actions">
                      <span className="small">{t('admission.blRemoveConfirm', { name: x.name })}</span>
                      <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(x)} data-testid={`blacklist-remove-confirm-${x.member}`}>
                        {t('admission.blRemove')}
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => setConfirming(undefined)}>
                        {t('common.cancel')}
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="btn btn-small" onClick={() => setConfirming(x.member)} data-testid={`blacklist-remove-${x.member}`}>
                      {t('admission.blRemove')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Empty title={t('admission.blEmpty')} />
      )}
    </div>
  );
}
