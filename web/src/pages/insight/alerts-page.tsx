// Insights → Keyword alerts: the words that notify the operators, the messages that raised them
// (newest first; `?group=` shows one group's, the link a notification carries), adding a word,
// and the command-center group that receives a message for every alert.

import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { type ApiFailure, api, asFailure, del, post, useGet } from '../../api.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';

interface Alert {
  id: string;
  keyword: string;
  groups: string;
  hits: number;
  createdAt: string;
}

interface Hit {
  alert: string;
  keyword: string;
  group: string;
  groupName: string;
  memberName: string | null;
  text: string;
  at: string;
}

export function AlertsPage() {
  const t = useT();
  const user = useUser();
  const operator = user.role !== 'leader' && user.role !== 'viewer';
  const [params] = useSearchParams();
  const group = params.get('group');
  const alerts = useGet<{ alerts: Alert[]; commandCenter: string | null }>('/api/alerts');
  const hits = useGet<{ hits: Hit[] }>(`/api/alerts/hits${group ? `?group=${encodeURIComponent(group)}` : ''}`);
  const [keyword, setKeyword] = useState('');
  const [groups, setGroups] = useState('');
  const [center, setCenter] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();

  async function run(fn: () => Promise<string>) {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await fn());
      await alerts.reload();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await post('/api/alerts', { keyword: keyword.trim(), ...(groups.trim() ? { groups: groups.trim() } : {}) });
      setKeyword('');
      return t('insight.alAdded', { keyword: keyword.trim() });
    });
  };
  const saveCenter = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('PUT', '/api/alerts/settings', { commandCenter: (center ?? '').trim() || null });
      return t('insight.alCenterSaved');
    });
  };

  return (
    <div data-testid="alerts-page">
      <div className="page-head">
        <div>
          <h1>{t('insight.alTitle')}</h1>
          <p className="muted">{t('insight.alIntro')}</p>
        </div>
      </div>
      {operator ? (
        <>
          <form className="card" onSubmit={add} data-testid="alert-form">
            <div className="form-row">
              <label className="field">
                {t('insight.alKeyword')}
                <input value={keyword} onChange={(e) => setKeyword(e.target.value)} maxLength={100} required data-testid="alert-keyword" />
              </label>
              <label className="field">
                {t('insight.modGroups')}
                <input value={groups} onChange={(e) => setGroups(e.target.value)} maxLength={500} placeholder="all" data-testid="alert-groups" />
              </label>
            </div>
            <div className="actions" style={{ marginTop: 12 }}>
              <button type="submit" className="btn btn-primary" disabled={busy || !keyword.trim()} data-testid="alert-add">
                {t('insight.alAdd')}
              </button>
            </div>
          </form>
          <form className="card" onSubmit={saveCenter} data-testid="alert-center-form">
            <label className="field">
              {t('insight.alCenter')}
              <input
                value={center ?? alerts.data?.commandCenter ?? ''}
                onChange={(e) => setCenter(e.target.value)}
                maxLength={200}
                placeholder={t('insight.alCenterNone')}
                data-testid="alert-center"
              />
              <span className="hint">{t('insight.alCenterHint')}</span>
            </label>
            <div className="actions" style={{ marginTop: 12 }}>
              <button type="submit" className="btn" disabled={busy} data-testid="alert-center-save">
                {t('insight.alCenterSave')}
              </button>
            </div>
          </form>
        </>
      ) : null}
      {done ? <Note kind="success">{done}</Note> : null}
      {error ? <ErrorNote error={error} /> : null}
      {!alerts.data ? (
        alerts.error ? <ErrorNote error={alerts.error} onRetry={() => void alerts.reload()} /> : <Loading />
      ) : alerts.data.alerts.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="alerts-table">
            <tbody>
              {alerts.data.alerts.map((a) => (
                <tr key={a.id} data-testid={`alert-${a.id}`}>
                  <td>
                    <strong>{a.keyword}</strong>
                  </td>
                  <td className="small">{a.groups}</td>
                  <td className="small">{t('insight.alHits', { count: a.hits })}</td>
                  <td>
                    {operator ? (
                      <button type="button" className="btn btn-small" onClick={() =>
                          void run(async () => {
                            await del(`/api/alerts/${a.id}`);
                            return t('insight.alRemoved');
                          })
                        }>
                        {t('insight.alRemove')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title={t('insight.alNone')} />
      )}
      <div className="section-head">
        <h2>{t('insight.alHitsTitle')}</h2>
        <ExportLinks href={`/api/alerts/hits${group ? `?group=${encodeURIComponent(group)}` : ''}`} testid="alerts-export" />
      </div>
      {!hits.data ? (
        hits.error ? <ErrorNote error={hits.error} onRetry={() => void hits.reload()} /> : <Loading />
      ) : hits.data.hits.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="alert-hits">
            <tbody>
              {hits.data.hits.map((h) => (
                <tr key={`${h.alert}-${h.at}-${h.group}`}>
                  <td className="muted small">
                    <When iso={h.at} />
                  </td>
                  <td>
                    <strong>{h.keyword}</strong>
                    <div className="muted small">{h.groupName}</div>
                  </td>
                  <td className="small">
                    {h.memberName ?? '—'}: {h.text}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title={t('insight.alNoHits')} />
      )}
    </div>
  );
}
