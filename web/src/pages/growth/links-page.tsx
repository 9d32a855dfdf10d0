// Tracked links: every link a run sent (wrapped per group and step) and those made by hand, with
// their clicks; "New link" makes one by hand and shows its short address to copy. A row opens the
// link's figures. A leader sees the links sent to their groups, counted there.

import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { decide } from '../../../../src/access/roles.ts';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { CopyField } from './copy-field.tsx';
import './growth.css';

export interface LinkRow {
  id: string;
  url: string;
  name: string | null;
  run: string | null;
  createdAt: string;
  clicks: number;
}

/** Run titles by id, to say which run sent a link (never its id). */
export function useRunTitles(): Map<string, string> {
  const runs = useGet<{ runs: { id: string; title: string }[] }>('/api/runs');
  return useMemo(() => new Map((runs.data?.runs ?? []).map((r) => [r.id, r.title])), [runs.data]);
}

export function LinksPage() {
  const t = useT();
  const user = useUser();
  const links = useGet<LinkRow[]>('/api/links');
  const titles = useRunTitles();
  const [creating, setCreating] = useState(false);
  const canCreate = decide(user.role, 'runs.write') === 'allow';

  return (
    <div data-testid="links-page">
      <div className="page-head">
        <div>
          <h1>{t('growth.linksTitle')}</h1>
          <p className="muted">{t('growth.linksIntro')}</p>
        </div>
        {canCreate && !creating ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="link-new">
            {t('growth.linkNew')}
          </button>
        ) : null}
      </div>
      {creating ? <LinkCreate onClose={() => setCreating(false)} onMade={() => void links.reload()} /> : null}
      {links.error ? (
        <ErrorNote error={links.error} onRetry={() => void links.reload()} />
      ) : !links.data ? (
        <Loading />
      ) : links.data.length === 0 ? (
        <Empty title={t('growth.linksEmptyTitle')}>{t('growth.linksEmptyBody')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="link-list">
            <thead>
              <tr>
                <th>{t('growth.colLink')}</th>
                <th>{t('growth.colFrom')}</th>
                <th>{t('growth.colMade')}</th>
                <th className="num">{t('growth.colClicks')}</th>
              </tr>
            </thead>
            <tbody>
              {links.data.map((l) => (
                <tr key={l.id} data-testid="link-row">
                  <td>
                    <Link to={`/links/${encodeURIComponent(l.id)}`} data-testid="link-open">
                      <strong>{l.name || l.url}</strong>
                    </Link>
                    {l.name ? <div className="muted small">{l.url}</div> : null}
                  </td>
                  <td data-label={t('growth.colFrom')}>
                    {l.run ? <Link to={`/runs/${encodeURIComponent(l.run)}`}>{titles.get(l.run) ?? t('growth.fromRun')}</Link> : t('growth.byHand')}
                  </td>
                  <td className="small" data-label={t('growth.colMade')}>
                    <When iso={l.createdAt} />
                  </td>
                  <td className="num" data-label={t('growth.colClicks')}>
                    {l.clicks}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function LinkCreate({ onClose, onMade }: { onClose: () => void; onMade: () => void }) {
  const t = useT();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [made, setMade] = useState<{ id: string; url: string } | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ id: string; url: string }>('/api/links', { url: url.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
      setMade(r);
      onMade();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card section" role="dialog" aria-label={t('growth.linkNewTitle')} data-testid="link-create">
      <h2>{t('growth.linkNewTitle')}</h2>
      {made ? (
        <div className="stack" data-testid="link-made">
          <p>{t('growth.linkMade')}</p>
          <CopyField value={made.url} testid="link-made-url" />
          <div className="actions">
            <Link className="btn" to={`/links/${encodeURIComponent(made.id)}`} data-testid="link-made-open">
              {t('growth.linkSeeFigures')}
            </Link>
            <button type="button" className="btn" onClick={onClose} data-testid="link-create-close">
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="stack">
          <p className="muted small">{t('growth.linkNewIntro')}</p>
          <div className="form-row">
            <label className="field grow">
              {t('growth.linkUrl')}
              <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://shop.example/offer" maxLength={2000} required data-testid="link-url" />
            </label>
            <label className="field">
              <span>{t('growth.linkName')} <span className="muted small">({t('common.optional')})</span></span>
              <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} data-testid="link-name" />
            </label>
          </div>
          {error ? <ErrorNote error={error} /> : null}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !url.trim()} data-testid="link-create-submit">
              {busy ? t('growth.making') : t('growth.linkCreate')}
            </button>
            <button type="button" className="btn" onClick={onClose} data-testid="link-create-cancel">
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
