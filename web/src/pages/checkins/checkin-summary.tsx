// The run board's check-in summary: the run's overall rate and each group's, lowest first, with
// a link to the group's survey results. Fetched apart from the board (and far less often), so
// the board's own refresh stays as cheap as before.

import { Link } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { usePolling } from '../runs/polling.ts';
import { percent, type RunCheckins } from './checkin-rate.ts';
import './checkins.css';

const REFRESH_MS = 60_000;

export function CheckinSummary({ runId, groupName }: { runId: string; groupName: (id: string) => string }) {
  const t = useT();
  const { data } = usePolling<RunCheckins>(`/api/runs/${encodeURIComponent(runId)}/checkins`, REFRESH_MS);
  if (!data) return null;
  const groups = [...data.groups].sort((a, b) => a.rate - b.rate || groupName(a.group).localeCompare(groupName(b.group)));
  return (
    <details className="card checkin-summary" data-testid="checkin-summary">
      <summary>
        <strong>{t('checkins.summaryTitle')}</strong>{' '}
        <span className="muted" data-testid="checkin-overall">
          {groups.length ? t('checkins.summaryOverall', { rate: percent(data.overall.rate), checkedIn: data.overall.checkedIn, members: data.overall.members }) : t('checkins.summaryNone')}
        </span>
      </summary>
      {groups.length ? (
        <table className="table" data-testid="checkin-groups">
          <thead>
            <tr>
              <th>{t('checkins.colGroup')}</th>
              <th>{t('checkins.colWindows')}</th>
              <th>{t('checkins.colRate')}</th>
              <th>{t('checkins.colSurveys')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.group} data-testid="checkin-group">
                <td>{groupName(g.group)}</td>
                <td>{g.windows}</td>
                <td>
                  {percent(g.rate)} <span className="muted small">({g.checkedIn}/{g.members})</span>
                </td>
                <td>
                  <Link to={`/groups/${encodeURIComponent(g.group)}/surveys`}>{t('checkins.surveysLink')}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}
