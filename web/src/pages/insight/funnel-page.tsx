// Insights → Funnel and cohorts (docs/insight.md#funnels-and-cohorts): the four stages as bars with
// their counts and rates, group by group; the join-week cohorts as a heat map (each cell shaded by
// its share, the numbers written in it); one group's DAU, MAU and their ratio over 30 days; the
// members by stage over 30 days. Filtered by a group selector and a join date; every table
// downloads as CSV or Excel. A leader sees their own groups (the API scopes it).

import { type FormEvent, useMemo, useState } from 'react';
import { useGet } from '../../api.ts';
import { Chart } from '../../charts/chart.tsx';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { ExportLinks } from '../../ui/export-links.tsx';
import './insight.css';

interface Stage {
  count: number;
  rate: number;
}
interface Funnel {
  attract: Stage;
  activate: Stage;
  retain: Stage;
  convert: Stage;
}
interface FunnelAnswer {
  funnel: Funnel;
  groups: (Funnel & { group: string; name: string })[];
}
interface Cohort {
  week: string;
  joined: number;
  retained: number[];
}
interface DauAnswer {
  days: { day: string; dau: number; mau: number; ratio: number }[];
}
interface StagesAnswer {
  stages: string[];
  days: { day: string; counts: Record<string, number> }[];
}

const STAGES = ['attract', 'activate', 'retain', 'convert'] as const;
/** Groups shown by group (most joins first); the download has them all. */
const GROUP_ROWS = 50;
/** One colour per people stage (seven: one more than the charts' palette). */
const STAGE_COLORS = ['#9ca3af', '#7d5bbe', '#2f6fde', '#2f9e6b', '#e0892b', '#c0392b', '#8b5a2b'];
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
/** A local day as the chart's x: Unix seconds of its midnight in the browser's zone. */
const dayX = (day: string) => Date.parse(`${day}T00:00:00`) / 1000;

function query(params: Record<string, string>): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v.trim() !== ''));
  return q.toString() ? `?${q}` : '';
}

