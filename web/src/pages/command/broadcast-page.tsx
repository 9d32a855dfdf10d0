// A broadcast's live progress: done, late, missed and pending across its groups, per leader with
// the groups each one still owes, and every group as a chip that opens its details. Refreshed
// every few seconds from the broadcast's status and its board.

import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { ErrorNote, Loading, Progress } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import type { BoardResponse } from '../runs/board-data.ts';
import { CellDetails } from '../runs/cell-details.tsx';
import { usePolling } from '../runs/polling.ts';
import { RunControls } from '../runs/run-controls.tsx';
import { type BroadcastAction, bucketOf, progressOf, settledPercent } from './progress.ts';
import '../runs/runs.css';
import './command.css';

const REFRESH_MS = 4000;

interface BroadcastStatus {
  id: string;
  kind: string;
  state: string;
  counts: Record<string, number>;
  actions: BroadcastAction[];
}

const BUCKET_ORDER = { missed: 0, late: 1, pending: 2, done: 3, cancelled: 4 } as const;

export function BroadcastPage() {
  const { id = '' } = useParams();
  const t = useT();
  const status = usePolling<BroadcastStatus>(`/api/broadcasts/${encodeURIComponent(id)}`, REFRESH_MS);
  const board = usePolling<BoardResponse>(`/api/runs/${encodeURIComponent(id)}/board`, REFRESH_MS);
  const [selected, setSelected] = useState<number | undefined>();
  const { nameOf } = usePeople();
  const deadlineIso = board.data?.run.deadline;
  const deadline = deadlineIso ? new Date(deadlineIso) : undefined;
  // Recomputed at each refresh, so "overdue" follows the clock too.
  const progress = useMemo(
    () => (status.data ? progressOf(status.data.actions, deadlineIso ? new Date(deadlineIso) : undefined, new Date()) : undefined),
    [status.data, deadlineIso],
  );
  const groupsById = useMemo(() => new Map((board.data?.groups ?? []).map((g) => [g.id, g])), [board.data]);
  const chips = useMemo(
    () => (status.data?.actions ?? []).slice().sort((a, b) => BUCKET_ORDER[bucketOf(a)] - BUCKET_ORDER[bucketOf(b)] || a.groupName.localeCompare(b.groupName)),
    [status.data],
  );

  const error = status.error ?? board.error;
  if (!status.data && error) return <ErrorNote error={error} onRetry={status.refresh} />;
  if (!status.data || !progress) return <Loading />;
  const run = board.data?.run;
  const refresh = () => {
    status.refresh();
    board.refresh();
  };
  const sel = selected !== undefined ? status.data.actions.find((a) => a.id === selected) : undefined;

  return (
    <div>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/command">{t('command.back')}</Link>
          </div>
          <h1 data-testid="broadcast-title">{run ? t('runs.broadcastTitle', { text: run.title }) : id}</h1>
          <div className="card-meta">
            <span className={`badge run-state run-state-${status.data.state}`} data-testid="run-state">
              {t(`runs.runState_${status.data.state}`)}
            </span>
            {run?.deadline ? (
              <span>
                {t('command.deadline')}: <When iso={run.deadline} zone={run.timezone} />
                {deadline && deadline.getTime() < Date.now() ? <span className="badge badge-warn">{t('command.deadlinePassed')}</span> : null}
              </span>
            ) : null}
            <span>{t('runs.groupsCount', { count: progress.total })}</span>
            <Link to={`/runs/${encodeURIComponent(id)}`} data-testid="broadcast-open-board">
              {t('command.openBoard')}
            </Link>
          </div>
        </div>
        <RunControls run={{ id, state: status.data.state, kind: 'broadcast' }} onChanged={refresh} />
      </div>

      <div className="stats progress-stats">
        {(['done', 'late', 'missed', 'pending'] as const).map((b) => (
          <div key={b} className={`stat stat-${b}`} data-testid={`progress-${b}`}>
            <div className="stat-value">{progress[b]}</div>
            <div className="stat-label">{t(`command.bucket_${b}`)}</div>
          </div>
        ))}
      </div>
      <Progress done={progress.total - progress.pending} total={progress.total} label={t('command.settled', { pct: settledPercent(progress) })} />
      {progress.bot.total ? (
        <p className="small muted bot-line" data-testid="progress-bot">
          {t('command.botLine', { done: progress.bot.done, total: progress.bot.total, failed: progress.bot.failed })}
        </p>
      ) : null}

      <div className={`board-layout${sel ? ' with-panel' : ''}`}>
        <div>
          {progress.byLeader.length ? (
            <section className="section">
              <h2>{t('command.byLeaderTitle')}</h2>
              <div className="table-wrap">
                <table className="table" data-testid="leader-table">
                  <thead>
                    <tr>
                      <th>{t('command.leader')}</th>
                      <th className="num">{t('command.bucket_done')}</th>
                      <th className="num">{t('command.bucket_late')}</th>
                      <th className="num">{t('command.bucket_missed')}</th>
                      <th className="num">{t('command.bucket_pending')}</th>
                      <th>{t('command.whoIsLate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {progress.byLeader.map((l) => (
                      <tr key={l.leader ?? ''} className={l.overdue.length ? 'row-late' : ''} data-testid={`leader-row-${l.leader ?? 'none'}`}>
                        <td>
                          <strong title={l.leader ?? undefined}>{l.leader ? nameOf(l.leader) : t('command.noLeader')}</strong>
                          <div className="small muted">{t('command.ofTotal', { count: l.total })}</div>
                        </td>
                        <td className="num">{l.done}</td>
                        <td className="num">{l.late}</td>
                        <td className="num">{l.missed}</td>
                        <td className="num">{l.pending}</td>
                        <td>
                          {l.overdue.length ? (
                            <div className="chips">
                              {l.overdue.map((o) => (
                                <button key={o.ledgerId} type="button" className={`chip c-${o.state}`} onClick={() => setSelected(o.ledgerId)} data-testid={`overdue-${o.ledgerId}`}>
                                  {o.groupName}
                                </button>
                              ))}
                            </div>
                          ) : (
                            <span className="muted small">{t('command.nobodyLate')}</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}

          <section className="section">
            <h2>{t('command.allGroups')}</h2>
            <div className="chips" data-testid="group-chips">
              {chips.map((a) => (
                <button
                  key={a.id}
                  type="button"
                  className={`chip c-${a.state}${selected === a.id ? ' chip-selected' : ''}`}
                  title={`${a.groupName} · ${t(`runs.state_${a.state}`)}${a.assignee ? ` · ${nameOf(a.assignee)}` : ''}`}
                  onClick={() => setSelected(a.id)}
                  data-testid={`group-chip-${a.id}`}
                  data-state={a.state}
                >
                  <span className={`swatch c-${a.state}`} aria-hidden="true" />
                  {a.groupName}
                  <span className="chip-state">{t(`runs.state_${a.state}`)}</span>
                </button>
              ))}
            </div>
          </section>
        </div>
        {sel ? (
          <CellDetails
            ledgerId={sel.id}
            state={sel.state}
            zone={groupsById.get(sel.group)?.timezone ?? run?.timezone ?? null}
            onClose={() => setSelected(undefined)}
            onChanged={refresh}
          />
        ) : null}
      </div>
    </div>
  );
}
