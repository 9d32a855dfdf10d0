// The operator's day on the Overview (`GET /api/overview`): what needs someone now (failed sends,
// sends to check, late and missed actions), what is due in the next hours, channels to look at
// and the runs in progress. Every line is a link to where it is acted on: the board cell (its
// details open), the channel, the run. Refreshes by itself.

import { useState } from 'react';
import { Link } from 'react-router';
import { useLocale, useT } from '../../i18n/index.ts';
import { PersonName } from '../../people.tsx';
import { formatClock, formatDate, formatDateTime } from '../../time.ts';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import type { Overview, OverviewDying, OverviewItem, OverviewRun, OverviewSection } from '../../../../src/run/overview.ts';
import { OpenQuestions } from '../insight/overview-questions.tsx';
import { usePolling } from '../runs/polling.ts';
import './today.css';

/** The answer of `GET /api/overview`: the pure decision's shape (src/run/overview.ts), and whether a list was cut short. */
export type OverviewAnswer = Overview & { capped: boolean; dying?: OverviewDying };

const HOURS = [2, 6, 12, 24] as const;
const REFRESH_MS = 30_000;

/** Where a ledger row is acted on: its cell on the run board, with the details open. */
export function cellLink(item: Pick<OverviewItem, 'runId' | 'id'>): string {
  return `/runs/${encodeURIComponent(item.runId)}?cell=${item.id}`;
}

export function runLink(run: Pick<OverviewRun, 'id' | 'kind'>): string {
  return run.kind === 'broadcast' ? `/command/${encodeURIComponent(run.id)}` : `/runs/${encodeURIComponent(run.id)}`;
}

