// Insights → Group health → one group (reached from a row of the health table): its status, score
// and reasons with what to do, the week's figures, then its daily series as charts — members;
// joined, left and net growth; messages; active ratio and members' share; first response. The
// figures come from GET /api/insight/health/<group> (the rollups; docs/insight.md#a-groups-health-page).

import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useGet } from '../../api.ts';
import { Chart } from '../../charts/chart.tsx';
import { useLocale, useT } from '../../i18n/index.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import { BADGE, type HealthRow, type Reason, STATUS_KEY } from './health-page.tsx';
import './insight.css';

interface Day {
  day: string;
  members: number;
  joined: number;
  left: number;
  netGrowth: number;
  messages: number;
  memberMessages: number;
  staffMessages: number;
  activeMembers: number;
  activeRatio: number;
  memberShare: number | null;
  leaveRate: number;
  questions: number;
  firstResponseP50s: number | null;
}

interface GroupHealth {
  health: Omit<HealthRow, 'messagesDaily'> & { netGrowth7d: number; leaveRate7d: number };
  days: Day[];
}

const RANGES = [30, 90] as const;
const pct = (x: number) => `${Math.round(x * 100)}%`;
/** A local day (YYYY-MM-DD) as the chart's x: the browser's midnight of that date, so the axis shows that date. */
const dayX = (day: string) => new Date(`${day}T00:00:00`).getTime() / 1000;

