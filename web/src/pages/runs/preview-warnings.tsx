// The run preview's warnings (src/run/preview-warnings.ts): other runs and broadcasts landing in
// the same groups in the same hours — named by their title, per group and hour, with counts —
// and groups whose leader is not a person in the team, whose tasks would reach nobody.

import { useLocale, useT } from '../../i18n/index.ts';
import { formatDateTime } from '../../time.ts';

interface OtherRun {
  runId: string;
  title: string;
  kind: string;
}

export interface PreviewWarnings {
  overlaps: {
    total: number;
    runs: (OtherRun & { groups: number; hours: number; theirs: number })[];
    items: { groupId: string; groupName: string; hour: string; ours: number; other: OtherRun; theirs: number }[];
  };
  leadersNotInTeam: { groups: { id: string; name: string; leader: string }[]; tasks: number };
}

export function WarningsView({ warnings: w, zone }: { warnings: PreviewWarnings; zone: string }) {
  const t = useT();
  const locale = useLocale();
  const title = (r: OtherRun) => (r.kind === 'broadcast' ? t('overlaps.broadcastTitle', { text: r.title }) : r.title);
  const lost = w.leadersNotInTeam;
  return (
    <>
      {lost.groups.length ? (
        <div className="note note-warning" data-testid="preview-leaders-warning">
          <strong>{t('overlaps.leaders', { count: lost.groups.length })}</strong> {t('overlaps.leadersTasks', { count: lost.tasks })}
          <div className="small">{lost.groups.map((g) => `${g.name} (${g.leader})`).join(t('overlaps.listSeparator'))}</div>
        </div>
      ) : null}
      {w.overlaps.total ? (
        <div className="note note-warning" data-testid="preview-overlaps">
          <strong>{t('overlaps.title', { count: w.overlaps.total })}</strong>
          <ul>
            {w.overlaps.runs.map((r) => (
              <li key={r.runId} data-testid="preview-overlap-run">
                {t('overlaps.runLine', {
                  title: title(r),
                  actions: t('overlaps.nActions', { count: r.theirs }),
                  groups: t('overlaps.nGroups', { count: r.groups }),
                  hours: t('overlaps.nHours', { count: r.hours }),
                })}
              </li>
            ))}
          </ul>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('overlaps.colHour')}</th>
                  <th>{t('overlaps.colGroup')}</th>
                  <th className="num">{t('overlaps.colOurs')}</th>
                  <th>{t('overlaps.colOther')}</th>
                  <th className="num">{t('overlaps.colTheirs')}</th>
                </tr>
              </thead>
              <tbody>
                {w.overlaps.items.map((o) => (
                  <tr key={`${o.groupId}-${o.hour}-${o.other.runId}`} data-testid="preview-overlap">
                    <td className="nowrap">{formatDateTime(o.hour, locale, zone)}</td>
                    <td>{o.groupName}</td>
                    <td className="num">{o.ours}</td>
                    <td>{title(o.other)}</td>
                    <td className="num">{o.theirs}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {w.overlaps.total > w.overlaps.items.length ? <p className="small">{t('overlaps.more', { count: w.overlaps.total - w.overlaps.items.length })}</p> : null}
        </div>
      ) : null}
    </>
  );
}
