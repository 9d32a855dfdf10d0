// Insights → Group health: every group the reader may see, worst first, with its status, score,
// reasons (and what to do about each), the week's figures and a sparkline of messages per day over
// 30 days; day-7 survival across them. A leader sees their own groups (the API scopes it).
// The figures come from the rollups (docs/insight.md#group-health).

import { Link, useNavigate } from 'react-router';
import { useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { Sparkline } from '../../charts/sparkline.tsx';
import './insight.css';

type Status = 'healthy' | 'watch' | 'dying';

export interface Reason {
  code: string;
  severity: 'info' | 'watch' | 'dying';
  text: string;
  advice: string;
}

export interface HealthRow {
  group: string;
  name: string;
  members: number;
  joined7d: number;
  left7d: number;
  messagesPerDay7d: number;
  activeRatio7d: number;
  memberShare7d: number;
  firstResponseP50s: number | null;
  ageDays: number;
  score: number;
  status: Status;
  reasons: Reason[];
  messagesDaily: number[];
}

interface Board {
  groups: HealthRow[];
  survival: { groups: number; alive: number; rate: number };
}

export const BADGE: Record<Status, string> = { healthy: 'badge badge-ok', watch: 'badge badge-warn', dying: 'badge badge-bad' };
export const STATUS_KEY: Record<Status, string> = { healthy: 'insight.statusHealthy', watch: 'insight.statusWatch', dying: 'insight.statusDying' };
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function HealthPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const pageOf = (g: HealthRow) => `/insight/health/${encodeURIComponent(g.group)}`;
  // The language in the address too: the reasons come worded, so a switch asks again.
  const board = useGet<Board>(`/api/insight/health?lang=${locale}`);
  return (
    <div data-testid="health-page">
      <div className="page-head">
        <div>
          <h1>{t('insight.healthTitle')}</h1>
          <p className="muted">{t('insight.healthIntro')}</p>
        </div>
      </div>
      {board.error ? (
        <ErrorNote error={board.error} onRetry={() => void board.reload()} />
      ) : !board.data ? (
        <Loading />
      ) : board.data.groups.length === 0 ? (
        <Empty title={t('insight.healthEmptyTitle')}>{t('insight.healthEmptyBody')}</Empty>
      ) : (
        <>
          <div className="health-survival">
            <p data-testid="health-survival">{t('insight.survival', { alive: board.data.survival.alive, groups: board.data.survival.groups, rate: pct(board.data.survival.rate) })}</p>
            <ExportLinks href="/api/insight/health" testid="health-export" />
          </div>
          <div className="table-wrap">
            <table className="table table-cards" data-testid="health-table">
              <thead>
                <tr>
                  <th>{t('insight.colGroup')}</th>
                  <th>{t('insight.colStatus')}</th>
                  <th className="num">{t('insight.colScore')}</th>
                  <th>{t('insight.colMessages')}</th>
                  <th className="num">{t('insight.colMembers')}</th>
                  <th className="num">{t('insight.colActive')}</th>
                  <th className="num">{t('insight.colJoinedLeft')}</th>
                  <th>{t('insight.colReasons')}</th>
                </tr>
              </thead>
              <tbody>
                {board.data.groups.map((g) => (
                  <tr key={g.group} data-testid="health-row" data-status={g.status} className="row-link" onClick={() => navigate(pageOf(g))}>
                    <td>
                      <Link to={pageOf(g)} onClick={(e) => e.stopPropagation()}>
                        <strong>{g.name}</strong>
                      </Link>
                      <div className="muted small">{t('insight.ageDays', { count: Math.floor(g.ageDays) })}</div>
                    </td>
                    <td data-label={t('insight.colStatus')}>
                      <span className={`${BADGE[g.status]} health-status`}>{t(STATUS_KEY[g.status])}</span>
                    </td>
                    <td className="num" data-label={t('insight.colScore')}>
                      {g.score}
                    </td>
                    <td data-label={t('insight.colMessages')}>
                      <div>
                        <Sparkline values={g.messagesDaily} label={t('insight.sparkLabel', { value: g.messagesPerDay7d })} testid="health-spark" />
                        <div className="muted small">{t('insight.perDay', { value: g.messagesPerDay7d })}</div>
                      </div>
                    </td>
                    <td className="num" data-label={t('insight.colMembers')}>
                      {g.members}
                    </td>
                    <td className="num" data-label={t('insight.colActive')}>
                      {pct(g.activeRatio7d)}
                    </td>
                    <td className="num" data-label={t('insight.colJoinedLeft')}>
                      +{g.joined7d} / −{g.left7d}
                    </td>
                    <td data-label={t('insight.colReasons')}>
                      {g.reasons.length ? (
                        <ul className="health-reasons">
                          {g.reasons.map((r) => (
                            <li key={r.code}>
                              {r.text}
                              {r.severity !== 'info' ? <div className="health-advice">{r.advice}</div> : null}
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">{t('insight.noReasons')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
