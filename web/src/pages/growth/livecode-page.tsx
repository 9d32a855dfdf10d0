// One live code: its QR code to download and print, its address to copy, the group a scan goes
// to now, each group's fill (members against its cap), and scans and joins per hour over the
// last two days. A leader sees only their own groups in it.

import { Link, useParams } from 'react-router';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { CopyField, fullUrl } from './copy-field.tsx';
import { HourlyChart } from './hourly-chart.tsx';
import './growth.css';

interface Slot {
  group: string;
  name: string;
  channelKind: string;
  members: number;
  cap: number | null;
  routed: number;
  full: boolean;
  ready: boolean;
  linkExpiresAt: string | null;
  joins: number;
}

interface Status {
  id: string;
  name: string;
  url: string;
  path: string;
  state: string;
  autoCreate: boolean;
  createdAt: string;
  current: string | null;
  groups: Slot[];
  scans: number;
  joins: number;
  hourly: { hour: string; scans: number; joins: number }[];
}

export function LiveCodePage() {
  const t = useT();
  const { id = '' } = useParams();
  const status = useGet<Status>(`/api/livecodes/${encodeURIComponent(id)}`);
  const s = status.data;
  if (status.error) return <ErrorNote error={status.error} onRetry={() => void status.reload()} />;
  if (!s) return <Loading />;
  // The QR code is made by the server for its public address; without one it cannot be printed.
  const printable = /^https?:\/\//i.test(s.url);
  const qr = `/api/livecodes/${encodeURIComponent(s.id)}/qr.png`;
  const current = s.groups.find((g) => g.group === s.current);
  // A leader sees only their groups: the next scan may go to someone else's, which is not "all full".
  const allFull = s.groups.length > 0 && s.groups.every((g) => g.full);

  return (
    <div data-testid="livecode-page">
      <Link to="/livecodes" className="back-link">
        {t('growth.backToLiveCodes')}
      </Link>
      <div className="page-head">
        <div>
          <h1>{s.name}</h1>
          <p className="muted small">
            {t('growth.lcMadeAt')} <When iso={s.createdAt} />
            {s.state === 'ended' ? ` · ${t('growth.lcEnded')}` : ''}
          </p>
        </div>
        <button type="button" className="btn" onClick={() => void status.reload()} data-testid="livecode-refresh">
          {t('growth.refresh')}
        </button>
      </div>
      <section className="card growth-qr" data-testid="livecode-qr-card">
        {printable ? <img src={qr} alt={t('growth.lcQrAlt', { name: s.name })} data-testid="livecode-qr" /> : null}
        <div className="stack">
          <div>
            <h3>{t('growth.lcAddress')}</h3>
            <CopyField value={fullUrl(s.url)} testid="livecode-url" />
          </div>
          {printable ? (
            <div className="actions">
              <a className="btn btn-primary" href={qr} download={`${s.name}.png`} data-testid="livecode-qr-download">
                {t('growth.lcDownload')}
              </a>
            </div>
          ) : (
            <Note kind="warning">{t('growth.lcNoPublicAddress')}</Note>
          )}
          <p className="muted small">{t('growth.lcHowItWorks')}</p>
        </div>
      </section>
      <div className="stats section">
        <div className="stat" data-testid="livecode-scans">
          <b>{s.scans}</b>
          <span>{t('growth.statScans')}</span>
        </div>
        <div className="stat" data-testid="livecode-joins">
          <b>{s.joins}</b>
          <span>{t('growth.statJoins')}</span>
        </div>
        <div className="stat" data-testid="livecode-current">
          <b className="growth-current">{current ? current.name : '—'}</b>
          <span>{current ? t('growth.lcCurrent') : allFull ? t('growth.lcNoCurrent') : t('growth.lcCurrentElsewhere')}</span>
        </div>
      </div>
      {allFull ? <Note kind="warning">{s.autoCreate ? t('growth.lcAllFullAuto') : t('growth.lcAllFullTask')}</Note> : null}
      <section className="section">
        <h2>{t('growth.lcGroupsTitle')}</h2>
        <div className="table-wrap">
          <table className="table table-cards" data-testid="livecode-groups-table">
            <thead>
              <tr>
                <th>{t('growth.colGroup')}</th>
                <th>{t('growth.colFill')}</th>
                <th className="num">{t('growth.colSent')}</th>
                <th className="num">{t('growth.colJoins')}</th>
                <th>{t('growth.colEntry')}</th>
              </tr>
            </thead>
            <tbody>
              {s.groups.map((g) => (
                <tr key={g.group} data-testid="livecode-group">
                  <td>
                    <strong>{g.name}</strong>
                    <div className="muted small">{t(`common.kind_${g.channelKind}`)}</div>
                  </td>
                  <td data-label={t('growth.colFill')}>
                    <Fill members={g.members} cap={g.cap} full={g.full} />
                  </td>
                  <td className="num" data-label={t('growth.colSent')}>
                    {g.routed}
                  </td>
                  <td className="num" data-label={t('growth.colJoins')}>
                    {g.joins}
                  </td>
                  <td className="small" data-label={t('growth.colEntry')}>
                    {g.full ? (
                      <span className="badge badge-bad">{t('growth.lcFull')}</span>
                    ) : g.group === s.current ? (
                      <span className="badge badge-ok">{t('growth.lcNow')}</span>
                    ) : null}{' '}
                    {g.ready ? (
                      g.linkExpiresAt ? (
                        <span className="muted">
                          {t('growth.lcLinkUntil')} <When iso={g.linkExpiresAt} />
                        </span>
                      ) : (
                        <span className="muted">{t('growth.lcLinkReady')}</span>
                      )
                    ) : (
                      <span className="badge badge-warn">{t('growth.lcLinkMissing')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card section">
        <h2>{t('growth.chartTitle')}</h2>
        {s.hourly.length ? <HourlyChart hours={s.hourly} testid="livecode-hourly" /> : <p className="muted small" data-testid="livecode-hourly">{t('growth.chartEmpty')}</p>}
      </section>
    </div>
  );
}

function Fill({ members, cap, full }: { members: number; cap: number | null; full: boolean }) {
  const t = useT();
  if (cap === null) return <span>{t('growth.fillNoCap', { members })}</span>;
  const pct = Math.min(100, Math.round((members / cap) * 100));
  return (
    <div className="fill" title={`${pct} %`}>
      <div className={`fill-bar${full ? ' fill-full' : ''}`}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="nowrap">{t('growth.fillOf', { members, cap })}</span>
    </div>
  );
}
