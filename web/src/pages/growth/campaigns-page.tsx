// Campaigns (fission): an invite campaign gives each participant a personal invite link and
// counts the friends who join through it; a poster campaign asks participants to share the
// poster and send a screenshot. The list, and "New campaign": the form, a live preview of the
// poster, and the rules in plain words as they will apply.

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { choiceSelector, FIRST_CHOICE, type GroupChoice, GroupPicker } from '../runs/group-picker.tsx';
import { campaignBody, type CampaignForm, FIRST_FORM, rulesSummary } from './campaign-rules.ts';
import { PosterPreview } from './poster-preview.tsx';
// The group picker's look (segmented choice, the match line) lives with the runs pages.
import '../runs/runs.css';
import './growth.css';

interface CampaignRow {
  id: string;
  name: string;
  kind: string;
  state: string;
  participants: number;
  completed: number;
  until: string | null;
}

/** A catalogue word for a code the API sends (a state, a kind, a reason), or the fallback word. */
export function useWord(): (prefix: string, code: string, fallback: string) => string {
  const t = useT();
  return (prefix, code, fallback) => {
    const key = `campaigns.${prefix}_${code}`;
    const text = t(key);
    return text === key ? t(`campaigns.${fallback}`) : text;
  };
}

export function CampaignsPage() {
  const t = useT();
  const word = useWord();
  const user = useUser();
  const list = useGet<{ campaigns: CampaignRow[] }>('/api/campaigns');
  const [creating, setCreating] = useState(false);

  return (
    <div data-testid="campaigns-page">
      <div className="page-head">
        <div>
          <h1>{t('campaigns.title')}</h1>
          <p className="muted">{t('campaigns.intro')}</p>
        </div>
        {can.edit(user.role) && !creating ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="campaign-new">
            {t('campaigns.new')}
          </button>
        ) : null}
      </div>
      {creating ? <CampaignCreate onClose={() => setCreating(false)} /> : null}
      {list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.reload()} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.campaigns.length === 0 ? (
        <Empty title={t('campaigns.emptyTitle')}>{t('campaigns.emptyBody')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="campaign-list">
            <thead>
              <tr>
                <th>{t('campaigns.colName')}</th>
                <th>{t('campaigns.colKind')}</th>
                <th>{t('campaigns.colState')}</th>
                <th className="num">{t('campaigns.colParticipants')}</th>
                <th className="num">{t('campaigns.colCompleted')}</th>
                <th>{t('campaigns.colUntil')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.campaigns.map((c) => (
                <tr key={c.id} data-testid="campaign-row">
                  <td>
                    <Link to={`/campaigns/${encodeURIComponent(c.id)}`} data-testid="campaign-open">
                      <strong>{c.name}</strong>
                    </Link>
                  </td>
                  <td data-label={t('campaigns.colKind')}>{word('kind', c.kind, 'kindOther')}</td>
                  <td data-label={t('campaigns.colState')}>
                    <span className={`badge ${c.state === 'active' ? 'badge-ok' : c.state === 'paused' ? 'badge-warn' : ''}`}>{word('state', c.state, 'stateOther')}</span>
                  </td>
                  <td className="num" data-label={t('campaigns.colParticipants')}>
                    {c.participants}
                  </td>
                  <td className="num" data-label={t('campaigns.colCompleted')}>
                    {c.completed}
                  </td>
                  <td className="small" data-label={t('campaigns.colUntil')}>
                    {c.until ? <When iso={c.until} /> : t('campaigns.noEnd')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

interface GroupLite {
  id: string;
  name: string;
}

function CampaignCreate({ onClose }: { onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const [form, setForm] = useState<CampaignForm>(FIRST_FORM);
  const [groups, setGroups] = useState<GroupChoice>(FIRST_CHOICE);
  const [matched, setMatched] = useState<number | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | Error | undefined>();
  const all = useGet<{ groups: GroupLite[] }>('/api/groups');
  const set = useCallback(<K extends keyof CampaignForm>(k: K, v: CampaignForm[K]) => setForm((f) => ({ ...f, [k]: v })), []);
  const chosen = choiceSelector(groups);
  const regroupName = all.data?.groups.find((g) => g.id === form.regroup)?.name;
  const untilText = form.until && !Number.isNaN(new Date(form.until).getTime()) ? new Date(form.until).toLocaleString() : undefined;
  const rules = rulesSummary(form, { ...(matched !== undefined ? { groups: matched } : {}), ...(regroupName ? { regroupName } : {}), ...(untilText ? { until: untilText } : {}) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!('selector' in chosen)) return;
    const made = campaignBody(form, chosen.selector);
    if ('problem' in made) {
      setError(new Error(t(made.problem)));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ id: string }>('/api/campaigns', made.body);
      navigate(`/campaigns/${encodeURIComponent(r.id)}`);
    } catch (err) {
      setError(asFailure(err));
      setBusy(false);
    }
  }

  return (
    <section className="card section" role="dialog" aria-label={t('campaigns.newTitle')} data-testid="campaign-create">
      <h2>{t('campaigns.newTitle')}</h2>
      <form onSubmit={submit} className="campaign-create growth-form">
        <div className="stack">
          <div className="segmented" role="radiogroup" aria-label={t('campaigns.kindQuestion')}>
            {(['invite', 'poster'] as const).map((k) => (
              <label key={k} data-testid={`campaign-kind-${k}`}>
                <input type="radio" name="campaign-kind" checked={form.kind === k} onChange={() => set('kind', k)} />
                {t(`campaigns.kind_${k}`)}
              </label>
            ))}
          </div>
          <p className="muted small">{t(form.kind === 'invite' ? 'campaigns.kindInviteHelp' : 'campaigns.kindPosterHelp')}</p>
          <label className="field">
            <span>{t('campaigns.colName')} <span className="muted small">({t('common.optional')})</span></span>
            <input value={form.name} onChange={(e) => set('name', e.target.value)} maxLength={100} data-testid="campaign-name" />
          </label>
          <div className="field">
            {t('campaigns.groups')}
            <span className="hint">{t('campaigns.groupsHint')}</span>
          </div>
          <GroupPicker value={groups} onChange={setGroups} onMatch={setMatched} testid="campaign-groups" />
          {form.kind === 'invite' ? (
            <fieldset className="stack growth-fieldset">
              <legend>{t('campaigns.rulesTitle')}</legend>
              <div className="form-row">
                <label className="field">
                  {t('campaigns.goal')}
                  <input type="number" min={1} max={1000} value={form.goal} onChange={(e) => set('goal', e.target.value)} required data-testid="campaign-goal" />
                </label>
                <label className="field">
                  {t('campaigns.stay')}
                  <input type="number" min={1} max={720} value={form.stayHours} onChange={(e) => set('stayHours', e.target.value)} data-testid="campaign-stay" />
                  <span className="hint">{t('campaigns.stayHint')}</span>
                </label>
                <label className="field">
                  <span>{t('campaigns.cap')} <span className="muted small">({t('common.optional')})</span></span>
                  <input type="number" min={1} value={form.cap} onChange={(e) => set('cap', e.target.value)} data-testid="campaign-cap" />
                </label>
              </div>
              <label className="check">
                <input type="checkbox" checked={form.newOnly} onChange={(e) => set('newOnly', e.target.checked)} data-testid="campaign-new-only" />
                {t('campaigns.newOnly')}
              </label>
            </fieldset>
          ) : (
            <label className="field">
              {t('campaigns.review')}
              <select value={form.review} onChange={(e) => set('review', e.target.value === 'leader' ? 'leader' : 'auto')} data-testid="campaign-review">
                <option value="auto">{t('campaigns.reviewAuto')}</option>
                <option value="leader">{t('campaigns.reviewLeader')}</option>
              </select>
            </label>
          )}
          <fieldset className="stack growth-fieldset">
            <legend>{t('campaigns.rewardTitle')}</legend>
            <div className="segmented" role="radiogroup" aria-label={t('campaigns.rewardTitle')}>
              {(['none', 'points', 'codes', 'task'] as const).map((k) => (
                <label key={k} data-testid={`campaign-reward-${k}`}>
                  <input type="radio" name="campaign-reward" checked={form.reward === k} onChange={() => set('reward', k)} />
                  {t(`campaigns.reward_${k}`)}
                </label>
              ))}
            </div>
            {form.reward === 'points' ? (
              <label className="field">
                {t('campaigns.rewardPoints')}
                <input type="number" min={1} value={form.rewardPoints} onChange={(e) => set('rewardPoints', e.target.value)} data-testid="campaign-reward-points-value" />
              </label>
            ) : form.reward === 'codes' ? (
              <label className="field">
                {t('campaigns.rewardCodes')}
                <textarea value={form.rewardCodes} onChange={(e) => set('rewardCodes', e.target.value)} data-testid="campaign-reward-codes-value" />
                <span className="hint">{t('campaigns.rewardCodesHint')}</span>
              </label>
            ) : form.reward === 'task' ? (
              <label className="field">
                {t('campaigns.rewardTask')}
                <input value={form.rewardTask} onChange={(e) => set('rewardTask', e.target.value)} maxLength={500} placeholder={t('campaigns.rewardTaskPlaceholder')} data-testid="campaign-reward-task-value" />
              </label>
            ) : null}
          </fieldset>
          <div className="form-row">
            <label className="field">
              {t('campaigns.regroup')}
              <select value={form.regroup} onChange={(e) => set('regroup', e.target.value)} data-testid="campaign-regroup">
                <option value="">{t('campaigns.regroupNone')}</option>
                {(all.data?.groups ?? []).map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
              <span className="hint">{t('campaigns.regroupHint')}</span>
            </label>
            <label className="field">
              {t('campaigns.board')}
              <select value={form.board} onChange={(e) => set('board', e.target.value === '6h' ? '6h' : e.target.value === '1d' ? '1d' : '')} data-testid="campaign-board">
                <option value="">{t('campaigns.boardNever')}</option>
                <option value="1d">{t('campaigns.boardDaily')}</option>
                <option value="6h">{t('campaigns.board6h')}</option>
              </select>
            </label>
            <label className="field">
              <span>{t('campaigns.until')} <span className="muted small">({t('common.optional')})</span></span>
              <input type="datetime-local" value={form.until} onChange={(e) => set('until', e.target.value)} data-testid="campaign-until" />
            </label>
          </div>
          <fieldset className="stack growth-fieldset">
            <legend>{t('campaigns.posterTitle')}</legend>
            <PosterFields form={form} set={set} />
          </fieldset>
          {error ? <ErrorNote error={error} /> : null}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !('selector' in chosen) || matched === 0} data-testid="campaign-create-submit">
              {busy ? t('growth.making') : t('campaigns.create')}
            </button>
            <button type="button" className="btn" onClick={onClose} data-testid="campaign-create-cancel">
              {t('common.cancel')}
            </button>
          </div>
        </div>
        <aside className="stack">
          <PosterPreview layout={form.layout} title={form.title} subtitle={form.subtitle} />
          <section className="card" data-testid="campaign-rules">
            <h3>{t('campaigns.summaryTitle')}</h3>
            <ul className="rules-summary small">
              {rules.map((l) => (
                <li key={l.key}>{t(l.key, l.vars)}</li>
              ))}
            </ul>
          </section>
        </aside>
      </form>
    </section>
  );
}

function PosterFields({ form, set }: { form: CampaignForm; set: <K extends keyof CampaignForm>(k: K, v: CampaignForm[K]) => void }) {
  const t = useT();
  const layouts = useGet<{ layouts: { id: string; name: string }[] }>('/api/posters/layouts');
  const first = layouts.data?.layouts[0]?.id;
  // The first layout is chosen until the operator picks another.
  useEffect(() => {
    if (first && !form.layout) set('layout', first);
  }, [first, form.layout, set]);
  return (
    <>
      {layouts.error ? <ErrorNote error={layouts.error} /> : null}
      <div className="form-row">
        <label className="field">
          {t('campaigns.layout')}
          <select value={form.layout} onChange={(e) => set('layout', e.target.value)} data-testid="campaign-layout">
            {(layouts.data?.layouts ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('campaigns.posterHeadline')}
          <input value={form.title} onChange={(e) => set('title', e.target.value)} maxLength={60} placeholder={t('campaigns.posterHeadlinePlaceholder')} data-testid="campaign-poster-title" />
        </label>
      </div>
      <label className="field">
        <span>{t('campaigns.posterSubtitle')} <span className="muted small">({t('common.optional')})</span></span>
        <input value={form.subtitle} onChange={(e) => set('subtitle', e.target.value)} maxLength={120} data-testid="campaign-poster-subtitle" />
      </label>
    </>
  );
}