export function Today() {
  const t = useT();
  const locale = useLocale();
  const [hours, setHours] = useState<number>(6);
  const { data, error, refresh, loadedAt } = usePolling<OverviewAnswer>(`/api/overview?hours=${hours}`, REFRESH_MS);

  if (!data && error) return <ErrorNote error={error} onRetry={refresh} />;
  if (!data) return <Loading />;
  const problems: { key: 'failed' | 'unconfirmed' | 'late' | 'missed'; tone: string }[] = [
    { key: 'failed', tone: 'bad' },
    { key: 'unconfirmed', tone: 'warn' },
    { key: 'late', tone: 'warn' },
    { key: 'missed', tone: 'bad' },
  ];
  const needs = problems.reduce((n, p) => n + data[p.key].total, 0);

  return (
    <section className="today" data-testid="overview">
      <div className="today-head">
        <h2>{t('overview.title')}</h2>
        <fieldset className="today-hours">
          <legend className="sr-only">{t('overview.lookAhead')}</legend>
          <span className="muted small">{t('overview.lookAhead')}</span>
          {HOURS.map((h) => (
            <button
              key={h}
              type="button"
              className={`btn btn-small${h === hours ? ' btn-primary' : ''}`}
              aria-pressed={h === hours}
              onClick={() => setHours(h)}
              data-testid={`overview-hours-${h}`}
            >
              {t('overview.hoursOption', { n: h })}
            </button>
          ))}
        </fieldset>
        {loadedAt ? <span className="muted small">{t('overview.updated', { time: formatClock(loadedAt, locale) })}</span> : null}
      </div>
      {data.capped ? <p className="muted small">{t('overview.capped')}</p> : null}

      <div className="today-grid">
        <div className="card today-card" data-testid="overview-attention">
          <h3>
            {t('overview.attentionTitle')} {needs ? <span className="badge badge-bad">{needs}</span> : null}
          </h3>
          {needs === 0 ? <p className="muted">{t('overview.attentionNone')}</p> : null}
          {problems.map((p) =>
            data[p.key].total ? (
              <div key={p.key} className="today-group" data-testid={`overview-${p.key}`} data-count={data[p.key].total}>
                <h4>
                  <span className={`badge badge-${p.tone}`}>{data[p.key].total}</span> {t(`overview.${p.key}`)}
                </h4>
                <p className="muted small">{t(`overview.${p.key}Help`)}</p>
                <Items section={data[p.key]} />
              </div>
            ) : null,
          )}
        </div>

        <div className="card today-card" data-testid="overview-due" data-count={data.due.total}>
          <h3>{t('overview.dueTitle', { hours: data.hours })}</h3>
          {data.due.total ? <Items section={data.due} clock /> : <p className="muted">{t('overview.dueNone', { hours: data.hours })}</p>}
        </div>

        {data.channels.length ? (
          <div className="card today-card" data-testid="overview-channels">
            <h3>{t('overview.channelsTitle')}</h3>
            <ul className="today-list">
              {data.channels.map((c) => (
                <li key={c.id} data-testid={`overview-channel-${c.id}`}>
                  <Link to="/channels">{c.name}</Link>{' '}
                  {c.status !== 'active' ? <span className="badge badge-bad">{t(c.status === 'needs_reauth' || c.status === 'disabled' ? `overview.channelStatus_${c.status}` : 'overview.channelStatus_other')}</span> : null}
                  {c.reason ? <div className="muted small">{c.reason}</div> : null}
                  {c.groupsLost ? <div className="muted small">{t('overview.groupsLost', { count: c.groupsLost })}</div> : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {data.dying?.total ? (
          <div className="card today-card" data-testid="overview-dying" data-count={data.dying.total}>
            <h3>{t('overview.dyingTitle')}</h3>
            <ul className="today-list">
              {data.dying.groups.map((g) => (
                <li key={g.id} data-testid="overview-dying-group">
                  <Link to="/insight/health">{g.name}</Link> <span className="badge badge-bad">{t('overview.dyingScore', { score: g.score })}</span>
                  <div className="muted small">{t('overview.dyingSince', { date: formatDate(g.since, locale) })}</div>
                </li>
              ))}
            </ul>
            {data.dying.total > data.dying.groups.length ? (
              <p className="muted small">
                <Link to="/insight/health">{t('overview.dyingMore', { count: data.dying.total - data.dying.groups.length })}</Link>
              </p>
            ) : null}
          </div>
        ) : null}

        <OpenQuestions />

        <div className="card today-card" data-testid="overview-runs">
          <h3>{t('overview.runsTitle')}</h3>
          {data.runs.length ? (
            <ul className="today-list">
              {data.runs.map((r) => (
                <li key={r.id} data-testid={`overview-run-${r.id}`}>
                  <div className="today-run-head">
                    <Link to={runLink(r)} data-testid="overview-run-open">
                      {r.title}
                    </Link>
                    <span className="muted small">{t('overview.runStarted', { date: formatDate(r.anchor ?? r.createdAt, locale) })}</span>
                    {r.state !== 'running' ? <span className="badge">{t(`runs.runState_${r.state}`)}</span> : null}
                    {r.attention ? <span className="badge badge-bad">{t('overview.runAttention', { count: r.attention })}</span> : null}
                  </div>
                  <div className="progress today-progress" role="progressbar" aria-valuenow={r.percent} aria-valuemin={0} aria-valuemax={100}>
                    <div className="progress-bar" style={{ width: `${r.percent}%` }} />
                    <span className="progress-label">{t('overview.runProgress', { percent: r.percent })}</span>
                  </div>
                  <div className="muted small">{t('overview.runCounts', { done: r.done, late: r.late, missed: r.missed, pending: r.pending })}</div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('overview.runsNone')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

function Items({ section, clock = false }: { section: OverviewSection; clock?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const lateWords = (minutes: number) =>
    minutes >= 120 ? t('overview.lateByHours', { n: Math.floor(minutes / 60) }) : minutes < 1 ? t('overview.lateJustNow') : t('overview.lateBy', { n: minutes });
  return (
    <ul className="today-list">
      {section.items.map((i) => (
        <li key={i.id} data-testid={`overview-item-${i.id}`}>
          <Link to={cellLink(i)} className="today-item">
            <span className="today-when">{clock ? formatClock(i.due, locale) : i.lateMinutes !== undefined ? lateWords(i.lateMinutes) : formatDateTime(i.due, locale)}</span>
            <span className="today-what">
              <b>{i.groupName}</b> · {t(`runs.action_${i.action}`)} · {i.mode === 'bot' ? t('overview.byBot') : i.assignee ? <PersonName name={i.assignee} /> : t('overview.byNobody')}
              <span className="muted small today-text">
                {i.runTitle} — {i.error ?? i.text}
              </span>
            </span>
          </Link>
        </li>
      ))}
      {section.total > section.items.length ? <li className="muted small">{t('overview.more', { count: section.total - section.items.length })}</li> : null}
    </ul>
  );
}
