// A campaign's status board: how many took part, invited, qualified (stayed long enough, new
// when that is a rule), completed; who was not counted and why; the K-factor in words; the
// leaderboard with each participant's link and poster; the reward codes left. Those who may
// change campaigns pause, resume or end it here.

import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { Confirm } from '../runs/confirm.tsx';
import { kFactorWords, poolLow } from './campaign-rules.ts';
import { useWord } from './campaigns-page.tsx';
import { CopyField, fullUrl } from './copy-field.tsx';
import './growth.css';

interface Leader {
  member: string;
  name: string;
  invited: number;
  qualified: number;
  completed: number | boolean;
  link: string | null;
}

interface Status {
  id: string;
  kind: string;
  state: string;
  name: string;
  goal: number | null;
  participants: number;
  invited: number;
  qualified: number;
  completed: number;
  rejected: Record<string, number>;
  kFactor: number;
  leaders: Leader[];
  groups: { id: string; name: string }[];
  reward: unknown;
  pool?: { total: number; remaining: number } | null;
  until: string | null;
}

/** The reward in words, whatever form the API gives it in ({points}, {codes}, {task}, or a kind with a value). */
function useRewardWords(): (reward: unknown) => string {
  const t = useT();
  return (reward) => {
    if (!reward || typeof reward !== 'object') return t('campaigns.ruleNoReward');
    const r = reward as Record<string, unknown>;
    const points = r.points ?? (r.kind === 'points' ? r.value : undefined);
    const task = r.task ?? (r.kind === 'task' ? r.value : undefined);
    if (typeof points === 'number') return t('campaigns.rulePoints', { count: points });
    if (typeof task === 'string') return t('campaigns.ruleTask', { task });
    if ('codes' in r || r.kind === 'codes') return t('campaigns.rewardIsCode');
    return t('campaigns.ruleNoReward');
  };
}

