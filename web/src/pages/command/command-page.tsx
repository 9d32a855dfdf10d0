// The command center: write one instruction for many groups, choose them by filter, have the bot
// post it or each group's leader do it by a deadline, see the forecast, send — then watch it on
// the live progress board. Recent broadcasts are listed below.

import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useLocale, useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { formatDateTime, operatorZone } from '../../time.ts';
import { FIRST_CHOICE, type GroupChoice, GroupPicker, choiceSelector } from '../runs/group-picker.tsx';
import { anchorInstant, defaultAnchor, spanOf } from '../runs/launch-data.ts';
import { usePolling } from '../runs/polling.ts';
import { canChangeRuns } from '../runs/run-controls.tsx';
import { useSpan } from '../runs/run-preview.tsx';
import { usePreviewLaunch } from '../runs/use-preview-launch.ts';
import { type RunSummary, StackBar } from '../runs/runs-page.tsx';
import '../runs/runs.css';
import './command.css';

interface BroadcastPreview {
  groups: number;
  bot: number;
  human: number;
  deadline: string;
  forecast: { finishAt?: string; maxDelaySeconds: number };
  withoutLeader: string[];
  leaderNotInTeam?: { group: string; leader: string }[];
}

const QUICK_DEADLINES = ['1h', '2h', '6h', '24h'] as const;
const MAX_TEXT = 4000;

