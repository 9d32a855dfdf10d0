// Connecting a channel: pick the kind, follow the guide, paste what it asks for. The server
// tests the credentials with the platform before it stores them; a refusal is shown at its field.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { CHANNEL_KINDS, type Channel, type ChannelKind } from '../../types.ts';
import { ErrorNote, Progress } from '../../ui/feedback.tsx';
import { CHANNEL_FORMS, channelBody, failureWording, guideKeys, refusedField } from './channel-forms.ts';
import { GUIDES } from './guides.ts';

export function ChannelAddForm({ onAdded, onCancel }: { onAdded: (c: Channel) => void; onCancel: () => void }) {
  const t = useT();
  const [kind, setKind] = useState<ChannelKind>('telegram');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const form = CHANNEL_FORMS[kind];
  const guide = GUIDES[kind];
  const badField = refusedField(error?.field);

  function pick(k: ChannelKind) {
    setKind(k);
    setValues({});
    setError(undefined);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onAdded(await post<Channel>('/api/channels', channelBody(kind, name, values)));
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const input = (key: string, secret?: boolean, required?: boolean, placeholder?: string) => (
    <label className={`field${badField === key ? ' field-error' : ''}`} key={key}>
      <span>
        {t(`channels.field_${kind}_${key}`)} {required ? null : <span className="hint">({t('common.optional')})</span>}
      </span>
      <input
        type={secret ? 'password' : 'text'}
        autoComplete="off"
        value={values[key] ?? ''}
        onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
        required={required}
        placeholder={placeholder}
        data-testid={`channel-field-${key}`}
      />
      <span className="hint">{t(`channels.hint_${kind}_${key}`)}</span>
    </label>
  );

  return (
    <form className="card" onSubmit={submit} data-testid="channel-add-form">
      <h3>{t('channels.addTitle')}</h3>
      <fieldset className="kind-picker">
        <legend className="sr-only">{t('channels.kind')}</legend>
        {CHANNEL_KINDS.map((k) => (
          <button
            type="button"
            key={k}
            aria-pressed={k === kind}
            className={`kind-option${k === kind ? ' active' : ''}`}
            onClick={() => pick(k)}
            data-testid={`channel-kind-${k}`}
          >
            <strong>{t(`common.kind_${k}`)}</strong>
            <span>{t(`channels.kindBlurb_${k}`)}</span>
          </button>
        ))}
      </fieldset>

      <div className="guide" style={{ marginTop: 14 }}>
        <strong>{t('channels.guideTitle')}</strong>
        <ol>
          {guideKeys(kind).map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ol>
        {guide ? (
          <details style={{ marginTop: 8 }} data-testid="channel-guide">
            <summary>{t('channels.fullGuide', { file: guide.file })}</summary>
            <pre style={{ whiteSpace: 'pre-wrap', maxHeight: 360, overflowY: 'auto', background: '#fff', padding: 12, borderRadius: 6 }}>{guide.text}</pre>
          </details>
        ) : null}
      </div>

      <div className="form" style={{ marginTop: 14, maxWidth: 640 }}>
        <label className={`field${badField === 'name' ? ' field-error' : ''}`}>
          <span>
            {t('channels.name')} <span className="hint">({t('common.optional')})</span>
          </span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t(`channels.namePlaceholder_${kind}`)} data-testid="channel-name" />
        </label>
        {form.fields.filter((f) => !f.advanced).map((f) => input(f.key, f.secret, f.required, f.placeholder))}
        {form.fields.some((f) => f.advanced) ? (
          <details>
            <summary>{t('channels.moreSettings')}</summary>
            <div className="form" style={{ marginTop: 10 }}>
              {form.fields.filter((f) => f.advanced).map((f) => input(f.key, f.secret, f.required, f.placeholder))}
            </div>
          </details>
        ) : null}
        {error ? (
          <ErrorNote error={((w) => (w ? t(w, { message: error.message }) : error))(failureWording(error.code, error.field))} />
        ) : null}
        {busy ? <Progress label={t('channels.testing')} /> : null}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="channel-add-submit">
            {busy ? t('channels.testing') : form.fields.length ? t('channels.testAndAdd') : t('channels.add')}
          </button>
          <button type="button" className="btn" onClick={onCancel} data-testid="channel-add-cancel">
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </form>
  );
}
