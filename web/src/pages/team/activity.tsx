// Activity: the audit log, newest first, in the operator's time zone; "Older" pages back with
// `before` (the id of the last entry shown).

import { useState } from 'react';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { type AuditEntry, actionText, auditPath, detailText, olderCursor, targetText } from './team-access.ts';

export function ActivitySection() {
  const t = useT();
  const [before, setBefore] = useState<number | null>(null);
  const page = useGet<{ entries: AuditEntry[] }>(auditPath(before));
  const entries = page.data?.entries;
  const older = entries ? olderCursor(entries) : null;

  return (
    <section className="section" data-testid="team-activity">
      <h2>{t('team.activityTitle')}</h2>
      <p className="muted small">{t('team.activityIntro')}</p>
      {page.error ? (
        <ErrorNote error={page.error} onRetry={() => void page.reload()} />
      ) : !entries ? (
        <Loading />
      ) : entries.length === 0 ? (
        <Empty title={t('team.activityEmpty')} />
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="audit-list">
            <thead>
              <tr>
                <th>{t('team.colTime')}</th>
                <th>{t('team.colWho')}</th>
                <th>{t('team.colWhat')}</th>
                <th>{t('team.colTarget')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const detail = detailText(e.detail);
                const what = actionText(t, e.action);
                const target = targetText(t, e);
                return (
                  <tr key={e.id} data-testid={`audit-row-${e.id}`}>
                    <td className="nowrap small">
                      <When iso={e.at} />
                    </td>
                    <td data-label={t('team.colWho')} title={e.actor}>
                      {e.actorName ?? e.actor}
                    </td>
                    <td data-label={t('team.colWhat')} data-action={e.action}>
                      <span className={what.known ? undefined : 'mono'}>{what.text}</span>
                      {detail ? <div className="muted small">{detail}</div> : null}
                    </td>
                    <td data-label={t('team.colTarget')} title={e.target ?? undefined}>
                      {target ? (
                        <>
                          <span data-testid="audit-target">{target.name}</span>
                          <div className="muted small">{target.kind}</div>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions" style={{ marginTop: 12 }}>
        {before !== null ? (
          <button type="button" className="btn" onClick={() => setBefore(null)} data-testid="audit-newest">
            {t('team.newest')}
          </button>
        ) : null}
        {older !== null ? (
          <button type="button" className="btn" disabled={page.loading} onClick={() => setBefore(older)} data-testid="audit-older">
            {t('team.older')}
          </button>
        ) : null}
      </div>
    </section>
  );
}
