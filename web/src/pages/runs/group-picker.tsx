// Choosing groups for a run or a broadcast: by filter (channel, community type, tag, leader — all
// must hold) or by typing a selector. Shows how many groups match, and their first names, as you
// choose, so nobody launches on "all" by accident.

import { useEffect, useMemo, useState } from 'react';
import { asFailure, get, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { type GroupFilter, NO_FILTER, selectorOf } from './launch-data.ts';

const COMMUNITIES = ['lead', 'newcomer', 'training_camp', 'delivery', 'fans', 'local'];

interface GroupLite {
  id: string;
  channelId: string;
  name: string;
  tags: string[];
  leader: string | null;
}

export interface GroupChoice {
  mode: 'filter' | 'selector';
  filter: GroupFilter;
  selector: string;
}

export const FIRST_CHOICE: GroupChoice = { mode: 'filter', filter: NO_FILTER, selector: '' };

/** The selector a choice means, or the i18n key of what is wrong with it. */
export function choiceSelector(c: GroupChoice): { selector: string } | { problem: string } {
  if (c.mode === 'selector') return c.selector.trim() ? { selector: c.selector.trim() } : { problem: 'runs.selectorEmpty' };
  const s = selectorOf(c.filter);
  return 'selector' in s ? s : { problem: 'runs.selectorSeparator' };
}

export function GroupPicker({
  value,
  onChange,
  onMatch,
  testid,
}: {
  value: GroupChoice;
  onChange: (v: GroupChoice) => void;
  /** How many groups the choice matches (undefined while checking or when it cannot be read). */
  onMatch?: (count: number | undefined) => void;
  testid: string;
}) {
  const t = useT();
  const groups = useGet<{ groups: GroupLite[] }>('/api/groups');
  const channels = useGet<{ channels: { id: string; name: string; kind: string }[] }>('/api/channels');
  const { nameOf } = usePeople();
  const [match, setMatch] = useState<{ count: number; names: string[] } | { error: string } | undefined>();

  const options = useMemo(() => {
    const list = groups.data?.groups ?? [];
    const named = new Map((channels.data?.channels ?? []).map((c) => [c.id, `${c.name} (${t(`common.kind_${c.kind}`)})`]));
    const channelIds = [...new Set([...named.keys(), ...list.map((g) => g.channelId)])];
    return {
      channels: channelIds.map((id) => ({ id, label: named.get(id) ?? id })),
      tags: [...new Set(list.flatMap((g) => g.tags))].sort(),
      leaders: [...new Set(list.map((g) => g.leader).filter((l): l is string => !!l))].sort(),
    };
  }, [groups.data, channels.data, t]);

  const chosen = choiceSelector(value);
  const selector = 'selector' in chosen ? chosen.selector : undefined;

  useEffect(() => {
    setMatch(undefined);
    onMatch?.(undefined);
    if (!selector) return;
    let live = true;
    // Typing a selector asks the server once the typing pauses, not at every key.
    const timer = setTimeout(() => {
      get<{ groups: GroupLite[] }>(`/api/groups?groups=${encodeURIComponent(selector)}`)
        .then((r) => {
          if (!live) return;
          setMatch({ count: r.groups.length, names: r.groups.slice(0, 5).map((g) => g.name) });
          onMatch?.(r.groups.length);
        })
        .catch((e) => live && setMatch({ error: asFailure(e).message }));
    }, 350);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [selector, onMatch]);

  const setFilter = (k: keyof GroupFilter, v: string) => onChange({ ...value, filter: { ...value.filter, [k]: v } });

  return (
    <div className="stack" data-testid={testid}>
      <div className="segmented" role="radiogroup" aria-label={t('runs.groupsHow')}>
        <label data-testid={`${testid}-mode-filter`}>
          <input type="radio" name={`${testid}-mode`} checked={value.mode === 'filter'} onChange={() => onChange({ ...value, mode: 'filter' })} />
          {t('runs.byFilter')}
        </label>
        <label data-testid={`${testid}-mode-selector`}>
          <input
            type="radio"
            name={`${testid}-mode`}
            checked={value.mode === 'selector'}
            onChange={() => onChange({ ...value, mode: 'selector', selector: value.selector || (selector ?? '') })}
          />
          {t('runs.bySelector')}
        </label>
      </div>
      {value.mode === 'filter' ? (
        <div className="form-row">
          <label className="field">
            {t('runs.filterChannel')}
            <select value={value.filter.channel} onChange={(e) => setFilter('channel', e.target.value)} data-testid={`${testid}-channel`}>
              <option value="">{t('runs.anyChannel')}</option>
              {options.channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            {t('runs.filterCommunity')}
            <select value={value.filter.community} onChange={(e) => setFilter('community', e.target.value)} data-testid={`${testid}-community`}>
              <option value="">{t('runs.anyCommunity')}</option>
              {COMMUNITIES.map((c) => (
                <option key={c} value={c}>
                  {t(`common.community_${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            {t('runs.filterTag')}
            <input type="text" list={`${testid}-tags`} value={value.filter.tag} onChange={(e) => setFilter('tag', e.target.value)} placeholder={t('runs.anyTag')} data-testid={`${testid}-tag`} />
            <datalist id={`${testid}-tags`}>
              {options.tags.map((x) => (
                <option key={x} value={x} />
              ))}
            </datalist>
          </label>
          <label className="field">
            {t('runs.filterLeader')}
            <input type="text" list={`${testid}-leaders`} value={value.filter.leader} onChange={(e) => setFilter('leader', e.target.value)} placeholder={t('runs.anyLeader')} data-testid={`${testid}-leader`} />
            <datalist id={`${testid}-leaders`}>
              {options.leaders.map((x) => (
                <option key={x} value={x} label={nameOf(x)} />
              ))}
            </datalist>
          </label>
        </div>
      ) : (
        <label className="field">
          {t('runs.selector')}
          <input type="text" className="mono" value={value.selector} onChange={(e) => onChange({ ...value, selector: e.target.value })} placeholder="community:training_camp+tag:vip" data-testid={`${testid}-selector`} />
          <span className="hint">{t('runs.selectorHint')}</span>
        </label>
      )}
      <div className="match" aria-live="polite" data-testid={`${testid}-match`}>
        {'problem' in chosen ? <span className="badge badge-warn">{t(chosen.problem)}</span> : null}
        {match && 'error' in match ? <span className="badge badge-bad">{match.error}</span> : null}
        {match && 'count' in match ? (
          <>
            <strong>{t('runs.groupsMatch', { count: match.count })}</strong>
            {match.names.length ? ` — ${match.names.join(', ')}${match.count > match.names.length ? '…' : ''}` : ''}
            {selector ? <span className="mono muted"> · {selector}</span> : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
