// A channel's pacing, shown and changed on its card (GET/PATCH /api/channels/:id/pacing). The
// server checks the bounds and names the field it refuses; previews forecast with what is saved.

import { type FormEvent, useEffect, useState } from 'react';
import { type ApiFailure, asFailure, patch, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Note } from '../../ui/feedback.tsx';
import { defaultText, formValues, type PacingAnswer, type PacingField, type PacingFormValues, pacingPatch } from './pacing-form.ts';

const FIELDS: { field: PacingField; label: string }[] = [
  { field: 'intervalMs', label: 'pacing.interval' },
  { field: 'jitterMs', label: 'pacing.jitter' },
  { field: 'dailyCap', label: 'pacing.dailyCap' },
  { field: 'perChatDailyCap', label: 'pacing.perChatDaily' },
];

export function ChannelPacing({ channelId, manage }: { channelId: string; manage: boolean }) {
  const t = useT();
  const loaded = useGet<PacingAnswer>(`/api/channels/${encodeURIComponent(channelId)}/pacing`);
  const [answer, setAnswer] = useState<PacingAnswer | undefined>();
  const [values, setValues] = useState<PacingFormValues | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | string | undefined>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    setAnswer(loaded.data);
    setValues(formValues(loaded.data));
  }, [loaded.data]);

  if (loaded.error) return <ErrorNote error={loaded.error} onRetry={() => void loaded.reload()} />;
  if (!answer || !values) return null;
  const a = answer;
  const secs = (ms: number) => String(ms / 1000);
  const cap = (n: number | null) => (n === null ? t('pacing.noCap') : String(n));

  async function send(change: Parameters<typeof patch>[1]) {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const next = await patch<PacingAnswer>(`/api/channels/${encodeURIComponent(channelId)}/pacing`, change);
      setAnswer(next);
      setValues(formValues(next));
      setSaved(true);
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = pacingPatch(values!, a);
    if ('invalid' in r) {
      const label = FIELDS.find((f) => f.field === r.invalid)!.label;
      setError(t('pacing.invalidNumber', { field: t(label) }));
      return;
    }
    void send(r.patch);
  }

  return (
    <details style={{ marginBottom: 10 }} data-testid={`channel-pacing-${channelId}`}>
      <summary>
        {t('pacing.title')}:{' '}
        <span data-testid="pacing-summary">
          {t('pacing.summary', { interval: secs(a.pacing.intervalMs), jitter: secs(a.pacing.jitterMs), daily: cap(a.pacing.dailyCap), perChat: cap(a.pacing.perChatDailyCap) })}
        </span>
      </summary>
      <form onSubmit={submit} className="form" style={{ marginTop: 8 }}>
        <p className="muted small" style={{ margin: 0 }}>
          {t('pacing.intro')}
        </p>
        {FIELDS.map(({ field, label }) => (
          <label className="field" key={field}>
            {t(label)}
            <input
              inputMode="decimal"
              value={values[field]}
              disabled={!manage}
              placeholder={t('pacing.platformDefault', { value: defaultText(field, a, t('pacing.noCap')) })}
              onChange={(e) => setValues({ ...values, [field]: e.target.value })}
              data-testid={`pacing-${field}`}
            />
            {field === 'intervalMs' && a.bounds.intervalMs.min > 0 ? <span className="muted small">{t('pacing.atLeast', { min: secs(a.bounds.intervalMs.min) })}</span> : null}
          </label>
        ))}
        {error ? <ErrorNote error={error} /> : null}
        {saved ? <Note kind="success">{t('pacing.saved')}</Note> : null}
        {manage ? (
          <div className="actions">
            <button type="submit" className="btn" disabled={busy} data-testid="pacing-save">
              {busy ? t('common.saving') : t('pacing.save')}
            </button>
            {a.changed.length ? (
              <button
                type="button"
                className="btn"
                disabled={busy}
                onClick={() => void send(Object.fromEntries(a.changed.map((f) => [f, 'default'])))}
                data-testid="pacing-reset"
              >
                {t('pacing.reset')}
              </button>
            ) : null}
          </div>
        ) : null}
      </form>
    </details>
  );
}
