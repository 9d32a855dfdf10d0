// Adding a group by its id on the platform (the server looks it up there when it can).

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import type { Channel } from '../../types.ts';
import { ErrorNote } from '../../ui/feedback.tsx';
import { readTags } from './group-filter.ts';
import { CommunityField, LeaderField } from './group-edit.tsx';

export function GroupAddForm({ channels, onAdded, onCancel }: { channels: Channel[]; onAdded: () => void; onCancel: () => void }) {
  const t = useT();
  const [channel, setChannel] = useState(channels[0]?.id ?? '');
  const [externalId, setExternalId] = useState('');
  const [name, setName] = useState('');
  const [leader, setLeader] = useState('');
  const [community, setCommunity] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const kind = channels.find((c) => c.id === channel)?.kind;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post('/api/groups', {
        channel,
        externalId: externalId.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(leader.trim() ? { leader: leader.trim() } : {}),
        ...(community ? { community } : {}),
        ...(readTags(tags).length ? { tags: readTags(tags) } : {}),
      });
      onAdded();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const fieldClass = (f: string) => `field${error?.field === f ? ' field-error' : ''}`;
  return (
    <form className="card" onSubmit={submit} data-testid="group-add-form">
      <h3>{t('groups.addTitle')}</h3>
      <div className="form-row">
        <label className={fieldClass('channel')}>
          {t('groups.colChannel')}
          <select value={channel} onChange={(e) => setChannel(e.target.value)} data-testid="group-add-channel">
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({t(`common.kind_${c.kind}`)})
              </option>
            ))}
          </select>
        </label>
        <label className={fieldClass('externalId')}>
          {t('groups.externalId')}
          <input value={externalId} onChange={(e) => setExternalId(e.target.value)} required data-testid="group-add-external-id" />
          <span className="hint">{kind ? t(`groups.externalIdHint_${kind}`) : ''}</span>
        </label>
        <label className={fieldClass('name')}>
          <span>
            {t('groups.colName')} <span className="hint">({t('common.optional')})</span>
          </span>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="group-add-name" />
        </label>
      </div>
      <div className="form-row" style={{ marginTop: 12 }}>
        <LeaderField label={t('groups.colLeader')} className={fieldClass('leader')} value={leader} onChange={setLeader} testid="group-add-leader" />
        <CommunityField label={t('groups.colCommunity')} className={fieldClass('community')} value={community} onChange={setCommunity} testid="group-add-community" />
        <label className={fieldClass('tags')}>
          {t('groups.colTags')}
          <input value={tags} onChange={(e) => setTags(e.target.value)} data-testid="group-add-tags" />
        </label>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      <div className="actions" style={{ marginTop: 12 }}>
        <button type="submit" className="btn btn-primary" disabled={busy || !channel || !externalId.trim()} data-testid="group-add-submit">
          {busy ? t('groups.adding') : t('groups.addSubmit')}
        </button>
        <button type="button" className="btn" onClick={onCancel} data-testid="group-add-cancel">
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
