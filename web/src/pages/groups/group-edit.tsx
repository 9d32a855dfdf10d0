// Changing groups: one group's leader, community type and tags; or the same change for many
// selected groups at once, with progress (each is one PATCH /api/groups/:id).

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type ApiFailure, asFailure, patch } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { COMMUNITIES, type Group } from '../../types.ts';
import { ErrorNote, Progress } from '../../ui/feedback.tsx';
import { GroupAdmissionSettings } from '../admission/group-settings.tsx';
import { readTags } from './group-filter.ts';

/**
 * A labelled leader menu: the people in the team by display name. A leader who is not in the team
 * (set by a connector or an import) stays chosen, marked, until someone better is picked.
 * `emptyLabel` names the empty choice ("keep as is" in the bulk bar), else "no leader".
 */
export function LeaderField({ label, hint, value, onChange, testid, className = 'field', emptyLabel }: FieldProps & { hint?: string; emptyLabel?: string }) {
  const t = useT();
  const { people } = usePeople();
  const stranger = value !== '' && !people.some((p) => p.name === value);
  return (
    <label className={className}>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
        <option value="">{emptyLabel ?? t('groups.noLeader')}</option>
        {stranger ? <option value={value}>{t('people.notInTeamOption', { name: value })}</option> : null}
        {people.map((p) => (
          <option key={p.name} value={p.name}>
            {p.displayName && p.displayName !== p.name ? `${p.displayName} (${p.name})` : p.name}
          </option>
        ))}
      </select>
      {stranger ? <span className="hint" style={{ color: "#9b2c20" }}>{t("people.notInTeamHint")}</span> : hint ? <span className="hint">{hint}</span> : null}
    </label>
  );
}

/** A labelled community type menu; `keepLabel` names the empty choice ("keep as is"), else "not set". */
export function CommunityField({ label, value, onChange, testid, keepLabel, className = 'field' }: FieldProps & { keepLabel?: string }) {
  const t = useT();
  return (
    <label className={className}>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
        <option value="">{keepLabel ?? t('common.communityNone')}</option>
        {COMMUNITIES.map((c) => (
          <option key={c} value={c}>
            {t(`common.community_${c}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  testid: string;
  className?: string;
}

export function GroupEditPanel({ group, onDone }: { group: Group; onDone: (changed: boolean) => void }) {
  const t = useT();
  const [leader, setLeader] = useState(group.leader ?? '');
  const [community, setCommunity] = useState<string>(group.community ?? '');
  const [tags, setTags] = useState(group.tags.join(' '));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const panel = useRef<HTMLFormElement>(null);
  // The panel opens above the list: on a phone the row's Edit button may be far below it.
  // A block body: an effect's return value is its cleanup, and Chromium's scrollIntoView now returns
  // a Promise, which React would call as a function when the panel closes (a blank console).
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await patch(`/api/groups/${encodeURIComponent(group.id)}`, {
        leader: leader.trim() || null,
        community: community || null,
        tags: readTags(tags),
      });
      onDone(true);
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" ref={panel} onSubmit={submit} data-testid="group-edit">
      <h3>{t('groups.editTitle', { name: group.name })}</h3>
      <div className="form-row">
        <LeaderField label={t('groups.colLeader')} hint={t('people.leaderHint')} value={leader} onChange={setLeader} testid="group-edit-leader" />
        <CommunityField label={t('groups.colCommunity')} value={community} onChange={setCommunity} testid="group-edit-community" />
        <label className="field">
          {t('groups.colTags')}
          <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="group-edit-tags" />
          <span className="hint">{t('groups.tagsHint')}</span>
        </label>
      </div>
      {/* people/admission: the group's application settings, saved on their own button. */}
      <GroupAdmissionSettings groupId={group.id} attrs={group.attrs} />
      {error ? <ErrorNote error={error} /> : null}
      <div className="actions" style={{ marginTop: 12 }}>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="group-edit-save">
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(false)} data-testid="group-edit-cancel">
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** One change applied to every selected group, in turn, with a progress bar. */
export function BulkBar({ groups, onDone }: { groups: Group[]; onDone: () => void }) {
  const t = useT();
  const [leader, setLeader] = useState('');
  const [community, setCommunity] = useState('');
  const [addTags, setAddTags] = useState('');
  const [progress, setProgress] = useState<number | undefined>();
  const [failures, setFailures] = useState<{ group: Group; error: ApiFailure }[]>([]);

  const nothing = !leader.trim() && !community && !readTags(addTags).length;

  async function apply() {
    setFailures([]);
    const failed: { group: Group; error: ApiFailure }[] = [];
    const extra = readTags(addTags);
    for (let i = 0; i < groups.length; i++) {
      setProgress(i);
      const g = groups[i];
      const body: Record<string, unknown> = {};
      if (leader.trim()) body.leader = leader.trim();
      if (community) body.community = community;
      if (extra.length) body.tags = [...new Set([...g.tags, ...extra])];
      try {
        await patch(`/api/groups/${encodeURIComponent(g.id)}`, body);
      } catch (e) {
        failed.push({ group: g, error: asFailure(e) });
      }
    }
    setProgress(undefined);
    setFailures(failed);
    if (!failed.length) {
      setLeader('');
      setCommunity('');
      setAddTags('');
    }
    onDone();
  }

  return (
    <div className="bulkbar" data-testid="bulk-bar">
      <strong style={{ alignSelf: 'center' }}>{t('groups.selected', { count: groups.length })}</strong>
      <LeaderField label={t('groups.bulkLeader')} value={leader} onChange={setLeader} testid="bulk-leader" emptyLabel={t('groups.keep')} />
      <CommunityField label={t('groups.bulkCommunity')} value={community} onChange={setCommunity} testid="bulk-community" keepLabel={t('groups.keep')} />
      <label className="field">
        {t('groups.bulkTags')}
        <input value={addTags} onChange={(e) => setAddTags(e.target.value)} data-testid="bulk-tags" />
      </label>
      <button type="button" className="btn btn-primary" disabled={nothing || progress !== undefined} onClick={() => void apply()} data-testid="bulk-apply">
        {t('groups.bulkApply', { count: groups.length })}
      </button>
      {progress !== undefined ? (
        <div style={{ flexBasis: '100%' }}>
          <Progress done={progress} total={groups.length} label={t('groups.bulkProgress', { done: progress, total: groups.length })} />
        </div>
      ) : null}
      {failures.length ? (
        <div style={{ flexBasis: '100%' }}>
          {failures.map((f) => (
            <ErrorNote key={f.group.id} error={`${f.group.name}: ${f.error.message}`} />
          ))}
        </div>
      ) : null}
    </div>
  );
}
