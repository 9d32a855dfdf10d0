// Members: everyone in the groups (a leader: in their own groups; the server decides), filtered
// by the member selector with quick chips, searched by name, sorted, paged; ticked rows get tags
// or points at once; the filter can be saved as a segment or exported.

import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { decide } from '../../../../src/access/roles.ts';
import { useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import type { Group } from '../../types.ts';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { BulkBar, SaveSegment } from './member-bulk.tsx';
import {
  DEFAULT_QUERY,
  exportPath,
  type ListQuery,
  listPath,
  type MemberList,
  PAGE_SIZE,
  readQuery,
  type Sort,
  selectorProblem,
  writeQuery,
} from './member-data.ts';
import { FilterBar } from './member-filter.tsx';
import { MemberRow } from './member-row.tsx';
import './members.css';

export function MembersPage() {
  const t = useT();
  const locale = useLocale();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  // Back from a profile whose personal data was just erased.
  const forgotten = (useLocation().state as { forgotten?: string } | null)?.forgotten;
  const query = useMemo(() => readQuery(params), [params]);
  // What is typed; the address (and the list) follow once it reads and the typing pauses.
  const [draft, setDraft] = useState(query.where);
  const [search, setSearch] = useState(query.q);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [saving, setSaving] = useState(false);
  const problem = selectorProblem(draft, t, locale);
  const canWrite = decide(user.role, 'members.write') !== 'deny';
  const canManage = decide(user.role, 'members.manage') === 'allow';

  const update = (change: Partial<ListQuery>) => {
    const next = { ...query, offset: 0, ...change };
    setParams(writeQuery(next), { replace: true });
  };

  // Another link (a segment, a group) changes the address: the boxes follow.
  useEffect(() => {
    setDraft(query.where);
  }, [query.where]);
  useEffect(() => {
    setSearch(query.q);
  }, [query.q]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: update reads the current query
  useEffect(() => {
    if (problem || (draft.trim() === query.where && search.trim() === query.q)) return;
    const timer = setTimeout(() => update({ where: draft.trim(), q: search.trim() }), 350);
    return () => clearTimeout(timer);
  }, [draft, search, problem]);
  // A new list: nothing stays ticked that the operator cannot see.
  // biome-ignore lint/correctness/useExhaustiveDependencies: on every change of the list's address
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [params]);

  const path = listPath(query, !selectorProblem(query.where, t, locale));
  const list = useGet<MemberList>(path);
  const groups = useGet<{ groups: Group[] }>('/api/groups');
  const members = list.data?.members ?? [];
  const total = list.data?.total ?? 0;
  const allOnPage = members.length > 0 && members.every((m) => selected.has(m.id));
  const filtered = Boolean(query.where || query.q || query.group);

  // A header sorts by a link to the same page in that order (a link is inline text: the header keeps one line box).
  const sortHeader = (sort: Sort, label: string, className?: string) => (
    <th className={className} aria-sort={query.sort === sort ? (query.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <Link
        className="sort-link"
        to={`?${writeQuery({ ...query, offset: 0, sort, order: query.sort === sort && query.order === 'desc' ? 'asc' : sort === 'name' && query.sort !== sort ? 'asc' : 'desc' })}`}
        replace
        title={t('members.sortBy', { column: label })}
        data-testid={`members-sort-${sort}`}
      >
        {label}
        {query.sort === sort ? <span aria-hidden="true">{query.order === 'asc' ? ' ↑' : ' ↓'}</span> : null}
      </Link>
    </th>
  );
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      setAllMatching(false);
      return n;
    });

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('members.title')}</h1>
          <p>{user.role === 'leader' ? t('members.introLeader') : t('members.intro')}</p>
        </div>
        <div className="actions">
          {user.role !== 'leader' ? (
            <Link className="btn" to="/members/segments" data-testid="members-segments">
              {t('members.segmentsLink')}
            </Link>
          ) : null}
          {canManage ? (
            <button type="button" className="btn" onClick={() => setSaving(true)} disabled={!query.where || Boolean(problem)} title={query.where ? undefined : t('members.segmentNeedsFilter')} data-testid="members-save-segment">
              {t('members.saveSegment')}
            </button>
          ) : null}
          <a className="btn" href={exportPath(query, !selectorProblem(query.where, t, locale))} download data-testid="members-export">
            {t('members.exportCsv')}
          </a>
        </div>
      </div>

      {forgotten ? (
        <Note kind="success">
          <span data-testid="members-forgotten">{t('members.forgottenNamed', { name: forgotten })}</span>
        </Note>
      ) : null}

      <FilterBar
        draft={draft}
        onDraft={setDraft}
        problem={problem}
        search={search}
        onSearch={setSearch}
        group={query.group}
        onGroup={(group) => update({ group })}
        groups={groups.data?.groups ?? []}
        sort={query.sort}
        onSort={(sort) => update({ sort, order: sort === 'name' ? 'asc' : 'desc' })}
        onClear={() => {
          setDraft('');
          setSearch('');
          update({ ...DEFAULT_QUERY });
        }}
      />

      {saving ? <SaveSegment where={query.where} onDone={() => setSaving(false)} /> : null}

      {canWrite && selected.size ? (
        <BulkBar
          ids={[...selected]}
          where={allMatching ? query.where : undefined}
          total={total}
          // The tags route picks by the selector alone: with a search or a group chosen, only ticked rows.
          allMatchingOffer={allOnPage && total > members.length && Boolean(query.where) && !problem && !query.q && !query.group}
          allMatching={allMatching}
          onAllMatching={setAllMatching}
          onDone={() => void list.reload()}
        />
      ) : null}

      {list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.reload()} />
      ) : !list.data ? (
        <Loading />
      ) : members.length === 0 ? (
        filtered ? (
          <Empty
            title={t('members.noMatch')}
            action={
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setDraft('');
                  setSearch('');
                  update({ ...DEFAULT_QUERY });
                }}
              >
                {t('members.clearFilter')}
              </button>
            }
          />
        ) : (
          <Empty title={t('members.emptyTitle')}>{t('members.emptyBody')}</Empty>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className={`table table-cards members-table${list.loading ? ' is-loading' : ''}`} data-testid="member-list">
              <thead>
                <tr>
                  {canWrite ? (
                    <th style={{ width: 32 }}>
                      <input
                        type="checkbox"
                        aria-label={t('members.selectAll')}
                        checked={allOnPage}
                        onChange={() => {
                          setAllMatching(false);
                          setSelected(allOnPage ? new Set() : new Set(members.map((m) => m.id)));
                        }}
                        data-testid="members-select-all"
                      />
                    </th>
                  ) : null}
                  {sortHeader('name', t('members.colName'))}
                  <th>{t('members.colGroups')}</th>
                  <th>{t('members.colStage')}</th>
                  <th>{t('members.colLevel')}</th>
                  {sortHeader('points', t('members.colPoints'), 'num')}
                  <th>{t('members.colTags')}</th>
                  {sortHeader('lastActive', t('members.colLastActive'))}
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <MemberRow key={m.id} member={m} selectable={canWrite} selected={selected.has(m.id)} onToggle={() => toggle(m.id)} focusGroup={query.group || undefined} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={query.offset} shown={members.length} total={total} capped={Boolean(list.data.totalCapped)} onOffset={(offset) => update({ offset })} />
        </>
      )}
    </div>
  );
}

function Pager({ offset, shown, total, capped, onOffset }: { offset: number; shown: number; total: number; capped: boolean; onOffset: (o: number) => void }) {
  const t = useT();
  const vars = { from: offset + 1, to: offset + shown, total };
  return (
    <div className="pager" data-testid="members-pager">
      <span className="muted small" data-testid="members-count">
        {t(capped ? 'members.showingCapped' : 'members.showing', vars)}
      </span>
      <div className="actions">
        <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))} data-testid="members-prev">
          {t('members.prev')}
        </button>
        <button type="button" className="btn btn-small" disabled={offset + shown >= total && !capped} onClick={() => onOffset(offset + PAGE_SIZE)} data-testid="members-next">
          {t('members.next')}
        </button>
      </div>
    </div>
  );
}

