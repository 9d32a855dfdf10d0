// Insights → Moderation: the settings per community type or group (set for a selector, a partial
// change keeps the rest) and the moderation log with undo (unmute, unban; a deleted message cannot
// come back). A leader sees and undoes their own groups' actions.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, api, asFailure, post, useGet } from '../../api.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';

interface Settings {
  links: 'block' | 'allow';
  allowDomains: string[];
  words: string[];
  contacts: 'block' | 'allow';
  warn: number;
  warnWindowHours: number;
  after: 'mute' | 'remove';
  blacklist: boolean;
}

interface Scope {
  scope: string;
  name?: string;
  groups: string[];
  settings: Settings;
}

interface LogEntry {
  id: number;
  at: string;
  groupName: string;
  member: string | null;
  memberName: string | null;
  rule: string;
  action: string;
  deleted: boolean;
  text: string;
  undoneAt: string | null;
  undoable: boolean;
}

const list = (v: string) =>
  v
    .split(/[,，\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function ModerationPage() {
  const t = useT();
  const user = useUser();
  const operator = user.role !== 'leader' && user.role !== 'viewer';
  const scopes = useGet<{ scopes: Scope[] }>('/api/moderation');
  const log = useGet<{ log: LogEntry[] }>('/api/moderation/log');
  const [groups, setGroups] = useState('');
  const [links, setLinks] = useState<'block' | 'allow'>('block');
  const [domains, setDomains] = useState('');
  const [words, setWords] = useState('');
  const [contacts, setContacts] = useState<'block' | 'allow'>('block');
  const [warn, setWarn] = useState(3);
  const [after, setAfter] = useState<'mute' | 'remove'>('mute');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await api<{ scopes: Scope[] }>('PUT', '/api/moderation', {
        groups: groups.trim(),
        settings: { links, allowDomains: list(domains), words: list(words), contacts, warn, after },
      });
      setDone(t('insight.modSaved', { count: r.scopes.reduce((n, s) => n + s.groups.length, 0) }));
      await scopes.reload();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  async function undo(x: LogEntry) {
    setError(undefined);
    setDone(undefined);
    try {
      const r = await post<{ note: unknown }>(`/api/moderation/log/${x.id}/undo`);
      setDone(r.note ? `${t('insight.modUndone')} ${t('insight.modDeletedStays')}` : t('insight.modUndone'));
      await log.reload();
    } catch (err) {
      setError(asFailure(err));
    }
  }

  return (
    <div data-testid="moderation-page">
      <div className="page-head">
        <div>
          <h1>{t('insight.modTitle')}</h1>
          <p className="muted">{t('insight.modIntro')}</p>
        </div>
      </div>
      {operator ? (
        <form className="card" onSubmit={save} data-testid="moderation-form">
          <div className="form-row">
            <label className="field">
              {t('insight.modGroups')}
              <input value={groups} onChange={(e) => setGroups(e.target.value)} maxLength={500} required placeholder="community:camp" data-testid="moderation-groups" />
              <span className="hint">{t('insight.modGroupsHint')}</span>
            </label>
            <label className="field">
              {t('insight.modLinks')}
              <select value={links} onChange={(e) => setLinks(e.target.value as 'block' | 'allow')} data-testid="moderation-links">
                <option value="block">{t('insight.modBlock')}</option>
                <option value="allow">{t('insight.modAllow')}</option>
              </select>
            </label>
            <label className="field">
              {t('insight.modContacts')}
              <select value={contacts} onChange={(e) => setContacts(e.target.value as 'block' | 'allow')} data-testid="moderation-contacts">
                <option value="block">{t('insight.modBlock')}</option>
                <option value="allow">{t('insight.modAllow')}</option>
              </select>
            </label>
          </div>
          <div className="form-row">
            <label className="field">
              {t('insight.modDomains')}
              <input value={domains} onChange={(e) => setDomains(e.target.value)} placeholder="example.com, shop.cn" data-testid="moderation-domains" />
            </label>
            <label className="field">
              {t('insight.modWords')}
              <input value={words} onChange={(e) => setWords(e.target.value)} placeholder="代购, 刷单" data-testid="moderation-words" />
            </label>
            <label className="field">
              {t('insight.modWarn')}
              <input type="number" min={1} max={20} value={warn} onChange={(e) => setWarn(Number(e.target.value))} data-testid="moderation-warn" />
            </label>
            <label className="field">
              {t('insight.modThen')}
              <select value={after} onChange={(e) => setAfter(e.target.value as 'mute' | 'remove')} data-testid="moderation-then">
                <option value="mute">{t('insight.modMute')}</option>
                <option value="remove">{t('insight.modRemove')}</option>
              </select>
            </label>
          </div>
          <div className="actions" style={{ marginTop: 12 }}>
            <button type="submit" className="btn btn-primary" disabled={busy || !groups.trim()} data-testid="moderation-save">
              {t('insight.modSave')}
            </button>
          </div>
        </form>
      ) : null}
      {done ? <Note kind="success">{done}</Note> : null}
      {error ? <ErrorNote error={error} /> : null}
      <h2>{t('insight.modScopes')}</h2>
      {!scopes.data ? (
        scopes.error ? <ErrorNote error={scopes.error} onRetry={() => void scopes.reload()} /> : <Loading />
      ) : scopes.data.scopes.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="moderation-scopes">
            <tbody>
              {scopes.data.scopes.map((s) => (
                <tr key={s.scope}>
                  <td>
                    <strong>{s.scope.startsWith('community:') ? t('insight.modCommunity', { type: s.name ?? '' }) : (s.name ?? '')}</strong>
                    <div className="muted small">{t('insight.modGroupCount', { count: s.groups.length })}</div>
                  </td>
                  <td className="small">
                    {t('insight.modLinks')}: {s.settings.links === 'block' ? t('insight.modBlock') : t('insight.modAllow')}
                    {s.settings.allowDomains.length ? ` (${s.settings.allowDomains.join(', ')})` : ''} · {t('insight.modContacts')}:{' '}
                    {s.settings.contacts === 'block' ? t('insight.modBlock') : t('insight.modAllow')}
                  </td>
                  <td className="small">{s.settings.words.join(', ') || '—'}</td>
                  <td className="small">{t(s.settings.after === 'mute' ? 'insight.modAfterMute' : 'insight.modAfterRemove', { count: s.settings.warn })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title={t('insight.modNoScopes')} />
      )}
      <div className="section-head">
        <h2>{t('insight.modLog')}</h2>
        <ExportLinks href="/api/moderation/log" testid="moderation-export" />
      </div>
      {!log.data ? (
        log.error ? <ErrorNote error={log.error} onRetry={() => void log.reload()} /> : <Loading />
      ) : log.data.log.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="moderation-log">
            <tbody>
              {log.data.log.map((x) => (
                <tr key={x.id} data-testid={`moderation-entry-${x.id}`}>
                  <td className="muted small">
                    <When iso={x.at} />
                  </td>
                  <td>
                    <strong>{x.memberName ?? x.member ?? '—'}</strong>
                    <div className="muted small">{x.groupName}</div>
                  </td>
                  <td>
                    {t(`insight.action.${x.action}`)}
                    {x.deleted ? <div className="muted small">{t('insight.modDeleted')}</div> : null}
                    <div className="muted small">{t(`insight.rule.${x.rule}`)}</div>
                  </td>
                  <td className="small">{x.text}</td>
                  <td>
                    {x.undoable ? (
                      <button type="button" className="btn btn-small" onClick={() => void undo(x)} data-testid={`moderation-undo-${x.id}`}>
                        {t('insight.modUndo')}
                      </button>
                    ) : x.undoneAt ? (
                      <span className="muted small">{t('insight.modWasUndone')}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title={t('insight.modNoLog')} />
      )}
    </div>
  );
}
