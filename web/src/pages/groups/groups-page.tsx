// Groups: every group with its channel, community type, leader, members and last activity;
// filters; one group or many selected ones changed at once; a group added by its platform id.

import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import { usePeople } from '../../people.tsx';
import { type Channel, COMMUNITIES, type Group } from '../../types.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { GroupAddForm } from './group-add.tsx';
import { CandidatesPanel } from './candidates-panel.tsx';
import { BulkBar, GroupEditPanel } from './group-edit.tsx';
import { GroupPeoplePanel } from './group-people.tsx';
import { facets, filterGroups, type GroupFilter, NO_FILTER, STRANGER, UNSET } from './group-filter.ts';

export function GroupsPage() {
  const t = useT();
  const user = useUser();
  const groups = useGet<{ groups: Group[] }>('/api/groups');
  const channels = useGet<{ channels: Channel[] }>('/api/channels');
  const { nameOf } = usePeople();
  const [filter, setFilter] = useState<GroupFilter>(NO_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<string | undefined>();
  const [peopleOf, setPeopleOf] = useState<string | undefined>();
  const [adding, setAdding] = useState(false);
  const [candidatesOf, setCandidatesOf] = useState<string | undefined>();
  const editable = can.edit(user.role);

  const all = groups.data?.groups ?? [];
  const shown = useMemo(() => filterGroups(all, filter), [all, filter]);
  const { tags, leaders: groupLeaders } = useMemo(() => facets(all), [all]);
  const strangers = all.filter((g) => g.leaderInTeam === false);
  const channelById = useMemo(() => new Map((channels.data?.channels ?? []).map((c) => [c.id, c])), [channels.data]);
  const selectedGroups = all.filter((g) => selected.has(g.id));
  const set = (k: keyof GroupFilter) => (e: { target: { value: string } }) => setFilter((f) => ({ ...f, [k]: e.target.value }));
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const allShownSelected = shown.length > 0 && shown.every((g) => selected.has(g.id));

  if (groups.error) return <ErrorNote error={groups.error} onRetry={() => void groups.reload()} />;
  if (!groups.data) return <Loading />;
  const noChannels = channels.data?.channels.length === 0;

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('groups.title')}</h1>
          <p>{t('groups.intro')}</p>
        </div>
        {editable && !noChannels ? (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="group-add">
            {t('groups.addButton')}
          </button>
        ) : null}
      </div>

      {adding && channels.data ? (
        <GroupAddForm
          channels={channels.data.channels}
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            void groups.reload();
          }}
        />
      ) : null}

      {all.length === 0 ? (
        <Empty
          title={t('groups.emptyTitle')}
          action={
            noChannels ? (
              <Link className="btn btn-primary" to="/channels">
                {t('groups.connectFirst')}
              </Link>
            ) : null
          }
        >
          {noChannels ? t('groups.emptyNoChannel') : t('groups.emptyBody')}
        </Empty>
      ) : (
        <>
          <div className="filters" data-testid="group-filters">
            <label className="field grow">
              {t('common.search')}
              <input type="search" value={filter.text} onChange={set('text')} placeholder={t('groups.searchPlaceholder')} data-testid="group-filter-text" />
            </label>
            <label className="field">
              {t('groups.colChannel')}
              <select value={filter.channel} onChange={set('channel')} data-testid="group-filter-channel">
                <option value="">{t('common.all')}</option>
                {(channels.data?.channels ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              {t('groups.colCommunity')}
              <select value={filter.community} onChange={set('community')} data-testid="group-filter-community">
                <option value="">{t('common.all')}</option>
                {COMMUNITIES.map((c) => (
                  <option key={c} value={c}>
                    {t(`common.community_${c}`)}
                  </option>
                ))}
                <option value={UNSET}>{t('common.communityNone')}</option>
              </select>
            </label>
            <label className="field">
              {t('groups.colTags')}
              <select value={filter.tag} onChange={set('tag')} data-testid="group-filter-tag">
                <option value="">{t('common.all')}</option>
                {tags.map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              {t('groups.colLeader')}
              <select value={filter.leader} onChange={set('leader')} data-testid="group-filter-leader">
                <option value="">{t('common.all')}</option>
                {groupLeaders.map((l) => (
                  <option key={l} value={l}>
                    {nameOf(l)}
                  </option>
                ))}
                <option value={UNSET}>{t('groups.noLeader')}</option>
                <option value={STRANGER}>{t('people.notInTeamFilter')}</option>
              </select>
            </label>
          </div>

          {editable && selectedGroups.length ? (
            <BulkBar
              groups={selectedGroups}
              onDone={() => {
                void groups.reload();
              }}
            />
          ) : null}
          {editing && all.find((g) => g.id === editing) ? (
            <GroupEditPanel
              group={all.find((g) => g.id === editing)!}
              onDone={(changed) => {
                setEditing(undefined);
                if (changed) void groups.reload();
              }}
            />
          ) : null}

          {candidatesOf && all.find((g) => g.id === candidatesOf) ? <CandidatesPanel group={all.find((g) => g.id === candidatesOf)!} onClose={() => setCandidatesOf(undefined)} /> : null}
          {peopleOf && all.find((g) => g.id === peopleOf) ? <GroupPeoplePanel group={all.find((g) => g.id === peopleOf)!} onClose={() => setPeopleOf(undefined)} /> : null}

          {strangers.length ? (
            <div className="note note-warning" data-testid="groups-strangers">
              {t('people.strangersBanner', { count: strangers.length })}{' '}
              {editable ? (
                <button type="button" className="btn btn-small" onClick={() => setFilter({ ...NO_FILTER, leader: STRANGER })} data-testid="groups-strangers-show">
                  {t('people.strangersShow')}
                </button>
              ) : null}
            </div>
          ) : null}
          <p className="muted small">{t('groups.showing', { shown: shown.length, total: all.length })}</p>
          {shown.length === 0 ? (
            <Empty
              title={t('groups.noMatch')}
              action={
                <button type="button" className="btn" onClick={() => setFilter(NO_FILTER)}>
                  {t('groups.clearFilters')}
                </button>
              }
            />
          ) : (
            <div className="table-wrap">
              <table className="table table-cards" data-testid="group-list">
                <thead>
                  <tr>
                    {editable ? (
                      <th style={{ width: 32 }}>
                        <input
                          type="checkbox"
                          aria-label={t('groups.selectAll')}
                          checked={allShownSelected}
                          onChange={() => setSelected(allShownSelected ? new Set() : new Set(shown.map((g) => g.id)))}
                          data-testid="group-select-all"
                        />
                      </th>
                    ) : null}
                    <th>{t('groups.colName')}</th>
                    <th>{t('groups.colChannel')}</th>
                    <th>{t('groups.colCommunity')}</th>
                    <th>{t('groups.colLeader')}</th>
                    <th className="num">{t('groups.colMembers')}</th>
                    <th>{t('groups.colTags')}</th>
                    <th>{t('groups.colActivity')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {shown.map((g) => {
                    const ch = channelById.get(g.channelId);
                    return (
                      <tr key={g.id} className={selected.has(g.id) ? 'selected' : ''} data-testid={`group-row-${g.id}`}>
                        {editable ? (
                          <td className="cell-select">
                            <input type="checkbox" aria-label={g.name} checked={selected.has(g.id)} onChange={() => toggle(g.id)} data-testid={`group-select-${g.id}`} />
                          </td>
                        ) : null}
                        <td>
                          <strong>{g.name}</strong>
                          <div className="muted small mono">{g.externalId}</div>
                        </td>
                        <td data-label={t('groups.colChannel')}>
                          {ch ? ch.name : g.channelId}
                          {ch && ch.name !== t(`common.kind_${ch.kind}`) ? <div className="muted small">{t(`common.kind_${ch.kind}`)}</div> : null}
                        </td>
                        <td data-label={t('groups.colCommunity')}>{g.community ? t(`common.community_${g.community}`) : <span className="muted">{t('common.communityNone')}</span>}</td>
                        <td data-label={t('groups.colLeader')} data-testid={`group-leader-${g.id}`}>
                          {g.leader ? (
                            <span title={g.leader}>{g.leaderDisplayName ?? nameOf(g.leader)}</span>
                          ) : (
                            <span className="badge badge-warn">{t('groups.noLeader')}</span>
                          )}
                          {g.leaderInTeam === false ? (
                            <div>
                              <span className="badge badge-bad" title={t('people.notInTeamHint')} data-testid={`group-leader-stranger-${g.id}`}>
                                {t('people.notInTeamBadge')}
                              </span>
                            </div>
                          ) : null}
                        </td>
                        <td className="num" data-label={t('groups.colMembers')}>
                          {g.memberCount ?? '—'}
                        </td>
                        <td data-label={t('groups.colTags')}>
                          {g.tags.map((tag) => (
                            <span className="tag" key={tag}>
                              {tag}
                            </span>
                          ))}
                        </td>
                        <td className="nowrap small" data-label={t('groups.colActivity')}>
                          <When iso={g.lastActivityAt} zone={g.timezone} />
                        </td>
                        <td>
                          <div className="actions">
                            {editable ? (
                              <button type="button" className="btn btn-small" onClick={() => setEditing(g.id)} data-testid={`group-edit-${g.id}`}>
                                {t('common.edit')}
                              </button>
                            ) : null}
                            <button type="button" className="btn btn-small" onClick={() => setPeopleOf(g.id)} data-testid={`group-people-${g.id}`}>
                              {t('members.groupPeople')}
                            </button>
                            <button type="button" className="btn btn-small" onClick={() => setCandidatesOf(g.id)} data-testid={`group-candidates-${g.id}`}>
                              {t('orders.candidatesButton')}
                            </button>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
