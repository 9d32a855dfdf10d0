// Runs and broadcasts: what is running, paused or finished, how far each got, what needs a look.

import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { usePolling } from './polling.ts';
import { canChangeRuns } from './run-controls.tsx';
import { ATTENTION, BOARD_STATES } from './states.ts';
import './runs.css';

export interface RunSummary {
  id: string;
  kind: 'run' | 'broadcast';
  title: string;
  state: string;
  sheet?: { id: string; version: number };
  anchor?: string;
  deadline?: string;
  groups: number;
  counts: Record<string, number>;
  createdAt: string;
  createdBy: string | null;
}

const KINDS = ['', 'run', 'broadcast'] as const;
const RUN_STATES = ['', 'running', 'paused', 'completed', 'cancelled'] as const;

export function runLink(r: { id: string; kind: string }): string {
  return r.kind === 'broadcast' ? `/command/${encodeURIComponent(r.id)}` : `/runs/${encodeURIComponent(r.id)}`;
}

/** A thin bar of the run's rows by state, in the legend's order. */
export function StackBar({ counts }: { counts: Record<string, number> }) {
  const t = useT();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (!total) return <span className="muted">—</span>;
  const title = BOARD_STATES.filter((s) => counts[s])
    .map((s) => `${t(`runs.state_${s}`)}: ${counts[s]}`)
    .join(' · ');
  return (
    <div className="stackbar" title={title} role="img" aria-label={title}>
      {BOARD_STATES.filter((s) => counts[s]).map((s) => (
        <span key={s} className={`c-${s}`} style={{ width: `${(counts[s] / total) * 100}%` }} />
      ))}
    </div>
  );
}

export function RunsPage() {
  const t = useT();
  const user = useUser();
  const [kind, setKind] = useState<(typeof KINDS)[number]>('');
  const [state, setState] = useState<(typeof RUN_STATES)[number]>('');
  const qs = new URLSearchParams();
  if (kind) qs.set('kind', kind);
  if (state) qs.set('state', state);
  const { data, error, refresh } = usePolling<{ runs: RunSummary[] }>(`/api/runs${qs.size ? `?${qs}` : ''}`, 10_000);

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('runs.title')}</h1>
          <p>{t('runs.intro')}</p>
        </div>
        {canChangeRuns(user.role) ? (
          <div className="actions">
            <Link className="btn" to="/command" data-testid="runs-new-broadcast">
              {t('runs.newBroadcast')}
            </Link>
            <Link className="btn btn-primary" to="/runs/new" data-testid="runs-launch">
              {t('runs.launch')}
            </Link>
          </div>
        ) : null}
      </div>
      <div className="filters">
        <div className="tabs">
          {KINDS.map((k) => (
            <button key={k || 'all'} type="button" className={kind === k ? 'active' : ''} aria-pressed={kind === k} onClick={() => setKind(k)} data-testid={`runs-kind-${k || 'all'}`}>
              {t(`runs.kind_${k || 'all'}`)}
            </button>
          ))}
        </div>
        <label className="field">
          {t('runs.stateFilter')}
          <select value={state} onChange={(e) => setState(e.target.value as (typeof RUN_STATES)[number])} data-testid="runs-state">
            {RUN_STATES.map((s) => (
              <option key={s || 'all'} value={s}>
                {s ? t(`runs.runState_${s}`) : t('common.all')}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && !data ? <ErrorNote error={error} onRetry={refresh} /> : null}
      {!data && !error ? <Loading /> : null}
      {data && !data.runs.length ? (
        <Empty
          title={kind || state ? t('runs.emptyFiltered') : t('runs.emptyTitle')}
          action={
            canChangeRuns(user.role) && !kind && !state ? (
              <Link className="btn btn-primary" to="/runs/new">
                {t('runs.launch')}
              </Link>
            ) : undefined
          }
        >
          {kind || state ? null : t('runs.emptyBody')}
        </Empty>
      ) : null}
      {data?.runs.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="runs-table">
            <thead>
              <tr>
                <th>{t('runs.colTitle')}</th>
                <th>{t('runs.colState')}</th>
                <th className="num">{t('runs.colGroups')}</th>
                <th>{t('runs.colProgress')}</th>
                <th className="num">{t('runs.colNeedsMe')}</th>
                <th>{t('runs.colStarted')}</th>
              </tr>
            </thead>
            <tbody>
              {data.runs.map((r) => {
                const needs = ATTENTION.reduce((n, s) => n + (r.counts[s] ?? 0), 0);
                return (
                  <tr key={r.id} data-testid={`run-row-${r.id}`}>
                    <td>
                      <Link to={runLink(r)} data-testid="run-open">
                        {r.title}
                      </Link>
                      <div className="small muted">
                        {t(`runs.kindOne_${r.kind}`)}
                        {r.sheet ? <span> · {t('runs.sheetVersion', { version: r.sheet.version })}</span> : null}
                        {r.anchor ? (
                          <span>
                            {' '}
                            · {t('runs.startsAt')} <When iso={r.anchor} />
                          </span>
                        ) : null}
                      </div>
                    </td>
                    <td>
                      <span className={`badge run-state run-state-${r.state}`}>{t(`runs.runState_${r.state}`)}</span>
                    </td>
                    <td className="num">{r.groups}</td>
                    <td>
                      <StackBar counts={r.counts} />
                    </td>
                    <td className="num">{needs ? <span className="badge badge-bad">{needs}</span> : <span className="muted">0</span>}</td>
                    <td className="nowrap">
                      <When iso={r.createdAt} />
                      {r.createdBy ? <div className="small muted">{r.createdBy}</div> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