export function CommandPage() {
  const t = useT();
  const user = useUser();
  const navigate = useNavigate();
  const zone = operatorZone();
  const [text, setText] = useState('');
  const [link, setLink] = useState('');
  const [groups, setGroups] = useState<GroupChoice>(FIRST_CHOICE);
  const [matchCount, setMatchCount] = useState<number | undefined>();
  const [by, setBy] = useState<'bot' | 'leader'>('bot');
  const [deadlineMode, setDeadlineMode] = useState<string>('24h');
  const [exact, setExact] = useState(() => defaultAnchor(new Date(Date.now() + 3 * 3600_000), zone));
  const recent = usePolling<{ runs: RunSummary[] }>('/api/runs?kind=broadcast', 15_000);
  const span = useSpan();
  const locale = useLocale();

  const chosen = choiceSelector(groups);
  const deadline = deadlineMode === 'exact' ? anchorInstant(exact.date, exact.time, zone) : deadlineMode;
  const body =
    text.trim() && 'selector' in chosen && deadline
      ? { text: text.trim(), ...(link.trim() ? { link: link.trim() } : {}), groups: chosen.selector, by, deadline }
      : undefined;
  // A quick deadline ("2h") moves with the clock; the preview is still the same broadcast.
  const { preview, fresh, busy, error, doPreview, doCreate: doSend } = usePreviewLaunch<BroadcastPreview>(
    body,
    { preview: '/api/broadcasts/preview', create: '/api/broadcasts' },
    (id) => navigate(`/command/${encodeURIComponent(id)}`),
  );

  if (!canChangeRuns(user.role)) return <RecentBroadcasts runs={recent.data?.runs} />;

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('command.title')}</h1>
          <p>{t('command.intro')}</p>
        </div>
      </div>
      <div className="launch-layout">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void doPreview();
          }}
        >
          <section className="card stack">
            <h2 className="step-title">
              <span className="step-num">1</span>
              {t('command.write')}
            </h2>
            <label className={`field${error?.field === 'text' ? ' field-error' : ''}`}>
              {t('command.text')}
              <textarea value={text} maxLength={MAX_TEXT} rows={6} onChange={(e) => setText(e.target.value)} placeholder={t('command.textPlaceholder')} data-testid="broadcast-text" />
              <span className="hint">{t('command.textHint', { n: text.length, max: MAX_TEXT })}</span>
            </label>
            <label className={`field${error?.field === 'link' ? ' field-error' : ''}`}>
              <span>
                {t('command.link')} <span className="muted small">({t('common.optional')})</span>
              </span>
              <input type="url" value={link} onChange={(e) => setLink(e.target.value)} placeholder="https://" data-testid="broadcast-link" />
            </label>
          </section>

          <section className="card">
            <h2 className="step-title">
              <span className="step-num">2</span>
              {t('command.chooseGroups')}
            </h2>
            <GroupPicker value={groups} onChange={setGroups} onMatch={setMatchCount} testid="broadcast-groups" />
          </section>

          <section className="card stack">
            <h2 className="step-title">
              <span className="step-num">3</span>
              {t('command.whoAndWhen')}
            </h2>
            <div className="segmented" role="radiogroup" aria-label={t('command.executor')} data-testid="broadcast-by">
              <label data-testid="broadcast-by-bot">
                <input type="radio" name="by" checked={by === 'bot'} onChange={() => setBy('bot')} />
                {t('command.byBot')}
              </label>
              <label data-testid="broadcast-by-leader">
                <input type="radio" name="by" checked={by === 'leader'} onChange={() => setBy('leader')} />
                {t('command.byLeader')}
              </label>
            </div>
            <p className="small muted">{by === 'bot' ? t('command.byBotHint') : t('command.byLeaderHint')}</p>
            <label className="field">
              {t('command.deadline')}
              <select value={deadlineMode} onChange={(e) => setDeadlineMode(e.target.value)} data-testid="broadcast-deadline">
                {QUICK_DEADLINES.map((d) => (
                  <option key={d} value={d}>
                    {t(`command.deadline_${d}`)}
                  </option>
                ))}
                <option value="exact">{t('command.deadlineExact')}</option>
              </select>
            </label>
            {deadlineMode === 'exact' ? (
              <div className="form-row">
                <label className="field">
                  {t('runs.anchorDate')}
                  <input type="date" value={exact.date} onChange={(e) => setExact((x) => ({ ...x, date: e.target.value }))} data-testid="broadcast-deadline-date" />
                </label>
                <label className="field">
                  {t('runs.anchorTime')}
                  <input type="time" value={exact.time} onChange={(e) => setExact((x) => ({ ...x, time: e.target.value }))} data-testid="broadcast-deadline-time" />
                </label>
              </div>
            ) : null}
            <p className="small muted">{t('runs.anchorHint', { zone })}</p>
          </section>

          {error ? <ErrorNote error={error} /> : null}
          <div className="actions">
            <button type="submit" className="btn" disabled={!body || busy !== null || matchCount === 0} data-testid="broadcast-preview">
              {busy === 'preview' ? t('runs.previewing') : t('runs.preview')}
            </button>
            <button type="button" className="btn btn-primary" disabled={!fresh || busy !== null} onClick={() => void doSend()} data-testid="broadcast-send">
              {busy === 'create' ? t('command.sending') : fresh ? t('command.sendTo', { count: fresh.groups }) : t('command.send')}
            </button>
          </div>
          {preview && !fresh ? <p className="small muted">{t('runs.previewStale')}</p> : null}
        </form>

        <div className="launch-side">
          {fresh ? (
            <section className="card" data-testid="broadcast-preview-result">
              <h2 className="step-title">{t('command.previewTitle')}</h2>
              <div className="stats">
                <div className="stat">
                  <div className="stat-value" data-testid="bpreview-groups">
                    {fresh.groups}
                  </div>
                  <div className="stat-label">{t('runs.statGroups')}</div>
                </div>
                <div className="stat">
                  <div className="stat-value" data-testid="bpreview-bot">
                    {fresh.bot}
                  </div>
                  <div className="stat-label">{t('runs.statBot')}</div>
                </div>
                <div className="stat">
                  <div className="stat-value" data-testid="bpreview-human">
                    {fresh.human}
                  </div>
                  <div className="stat-label">{t('runs.statHuman')}</div>
                </div>
              </div>
              <dl className="detail-list">
                <dt>{t('command.deadline')}</dt>
                <dd>
                  <When iso={fresh.deadline} zone={zone} />
                </dd>
              </dl>
              <div className="note note-info forecast" data-testid="bpreview-forecast">
                {fresh.forecast.finishAt ? (
                  <span>{t('command.forecastBot', { finish: formatDateTime(fresh.forecast.finishAt, locale, zone), delay: span(spanOf(fresh.forecast.maxDelaySeconds)) })}</span>
                ) : (
                  <span>{t('command.forecastNoBot')}</span>
                )}
              </div>
              {fresh.withoutLeader.length ? (
                <div className="note note-warning" data-testid="bpreview-without-leader">
                  <div>
                    <strong>{t('command.withoutLeader', { count: fresh.withoutLeader.length })}</strong>
                    <div className="small">{fresh.withoutLeader.slice(0, 20).join(', ')}{fresh.withoutLeader.length > 20 ? '…' : ''}</div>
                    <div className="small">
                      {t('command.withoutLeaderHint')} <Link to="/groups">{t('common.navGroups')}</Link>
                    </div>
                  </div>
                </div>
              ) : null}
              {fresh.leaderNotInTeam?.length ? (
                <div className="note note-warning" data-testid="bpreview-leader-not-in-team">
                  <strong>{t('overlaps.leaders', { count: fresh.leaderNotInTeam.length })}</strong>{' '}
                  {t('overlaps.broadcastLeadersTasks', { count: fresh.leaderNotInTeam.length })}
                  <div className="small">{fresh.leaderNotInTeam.slice(0, 20).map((g) => `${g.group} (${g.leader})`).join(t('overlaps.listSeparator'))}</div>
                </div>
              ) : null}
              <div className="script-box" data-testid="bpreview-text">
                {body?.text}
                {body && 'link' in body ? `\n${body.link}` : ''}
              </div>
            </section>
          ) : (
            <div className="empty">
              <h3>{t('command.previewEmptyTitle')}</h3>
              <p className="empty-body">{t('command.previewEmptyBody')}</p>
            </div>
          )}
        </div>
      </div>
      <RecentBroadcasts runs={recent.data?.runs} />
    </div>
  );
}

function RecentBroadcasts({ runs }: { runs: RunSummary[] | undefined }) {
  const t = useT();
  if (!runs) return null;
  return (
    <section className="section">
      <h2>{t('command.recent')}</h2>
      {runs.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="broadcasts-table">
            <thead>
              <tr>
                <th>{t('command.colText')}</th>
                <th>{t('runs.colState')}</th>
                <th className="num">{t('runs.colGroups')}</th>
                <th>{t('runs.colProgress')}</th>
                <th>{t('command.deadline')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.slice(0, 20).map((r) => (
                <tr key={r.id} data-testid={`broadcast-row-${r.id}`}>
                  <td>
                    <Link to={`/command/${encodeURIComponent(r.id)}`}>{r.title}</Link>
                    <div className="small muted">
                      <When iso={r.createdAt} />
                      {r.createdBy ? ` · ${r.createdBy}` : ''}
                    </div>
                  </td>
                  <td>
                    <span className={`badge run-state run-state-${r.state}`}>{t(`runs.runState_${r.state}`)}</span>
                  </td>
                  <td className="num">{r.groups}</td>
                  <td>
                    <StackBar counts={r.counts} />
                  </td>
                  <td className="nowrap">
                    <When iso={r.deadline} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty title={t('command.recentEmpty')} />
      )}
    </section>
  );
}