export function GroupHealthPage() {
  const t = useT();
  const locale = useLocale();
  const { group = '' } = useParams();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const got = useGet<GroupHealth>(`/api/insight/health/${encodeURIComponent(group)}?days=${days}&lang=${locale}`);
  const back = (
    <Link to="/insight/health" className="back-link" data-testid="group-health-back">
      {t('insight.backToHealth')}
    </Link>
  );
  if (got.error)
    return (
      <div data-testid="group-health-page">
        {back}
        <ErrorNote error={got.error} onRetry={() => void got.reload()} />
      </div>
    );
  if (!got.data) return <Loading />;
  const { health: h, days: all } = got.data;
  // The days before the group had anyone or anything are left blank rather than drawn as zeros.
  const born = all.findIndex((d) => d.members > 0 || d.joined > 0 || d.left > 0 || d.messages > 0);
  const series = all.map((d, i) => (born < 0 || i < born ? null : d));
  const x = all.map((d) => dayX(d.day));
  const of = <K extends keyof Day>(key: K, f: (v: NonNullable<Day[K]>) => number = Number) => series.map((d) => (d === null || d[key] === null ? null : f(d[key] as NonNullable<Day[K]>)));
  const minutes = (v: number) => t('insight.minutes', { value: Math.round(v / 6) / 10 });
  return (
    <div data-testid="group-health-page">
      {back}
      <div className="page-head">
        <div>
          <h1>{h.name}</h1>
          <p className="muted small">{t('insight.ageDays', { count: Math.floor(h.ageDays) })}</p>
        </div>
        <fieldset className="health-range" aria-label={t('insight.rangeLabel')}>
          {RANGES.map((n) => (
            <button key={n} type="button" className={n === days ? 'btn btn-primary' : 'btn'} aria-pressed={n === days} onClick={() => setDays(n)} data-testid={`group-health-days-${n}`}>
              {t('insight.lastDays', { count: n })}
            </button>
          ))}
        </fieldset>
      </div>
      <section className="card section health-head" data-testid="group-health-head">
        <div className="health-verdict">
          <span className={`${BADGE[h.status]} health-status`} data-testid="group-health-status" data-status={h.status}>
            {t(STATUS_KEY[h.status])}
          </span>
          <span className="health-score" data-testid="group-health-score">
            {t('insight.scoreOf', { score: h.score })}
          </span>
        </div>
        <Reasons reasons={h.reasons} />
        <dl className="health-figures">
          <Figure label={t('insight.colMembers')} value={String(h.members)} />
          <Figure label={t('insight.colJoinedLeft')} value={`+${h.joined7d} / −${h.left7d}`} />
          <Figure label={t('insight.figMessages')} value={String(h.messagesPerDay7d)} />
          <Figure label={t('insight.colActive')} value={pct(h.activeRatio7d)} />
          <Figure label={t('insight.figMemberShare')} value={pct(h.memberShare7d)} />
          <Figure label={t('insight.figLeaveRate')} value={pct(h.leaveRate7d)} />
          <Figure label={t('insight.figFirstResponse')} value={h.firstResponseP50s === null ? t('insight.noQuestions') : minutes(h.firstResponseP50s)} />
        </dl>
        <p className="muted small">{t('insight.weekNote')}</p>
      </section>
      <div className="health-days-export">
        <ExportLinks href={`/api/insight/health/${encodeURIComponent(group)}?days=${days}`} testid="group-health-export" />
      </div>
      <div className="health-charts">
        <ChartCard title={t('insight.chartMembers')} hint={t('insight.chartMembersHint')}>
          <Chart x={x} xLabel={t('insight.day')} label={t('insight.chartMembers')} testid="chart-members" series={[{ label: t('insight.colMembers'), values: of('members') }]} />
        </ChartCard>
        <ChartCard title={t('insight.chartJoinLeave')} hint={t('insight.chartJoinLeaveHint')}>
          <Chart
            x={x}
            xLabel={t('insight.day')}
            label={t('insight.chartJoinLeave')}
            testid="chart-join-leave"
            series={[
              { label: t('insight.serJoined'), values: of('joined'), bars: true, color: '#2f9e6b' },
              { label: t('insight.serLeft'), values: of('left', (v) => -v), bars: true, color: '#c0392b', format: (v) => String(-v) },
              { label: t('insight.serNet'), values: of('netGrowth'), color: '#2f6fde' },
            ]}
          />
        </ChartCard>
        <ChartCard title={t('insight.chartMessages')} hint={t('insight.chartMessagesHint')}>
          <Chart
            x={x}
            xLabel={t('insight.day')}
            label={t('insight.chartMessages')}
            testid="chart-messages"
            series={[
              { label: t('insight.serMessages'), values: of('messages') },
              { label: t('insight.serMemberMessages'), values: of('memberMessages') },
            ]}
          />
        </ChartCard>
        <ChartCard title={t('insight.chartShares')} hint={t('insight.chartSharesHint')}>
          <Chart
            x={x}
            xLabel={t('insight.day')}
            share
            label={t('insight.chartShares')}
            testid="chart-shares"
            series={[
              { label: t('insight.serActive'), values: of('activeRatio') },
              { label: t('insight.serMemberShare'), values: of('memberShare') },
            ]}
          />
        </ChartCard>
        <ChartCard title={t('insight.chartResponse')} hint={t('insight.chartResponseHint')}>
          {all.some((d) => d.firstResponseP50s !== null) ? (
            <Chart
              x={x}
              xLabel={t('insight.day')}
              label={t('insight.chartResponse')}
              testid="chart-response"
              series={[{ label: t('insight.serResponse'), values: of('firstResponseP50s', (v) => Math.round(v / 6) / 10), format: (v) => t('insight.minutes', { value: v }) }]}
            />
          ) : (
            <p className="muted small" data-testid="chart-response">
              {t('insight.noQuestionsYet')}
            </p>
          )}
        </ChartCard>
      </div>
    </div>
  );
}

function Reasons({ reasons }: { reasons: readonly Reason[] }) {
  const t = useT();
  if (!reasons.length) return <p className="muted">{t('insight.noReasons')}</p>;
  return (
    <ul className="health-reasons" data-testid="group-health-reasons">
      {reasons.map((r) => (
        <li key={r.code}>
          {r.text}
          {r.severity !== 'info' ? <div className="health-advice">{r.advice}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="muted small">{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function ChartCard({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <section className="card section health-chart">
      <h2>{title}</h2>
      <p className="muted small">{hint}</p>
      {children}
    </section>
  );
}