export function CampaignPage() {
  const t = useT();
  const word = useWord();
  const rewardWords = useRewardWords();
  const user = useUser();
  const { id = '' } = useParams();
  const status = useGet<Status>(`/api/campaigns/${encodeURIComponent(id)}`);
  const [ending, setEnding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const s = status.data;
  if (status.error) return <ErrorNote error={status.error} onRetry={() => void status.reload()} />;
  if (!s) return <Loading />;
  const path = `/api/campaigns/${encodeURIComponent(s.id)}`;
  const rejected = Object.entries(s.rejected ?? {}).filter(([, n]) => n > 0);
  const k = kFactorWords(s.kFactor ?? 0);

  async function act(what: 'pause' | 'resume' | 'end') {
    setBusy(true);
    setError(undefined);
    try {
      await post(`${path}/${what}`);
      await status.reload();
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
      setEnding(false);
    }
  }

  return (
    <div data-testid="campaign-page">
      <Link to="/campaigns" className="back-link">
        {t('campaigns.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>{s.name}</h1>
          <p className="muted small">
            {word('kind', s.kind, 'kindOther')} · <span data-testid="campaign-state">{word('state', s.state, 'stateOther')}</span> ·{' '}
            {s.until ? (
              <>
                {t('campaigns.endsAt')} <When iso={s.until} />
              </>
            ) : (
              t('campaigns.noEnd')
            )}
          </p>
          <p className="muted small">
            {t('campaigns.inGroups')} {s.groups.map((g) => g.name).join(t('campaigns.listSeparator')) || '—'} · {rewardWords(s.reward)}
          </p>
        </div>
        {can.edit(user.role) && s.state !== 'ended' ? (
          <div className="actions">
            {s.state === 'paused' ? (
              <button type="button" className="btn" disabled={busy} onClick={() => void act('resume')} data-testid="campaign-resume">
                {t('campaigns.resume')}
              </button>
            ) : (
              <button type="button" className="btn" disabled={busy} onClick={() => void act('pause')} data-testid="campaign-pause">
                {t('campaigns.pause')}
              </button>
            )}
            <button type="button" className="btn btn-danger" disabled={busy} onClick={() => setEnding(true)} data-testid="campaign-end">
              {t('campaigns.end')}
            </button>
          </div>
        ) : null}
      </div>
      {error ? <ErrorNote error={error} /> : null}
      <div className="stats" data-testid="campaign-stats">
        <Stat n={s.participants} label={t('campaigns.statParticipants')} testid="campaign-participants" />
        {s.kind === 'invite' ? <Stat n={s.invited} label={t('campaigns.statInvited')} testid="campaign-invited" /> : null}
        {s.kind === 'invite' ? <Stat n={s.qualified} label={t('campaigns.statQualified')} testid="campaign-qualified" /> : null}
        <Stat n={s.completed} label={s.goal ? t('campaigns.statCompletedGoal', { count: s.goal }) : t('campaigns.statCompleted')} testid="campaign-completed" />
      </div>
      {s.kind === 'invite' ? <p className="muted small growth-explain">{t('campaigns.funnelExplained')}</p> : null}
      <div className="split section">
        <section className="card" data-testid="campaign-kfactor">
          <h3>{t('campaigns.kTitle', { k: Math.round((s.kFactor ?? 0) * 100) / 100 })}</h3>
          <p>{t(k.key, k.vars)}</p>
          <p className="muted small">{t('campaigns.kHow')}</p>
        </section>
        <section className="card" data-testid="campaign-rejected">
          <h3>{t('campaigns.rejectedTitle')}</h3>
          {rejected.length ? (
            <table className="table">
              <tbody>
                {rejected.map(([reason, n]) => (
                  <tr key={reason} data-testid={`campaign-rejected-${reason}`}>
                    <td>{word('reason', reason, 'reasonOther')}</td>
                    <td className="num">{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted small">{t('campaigns.rejectedNone')}</p>
          )}
        </section>
      </div>
      {s.pool ? (
        <section className="section" data-testid="campaign-pool">
          {poolLow(s.pool) ? (
            <Note kind="warning">{t('campaigns.poolLow', { remaining: s.pool.remaining, total: s.pool.total })}</Note>
          ) : (
            <Note>{t('campaigns.poolLeft', { remaining: s.pool.remaining, total: s.pool.total })}</Note>
          )}
        </section>
      ) : null}
      <section className="section">
        <h2>{t('campaigns.leaderboard')}</h2>
        {s.leaders.length === 0 ? (
          <Empty title={t('campaigns.leadersEmptyTitle')}>{t('campaigns.leadersEmptyBody')}</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table table-cards" data-testid="campaign-leaders">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>{t('campaigns.colParticipant')}</th>
                  {s.kind === 'invite' ? <th className="num">{t('campaigns.colInvited')}</th> : null}
                  {s.kind === 'invite' ? <th className="num">{t('campaigns.colQualified')}</th> : null}
                  <th>{t('campaigns.colDone')}</th>
                  <th>{t('campaigns.colLink')}</th>
                </tr>
              </thead>
              <tbody>
                {s.leaders.map((l, i) => (
                  <tr key={l.member} data-testid="campaign-leader">
                    <td className="num">{i + 1}</td>
                    <td>
                      <strong>{l.name}</strong>
                    </td>
                    {s.kind === 'invite' ? (
                      <td className="num" data-label={t('campaigns.colInvited')}>
                        {l.invited}
                      </td>
                    ) : null}
                    {s.kind === 'invite' ? (
                      <td className="num" data-label={t('campaigns.colQualified')}>
                        {l.qualified}
                      </td>
                    ) : null}
                    <td data-label={t('campaigns.colDone')}>{l.completed === true || (typeof l.completed === 'number' && l.completed > 0) ? <span className="badge badge-ok">{t('campaigns.done')}</span> : t('campaigns.notYet')}</td>
                    <td data-label={t('campaigns.colLink')}>
                      {l.link ? <CopyField value={fullUrl(l.link)} testid="campaign-leader-link" /> : null}
                      <a className="small growth-block" href={`${path}/poster/${encodeURIComponent(l.member)}`} download data-testid="campaign-leader-poster">
                        {t('campaigns.downloadPoster')}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {ending ? (
        <Confirm title={t('campaigns.endTitle', { name: s.name })} confirmLabel={t('campaigns.end')} danger busy={busy} onCancel={() => setEnding(false)} onConfirm={() => void act('end')}>
          <p>{t('campaigns.endBody')}</p>
        </Confirm>
      ) : null}
    </div>
  );
}

function Stat({ n, label, testid }: { n: number; label: string; testid: string }) {
  return (
    <div className="stat" data-testid={testid}>
      <b>{n}</b>
      <span>{label}</span>
    </div>
  );
}