export function FunnelPage() {
  const t = useT();
  const [groups, setGroups] = useState('');
  const [since, setSince] = useState('');
  const [shown, setShown] = useState({ groups: '', since: '' });
  const funnelPath = `/api/insight/funnel${query(shown)}`;
  const cohortPath = `/api/insight/cohorts${query({ groups: shown.groups })}`;
  const stagePath = `/api/insight/stages${query({ groups: shown.groups })}`;
  const funnel = useGet<FunnelAnswer>(funnelPath);
  const cohorts = useGet<{ cohorts: Cohort[] }>(cohortPath);
  const stages = useGet<StagesAnswer>(stagePath);
  const list = useGet<{ groups: { id: string; name: string }[] }>(`/api/groups${query({ groups: shown.groups })}`);
  const [picked, setPicked] = useState('');
  const dauGroup = picked || list.data?.groups[0]?.id || '';
  const dauPath = dauGroup ? `/api/insight/dau?group=${encodeURIComponent(dauGroup)}` : null;
  const dau = useGet<DauAnswer>(dauPath);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setPicked('');
    setShown({ groups: groups.trim(), since });
  };

  return (
    <div data-testid="funnel-page">
      <div className="page-head">
        <div>
          <h1>{t('funnel.title')}</h1>
          <p className="muted">{t('funnel.intro')}</p>
        </div>
      </div>
      <form className="card" onSubmit={apply} data-testid="funnel-filter">
        <div className="form-row">
          <label className="field">
            {t('funnel.groups')}
            <input value={groups} onChange={(e) => setGroups(e.target.value)} maxLength={500} placeholder="all" data-testid="funnel-groups" />
            <span className="hint">{t('funnel.groupsHint')}</span>
          </label>
          <label className="field">
            {t('funnel.since')}
            <input type="date" value={since} onChange={(e) => setSince(e.target.value)} data-testid="funnel-since" />
            <span className="hint">{t('funnel.sinceHint')}</span>
          </label>
        </div>
        <div className="actions" style={{ marginTop: 12 }}>
          <button type="submit" className="btn btn-primary" data-testid="funnel-apply">
            {t('funnel.apply')}
          </button>
        </div>
      </form>

      <section className="funnel-section">
        <div className="section-head">
          <h2>{t('funnel.funnelTitle')}</h2>
          <ExportLinks href={funnelPath} testid="funnel-export" />
        </div>
        {funnel.error ? <ErrorNote error={funnel.error} onRetry={() => void funnel.reload()} /> : !funnel.data ? <Loading /> : <FunnelView data={funnel.data} />}
      </section>

      <section className="funnel-section">
        <div className="section-head">
          <h2>{t('funnel.cohortsTitle')}</h2>
          <ExportLinks href={cohortPath} testid="cohort-export" />
        </div>
        <p className="muted small">{t('funnel.cohortsIntro')}</p>
        {cohorts.error ? (
          <ErrorNote error={cohorts.error} onRetry={() => void cohorts.reload()} />
        ) : !cohorts.data ? (
          <Loading />
        ) : cohorts.data.cohorts.length === 0 ? (
          <p className="muted" data-testid="cohort-table">
            {t('funnel.cohortsEmpty')}
          </p>
        ) : (
          <CohortTable cohorts={cohorts.data.cohorts} />
        )}
      </section>

      <section className="funnel-section">
        <div className="section-head">
          <h2>{t('funnel.dauTitle')}</h2>
          {dauPath ? <ExportLinks href={dauPath} testid="dau-export" /> : null}
        </div>
        <p className="muted small">{t('funnel.dauIntro')}</p>
        {list.data && list.data.groups.length > 0 ? (
          <label className="field funnel-pick">
            {t('funnel.dauGroup')}
            <select value={dauGroup} onChange={(e) => setPicked(e.target.value)} data-testid="dau-group">
              {list.data.groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {list.error ? (
          <ErrorNote error={list.error} onRetry={() => void list.reload()} />
        ) : list.data && list.data.groups.length === 0 ? (
          <p className="muted">{t('funnel.noGroups')}</p>
        ) : dau.error ? (
          <ErrorNote error={dau.error} onRetry={() => void dau.reload()} />
        ) : !dau.data ? (
          <Loading />
        ) : (
          <DauChart data={dau.data} />
        )}
      </section>

      <section className="funnel-section">
        <div className="section-head">
          <h2>{t('funnel.stagesTitle')}</h2>
          <ExportLinks href={stagePath} testid="stages-export" />
        </div>
        <p className="muted small">{t('funnel.stagesIntro')}</p>
        {stages.error ? <ErrorNote error={stages.error} onRetry={() => void stages.reload()} /> : !stages.data ? <Loading /> : <StageChart data={stages.data} />}
      </section>
    </div>
  );
}

function FunnelView({ data }: { data: FunnelAnswer }) {
  const t = useT();
  const f = data.funnel;
  const categories = useMemo(() => STAGES.map((s) => t(`funnel.stage.${s}`)), [t]);
  const series = useMemo(() => [{ label: t('funnel.members'), values: STAGES.map((s) => f[s].count), bars: true }], [f, t]);
  const x = useMemo(() => STAGES.map((_s, i) => i), []);
  if (!f.attract.count) return <Empty title={t('funnel.emptyTitle')}>{t('funnel.emptyBody')}</Empty>;
  return (
    <>
      <div className="funnel-grid">
        <Chart x={x} categories={categories} series={series} label={t('funnel.funnelChart')} xLabel={t('funnel.stage')} testid="funnel-chart" />
        <div className="table-wrap">
          <table className="table" data-testid="funnel-table">
            <thead>
              <tr>
                <th>{t('funnel.stage')}</th>
                <th className="num">{t('funnel.count')}</th>
                <th className="num">{t('funnel.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {STAGES.map((s) => (
                <tr key={s} data-testid={`funnel-${s}`}>
                  <td>
                    <strong>{t(`funnel.stage.${s}`)}</strong>
                    <div className="muted small">{t(`funnel.stageHint.${s}`)}</div>
                  </td>
                  <td className="num">{f[s].count}</td>
                  <td className="num">{pct(f[s].rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <p className="muted small">{t('funnel.retainNote')}</p>
      <h3>{t('funnel.byGroup')}</h3>
      <div className="table-wrap">
        <table className="table table-cards" data-testid="funnel-by-group">
          <thead>
            <tr>
              <th>{t('funnel.group')}</th>
              {STAGES.map((s) => (
                <th key={s} className="num">
                  {t(`funnel.stage.${s}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.groups.slice(0, GROUP_ROWS).map((g) => (
              <tr key={g.group}>
                <td>
                  <strong>{g.name}</strong>
                </td>
                {STAGES.map((s) => (
                  <td key={s} className="num" data-label={t(`funnel.stage.${s}`)}>
                    {g[s].count}
                    {s === 'attract' ? null : <span className="muted small"> · {pct(g[s].rate)}</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.groups.length > GROUP_ROWS ? <p className="muted small">{t('funnel.moreGroups', { shown: GROUP_ROWS, count: data.groups.length })}</p> : null}
    </>
  );
}

function CohortTable({ cohorts }: { cohorts: Cohort[] }) {
  const t = useT();
  const weeks = Math.max(0, ...cohorts.map((c) => c.retained.length));
  const columns = Array.from({ length: weeks }, (_, k) => ({ id: `week-${k + 1}`, k }));
  return (
    <div className="table-wrap">
      <table className="table cohort-table" data-testid="cohort-table">
        <thead>
          <tr>
            <th>{t('funnel.week')}</th>
            <th className="num">{t('funnel.joined')}</th>
            {columns.map((w) => (
              <th key={w.id} className="num">
                {t('funnel.weekN', { n: w.k + 1 })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((c) => (
            <tr key={c.week} data-testid="cohort-row">
              <td>{c.week}</td>
              <td className="num">{c.joined}</td>
              {columns.map(({ id, k }) => {
                const n = c.retained[k];
                if (n === undefined) return <td key={id} />;
                const share = c.joined ? n / c.joined : 0;
                return (
                  <td
                    key={id}
                    className="num cohort-cell"
                    style={{ background: `rgba(47, 111, 222, ${(0.08 + 0.82 * share).toFixed(2)})`, color: share > 0.55 ? '#fff' : undefined }}
                    title={t('funnel.cell', { count: n, joined: c.joined, rate: pct(share) })}
                  >
                    {n}
                    <div className="small">{pct(share)}</div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DauChart({ data }: { data: DauAnswer }) {
  const t = useT();
  const x = useMemo(() => data.days.map((d) => dayX(d.day)), [data]);
  const counts = useMemo(
    () => [
      { label: t('funnel.dau'), values: data.days.map((d) => d.dau) },
      { label: t('funnel.mau'), values: data.days.map((d) => d.mau) },
    ],
    [data, t],
  );
  const ratio = useMemo(() => [{ label: t('funnel.ratio'), values: data.days.map((d) => d.ratio) }], [data, t]);
  return (
    <div className="funnel-grid">
      <Chart x={x} series={counts} label={t('funnel.dauChart')} xLabel={t('funnel.day')} testid="dau-chart" />
      <Chart x={x} series={ratio} share label={t('funnel.ratio')} xLabel={t('funnel.day')} testid="dau-ratio" />
    </div>
  );
}

function StageChart({ data }: { data: StagesAnswer }) {
  const t = useT();
  const x = useMemo(() => data.days.map((d) => dayX(d.day)), [data]);
  const series = useMemo(() => data.stages.map((s, i) => ({ label: t(`standing.stage.${s}`), values: data.days.map((d) => d.counts[s] ?? 0), color: STAGE_COLORS[i % STAGE_COLORS.length] })), [data, t]);
  return <Chart x={x} series={series} label={t('funnel.stagesChart')} xLabel={t('funnel.day')} height={260} testid="stage-chart" />;
}
