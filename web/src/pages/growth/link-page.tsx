// One tracked link's figures: clicks, the members who clicked, orders attributed to it (the
// member's last tracked click before the order, within the window), and the same by group and by
// step of the sheet. A link made by hand shows its short address again, to copy.

import { Link, useParams } from 'react-router';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { CopyField } from './copy-field.tsx';
import { useRunTitles } from './links-page.tsx';
import './growth.css';

interface Stats {
  id: string;
  url: string;
  name: string | null;
  run: string | null;
  short?: string | null;
  clicks: number;
  members: number;
  byGroup: { group: string; name: string; clicks: number; conversions: number }[];
  byStep: { step: string; clicks: number; conversions: number }[];
  conversions: number;
}

/** "12 %" of clicks that became an order; a dash before any click. */
export function rate(conversions: number, clicks: number): string {
  return clicks ? `${Math.round((conversions / clicks) * 1000) / 10} %` : '—';
}

export function LinkPage() {
  const t = useT();
  const { id = '' } = useParams();
  const stats = useGet<Stats>(`/api/links/${encodeURIComponent(id)}`);
  const titles = useRunTitles();
  const s = stats.data;

  return (
    <div data-testid="link-page">
      <Link to="/links" className="back-link">
        {t('growth.backToLinks')}
      </Link>
      {stats.error ? (
        <ErrorNote error={stats.error} onRetry={() => void stats.reload()} />
      ) : !s ? (
        <Loading />
      ) : (
        <>
          <div className="page-head">
            <div>
              <h1>{s.name || t('growth.linkUnnamed')}</h1>
              <p className="muted">
                {t('growth.leadsTo')} <a href={s.url} target="_blank" rel="noreferrer noopener">{s.url}</a>
              </p>
              <p className="muted small">{s.run ? t('growth.sentByRun', { run: titles.get(s.run) ?? '…' }) : t('growth.madeByHand')}</p>
            </div>
          </div>
          {s.short ? (
            <section className="card">
              <h3>{t('growth.shortAddress')}</h3>
              <CopyField value={s.short} testid="link-short" />
            </section>
          ) : null}
          <div className="stats section" data-testid="link-stats">
            <div className="stat" data-testid="link-clicks">
              <b>{s.clicks}</b>
              <span>{t('growth.statClicks')}</span>
            </div>
            <div className="stat">
              <b>{s.members}</b>
              <span>{t('growth.statMembers')}</span>
            </div>
            <div className="stat" data-testid="link-conversions">
              <b>{s.conversions}</b>
              <span>{t('growth.statConversions')}</span>
            </div>
            <div className="stat">
              <b>{rate(s.conversions, s.clicks)}</b>
              <span>{t('growth.statRate')}</span>
            </div>
          </div>
          <p className="muted small growth-explain">{t('growth.conversionsExplained')}</p>
          {s.run ? (
          <div className="split section">
            <section>
              <h2>{t('growth.byGroup')}</h2>
              {s.byGroup.length ? (
                <table className="table" data-testid="link-by-group">
                  <thead>
                    <tr>
                      <th>{t('growth.colGroup')}</th>
                      <th className="num">{t('growth.colClicks')}</th>
                      <th className="num">{t('growth.colConversions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.byGroup.map((g) => (
                      <tr key={g.group}>
                        <td>{g.name}</td>
                        <td className="num">{g.clicks}</td>
                        <td className="num">{g.conversions}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <Empty title={t('growth.noClicksYet')} />
              )}
            </section>
            <section>
              <h2>{t('growth.byStep')}</h2>
              {s.byStep.length ? (
                <table className="table" data-testid="link-by-step">
                  <thead>
                    <tr>
                      <th>{t('growth.colStep')}</th>
                      <th className="num">{t('growth.colClicks')}</th>
                      <th className="num">{t('growth.colConversions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.byStep.map((x) => (
                      <tr key={x.step}>
                        <td className="mono">{x.step}</td>
                        <td className="num">{x.clicks}</td>
                        <td className="num">{x.conversions}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <Empty title={t('growth.noClicksYet')} />
              )}
            </section>
          </div>
          ) : (
            <p className="muted small">{t('growth.byHandNotSplit')}</p>
          )}
        </>
      )}
    </div>
  );
}
