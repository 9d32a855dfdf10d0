// A group's application settings, in its edit panel: the questions, the rejoin policy, who
// reviews (shown: the `reviewer` attribute, else the leader) and the public form's address (open,
// new address, close). Saved on its own button (PATCH /api/groups/:id/admission).

import { useEffect, useState } from 'react';
import { type ApiFailure, asFailure, patch, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { ErrorNote, Note } from '../../ui/feedback.tsx';

interface Settings {
  questions: string[];
  rejoinPolicy: 'allowed' | 'review' | 'never';
  reviewer: string | null;
  formPath: string | null;
}

const POLICIES = ['allowed', 'review', 'never'] as const;

export function GroupAdmissionSettings({ groupId, attrs }: { groupId: string; attrs: Record<string, string> }) {
  const t = useT();
  const { people } = usePeople();
  const [reviewer, setReviewer] = useState(attrs.reviewer ?? '');
  const path = `/api/groups/${encodeURIComponent(groupId)}/admission`;
  const loaded = useGet<Settings>(path);
  const [questions, setQuestions] = useState('');
  const [policy, setPolicy] = useState<Settings['rejoinPolicy']>('allowed');
  const [form, setForm] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    setQuestions(loaded.data.questions.join('\n'));
    setPolicy(loaded.data.rejoinPolicy);
    setForm(loaded.data.formPath);
  }, [loaded.data]);

  async function save() {
    setError(undefined);
    setSaved(false);
    try {
      const lines = questions.split('\n').map((q) => q.trim()).filter(Boolean);
      await patch(path, { questions: lines, rejoinPolicy: policy });
      // The reviewer is the group attribute `reviewer` (empty: the leader reviews).
      if (reviewer !== (attrs.reviewer ?? '')) {
        const { reviewer: _old, ...rest } = attrs;
        await patch(`/api/groups/${encodeURIComponent(groupId)}`, { attrs: reviewer ? { ...rest, reviewer } : rest });
      }
      setSaved(true);
      await loaded.reload();
    } catch (e) {
      setError(asFailure(e));
    }
  }

  async function setOpen(open: boolean) {
    setError(undefined);
    try {
      setForm((await post<Settings>(`${path}/form`, { open })).formPath);
    } catch (e) {
      setError(asFailure(e));
    }
  }

  if (!loaded.data) return loaded.error ? <ErrorNote error={loaded.error} /> : null;
  const address = form ? `${location.origin}${form}` : null;
  return (
    <fieldset className="admission-settings" style={{ border: "1px solid #dfe3e8", borderRadius: 8, padding: 12, margin: "12px 0" }} data-testid="group-admission">
      <legend>{t('admission.settingsTitle')}</legend>
      <div className="form-row">
        <label className="field">
          {t('admission.questions')}
          <textarea value={questions} onChange={(e) => setQuestions(e.target.value)} rows={3} data-testid="group-admission-questions" />
          <span className="hint">{t('admission.questionsHint')}</span>
        </label>
        <label className="field">
          {t('admission.rejoin')}
          <select value={policy} onChange={(e) => setPolicy(e.target.value as Settings['rejoinPolicy'])} data-testid="group-admission-rejoin">
            {POLICIES.map((p) => (
              <option key={p} value={p}>
                {t(`admission.rejoin_${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('admission.reviewerLabel')}
          <select value={reviewer} onChange={(e) => setReviewer(e.target.value)} data-testid="group-admission-reviewer">
            <option value="">{t('admission.reviewerLeader')}</option>
            {reviewer && !people.some((p) => p.name === reviewer) ? <option value={reviewer}>{reviewer}</option> : null}
            {people.map((p) => (
              <option key={p.name} value={p.name}>
                {p.displayName && p.displayName !== p.name ? `${p.displayName} (${p.name})` : p.name}
              </option>
            ))}
          </select>
          <span className="hint">{t('admission.reviewerHint', { name: loaded.data.reviewer ?? '—' })}</span>
        </label>
      </div>
      <div className="field">
        {t('admission.formLink')}
        {address ? (
          <code className="small" style={{ wordBreak: 'break-all' }} data-testid="group-admission-form">
            {address}
          </code>
        ) : (
          <span className="muted small">{t('admission.formClosed')}</span>
        )}
        <span className="actions">
          <button type="button" className="btn btn-small" onClick={() => void setOpen(true)} data-testid="group-admission-form-open">
            {address ? t('admission.formNew') : t('admission.formOpen')}
          </button>
          {address ? (
            <button type="button" className="btn btn-small" onClick={() => void setOpen(false)} data-testid="group-admission-form-close">
              {t('admission.formClose')}
            </button>
          ) : null}
        </span>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {saved ? <Note kind="success">{t('admission.settingsSaved')}</Note> : null}
      <button type="button" className="btn" onClick={() => void save()} data-testid="group-admission-save">
        {t('admission.saveSettings')}
      </button>
    </fieldset>
  );
}
