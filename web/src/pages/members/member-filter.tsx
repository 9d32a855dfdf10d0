// The members list's filter: the selector box (checked as it is typed, its problem in the
// console's words), quick chips that write terms into it, the name search, the group and the
// order.

import { useState } from 'react';
import { useT } from '../../i18n/index.ts';
import type { Group } from '../../types.ts';
import { hasTerm, LEVELS, readTags, SORTS, STAGES, type Sort, termValue, toggleTerm } from './member-data.ts';

export interface FilterProps {
  draft: string;
  onDraft: (v: string) => void;
  problem: string | undefined;
  search: string;
  onSearch: (v: string) => void;
  group: string;
  onGroup: (v: string) => void;
  groups: Group[];
  sort: Sort;
  onSort: (s: Sort) => void;
  onClear: () => void;
}

const SORT_LABEL: Record<Sort, string> = {
  lastActive: 'members.colLastActive',
  name: 'members.colName',
  points: 'members.colPoints',
  joined: 'members.colJoined',
  messages: 'members.colMessages',
};

export function FilterBar(p: FilterProps) {
  const t = useT();
  const [tag, setTag] = useState('');
  // Only a term that reads lights its menu (`stage:vip` is the box's problem, not a choice).
  const stage = (STAGES as readonly string[]).includes(termValue(p.draft, 'stage:')) ? termValue(p.draft, 'stage:') : '';
  const level = (LEVELS as readonly string[]).includes(termValue(p.draft, 'level:')) ? termValue(p.draft, 'level:') : '';
  const chip = (term: string, label: string, testid: string) => {
    const on = hasTerm(p.draft, term);
    return (
      <button type="button" className={`chip${on ? ' on' : ''}`} aria-pressed={on} onClick={() => p.onDraft(toggleTerm(p.draft, term))} data-testid={testid}>
        {label}
      </button>
    );
  };
  const addTag = () => {
    const [first] = readTags(tag);
    if (first) p.onDraft(toggleTerm(p.draft, `tag:${first}`));
    setTag('');
  };
  return (
    <div className="member-filter" data-testid="member-filter">
      <div className="filters">
        <label className={`field grow${p.problem ? ' field-error' : ''}`}>
          {t('members.filterLabel')}
          <input
            type="text"
            className="mono"
            value={p.draft}
            onChange={(e) => p.onDraft(e.target.value)}
            placeholder={t('members.filterPlaceholder')}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            aria-invalid={Boolean(p.problem)}
            aria-describedby={p.problem || p.draft.trim() ? 'member-filter-hint' : undefined}
            data-testid="members-where"
          />
          {p.problem ? (
            <span className="hint" id="member-filter-hint" role="alert" data-testid="members-where-error">
              {p.problem}
            </span>
          ) : p.draft.trim() ? (
            <span className="hint" id="member-filter-hint" data-testid="members-where-hint">
              {t('members.filterOk')}
            </span>
          ) : null}
        </label>
        <label className="field">
          {t('members.searchLabel')}
          <input type="search" value={p.search} onChange={(e) => p.onSearch(e.target.value)} placeholder={t('members.searchPlaceholder')} data-testid="members-search" />
        </label>
        <label className="field">
          {t('members.groupLabel')}
          <select value={p.group} onChange={(e) => p.onGroup(e.target.value)} data-testid="members-group">
            <option value="">{t('members.anyGroup')}</option>
            {p.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('members.sortLabel')}
          <select value={p.sort} onChange={(e) => p.onSort(e.target.value as Sort)} data-testid="members-sort">
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(SORT_LABEL[s])}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="chips" data-testid="member-chips">
        <select
          className={`chip-select${stage ? ' on' : ''}`}
          value={stage}
          onChange={(e) => p.onDraft(e.target.value ? toggleTerm(p.draft, `stage:${e.target.value}`, 'stage:') : toggleTerm(p.draft, `stage:${stage}`))}
          aria-label={t('members.colStage')}
          data-testid="chip-stage"
        >
          <option value="">{t('members.chipStage')}</option>
          {STAGES.map((s) => (
            <option key={s} value={s}>
              {t(`members.stage.${s}`)}
            </option>
          ))}
        </select>
        <select
          className={`chip-select${level ? ' on' : ''}`}
          value={level}
          onChange={(e) => p.onDraft(e.target.value ? toggleTerm(p.draft, `level:${e.target.value}`, 'level:') : toggleTerm(p.draft, `level:${level}`))}
          aria-label={t('members.colLevel')}
          data-testid="chip-level"
        >
          <option value="">{t('members.chipLevel')}</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {t(`members.level.${l}`)}
            </option>
          ))}
        </select>
        <form
          className="chip-tag"
          onSubmit={(e) => {
            e.preventDefault();
            addTag();
          }}
        >
          <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t('members.chipTagPlaceholder')} aria-label={t('members.chipTagAdd')} data-testid="chip-tag-input" />
          <button type="submit" className="chip" disabled={!tag.trim()} data-testid="chip-tag">
            {t('members.chipTagAdd')}
          </button>
        </form>
        {chip('active<7d', t('members.chipActive'), 'chip-active')}
        {chip('inactive>14d', t('members.chipInactive'), 'chip-inactive')}
        <details className="filter-help" data-testid="members-where-help">
          <summary>{t('members.filterHelpTitle')}</summary>
          <p>{t('members.filterHelp')}</p>
        </details>
        {p.draft || p.search || p.group ? (
          <button type="button" className="btn btn-quiet btn-small" onClick={p.onClear} data-testid="members-clear">
            {t('members.clearFilter')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
