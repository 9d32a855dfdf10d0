// "People in this group": the group's members with their role here (captain, teaching assistant,
// committee, opinion leader), a role menu for each, and a link to the Members page filtered by
// the group. Opened from a row of the Groups page; the words are the members area's.

import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { decide } from '../../../../src/access/roles.ts';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import type { Group } from '../../types.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { displayName, handleOf, type MemberList, memberPath } from '../members/member-data.ts';
import { LastActive } from '../members/member-row.tsx';
import { RoleSelect } from '../members/profile-parts.tsx';
import '../members/members.css';

const LIMIT = 50;

export function GroupPeoplePanel({ group, onClose }: { group: Group; onClose: () => void }) {
  const t = useT();
  const user = useUser();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const panel = useRef<HTMLElement>(null);
  const canWrite = decide(user.role, 'members.write') !== 'deny';
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(q.trim()), 300);
    return () => clearTimeout(timer);
  }, [q]);
  const params = new URLSearchParams({ group: group.id, sort: 'messages', order: 'desc', limit: String(LIMIT), offset: '0' });
  if (search) params.set('q', search);
  const list = useGet<MemberList>(`/api/members?${params}`);
  const roleIn = (m: MemberList['members'][number]) => m.groups.find((g) => g.group === group.id)?.role ?? null;
  // Those with a role first, then the most talkative.
  const members = [...(list.data?.members ?? [])].sort((a, b) => Number(Boolean(roleIn(b) && roleIn(b) !== 'none')) - Number(Boolean(roleIn(a) && roleIn(a) !== 'none')));
  // The group menu of the Members page, so the filter shows the group by its name (not `group:id:…`).
  const allLink = `/members?${new URLSearchParams({ group: group.id })}`;

  return (
    <section className="card group-people" ref={panel} data-testid="group-people">
      <div className="group-people-head">
        <h3>{t('members.groupPeopleTitle', { name: group.name })}</h3>
        <button type="button" className="btn btn-small" onClick={onClose} data-testid="group-people-close">
          {t('common.close')}
        </button>
      </div>
      <p className="muted small">{t('members.groupPeopleIntro')}</p>
      <div className="filters">
        <label className="field grow">
          {t('members.groupPeopleSearch')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('members.searchPlaceholder')} data-testid="group-people-search" />
        </label>
      </div>
      {list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.reload()} />
      ) : !list.data ? (
        <Loading />
      ) : members.length === 0 ? (
        <Empty title={t('members.groupPeopleEmpty')} />
      ) : (
        <ul className="plain-list group-people-list" data-testid="group-people-list">
          {members.map((m) => {
            const name = displayName(m, t);
            const handle = handleOf(m);
            const role = roleIn(m);
            return (
              <li key={m.id} data-testid={`group-person-${m.id}`}>
                <div>
                  <Link to={memberPath(m.id)}>
                    <strong>{name}</strong>
                  </Link>
                  {handle && handle !== name ? <span className="muted small"> {handle}</span> : null}
                  <div className="muted small">
                    {t('members.colLastActive')} <LastActive iso={m.lastActiveAt} />
                  </div>
                </div>
                {canWrite ? (
                  <RoleSelect memberId={m.id} group={group.id} role={role} label={t('members.role')} onChanged={() => void list.reload()} testid={`group-person-role-${m.id}`} />
                ) : role && role !== 'none' ? (
                  <span className="badge badge-info">{t(`members.role.${role}`)}</span>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {list.data && list.data.total > members.length ? <p className="muted small">{t('members.groupPeopleMore', { shown: members.length, total: list.data.total })}</p> : null}
      <div className="actions" style={{ marginTop: 10 }}>
        <Link className="btn" to={allLink} data-testid="group-people-all">
          {t('members.groupPeopleAll')}
        </Link>
      </div>
    </section>
  );
}
