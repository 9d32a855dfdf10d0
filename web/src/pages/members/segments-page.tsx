// Segments: the saved member filters with how many members each holds now; one opens the Members
// page filtered by it; those allowed delete one. New ones are saved from the Members page's filter.

import { useState } from 'react';
import { Link } from 'react-router';
import { decide } from '../../../../src/access/roles.ts';
import { type ApiFailure, asFailure, del, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { Confirm } from '../runs/confirm.tsx';
import type { Segment } from './member-data.ts';
import './members.css';

// By name, so the filter box says which segment it is (and follows a later change of it).
const membersOf = (s: Segment) => `/members?${new URLSearchParams({ where: `segment:${s.name}` })}`;

export function SegmentsPage() {
  const t = useT();
  const user = useUser();
  const { nameOf } = usePeople();
  const segments = useGet<Segment[] | { segments: Segment[] }>('/api/segments');
  const [deleting, setDeleting] = useState<Segment | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const canManage = decide(user.role, 'members.manage') === 'allow';

  if (segments.error) return <ErrorNote error={segments.error} onRetry={() => void segments.reload()} />;
  if (!segments.data) return <Loading />;
  const list = Array.isArray(segments.data) ? segments.data : segments.data.segments;

  return (
    <div>
      <Link to="/members" className="back-link">
        {t('members.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>{t('members.segmentsTitle')}</h1>
          <p>{t('members.segmentsIntro')}</p>
        </div>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {list.length === 0 ? (
        <Empty
          title={t('members.segmentsEmptyTitle')}
          action={
            <Link className="btn btn-primary" to="/members">
              {t('members.segmentsToMembers')}
            </Link>
          }
        >
          {t('members.segmentsEmptyBody')}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="segment-list">
            <thead>
              <tr>
                <th>{t('members.segName')}</th>
                <th>{t('members.segFilter')}</th>
                <th className="num">{t('members.segMembers')}</th>
                <th>{t('members.segBy')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.name} data-testid={`segment-row-${s.name}`}>
                  <td>
                    <Link to={membersOf(s)}>
                      <strong>{s.name}</strong>
                    </Link>
                  </td>
                  <td data-label={t('members.segFilter')}>
                    <code className="segment-where">{s.selector}</code>
                  </td>
                  <td className="num" data-label={t('members.segMembers')} data-testid={`segment-count-${s.name}`}>
                    {s.members ?? '—'}
                  </td>
                  <td className="small" data-label={t('members.segBy')}>
                    {s.createdBy ? nameOf(s.createdBy) : '—'}
                    <div className="muted">
                      <When iso={s.createdAt} />
                    </div>
                  </td>
                  <td>
                    <div className="actions">
                      <Link className="btn btn-small" to={membersOf(s)} data-testid={`segment-open-${s.name}`}>
                        {t('members.segOpen')}
                      </Link>
                      {canManage ? (
                        <button type="button" className="btn btn-small btn-danger" onClick={() => setDeleting(s)} data-testid={`segment-delete-${s.name}`}>
                          {t('members.segDelete')}
                        </button>
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting ? (
        <Confirm
          title={t('members.segDeleteTitle', { name: deleting.name })}
          confirmLabel={t('members.segDelete')}
          danger
          busy={busy}
          onCancel={() => setDeleting(undefined)}
          onConfirm={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await del(`/api/segments/${encodeURIComponent(deleting.name)}`);
              await segments.reload();
            } catch (e) {
              setError(asFailure(e));
            } finally {
              setBusy(false);
              setDeleting(undefined);
            }
          }}
        >
          <p>{t('members.segDeleteBody')}</p>
        </Confirm>
      ) : null}
    </div>
  );
}
