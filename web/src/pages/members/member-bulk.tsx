// Changing many members at once: tags (one request for the ticked members, or for every member
// matching the filter) and points (one request per ticked member, with progress); saving the
// filter as a segment.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, api, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Note, Progress } from '../../ui/feedback.tsx';
import { readTags } from './member-data.ts';

export function BulkBar({
  ids,
  where,
  total,
  allMatchingOffer,
  allMatching,
  onAllMatching,
  onDone,
}: {
  ids: string[];
  /** Set when the change is for every member matching the filter. */
  where: string | undefined;
  total: number;
  allMatchingOffer: boolean;
  allMatching: boolean;
  onAllMatching: (on: boolean) => void;
  onDone: () => void;
}) {
  const t = useT();
  const [add, setAdd] = useState('');
  const [remove, setRemove] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<number | undefined>();
  const [error, setError] = useState<ApiFailure | string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const count = where ? total : ids.length;

  async function applyTags() {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const body = { ...(where ? { where } : { members: ids }), add: readTags(add), remove: readTags(remove) };
      const r = await post<{ changed: number }>('/api/members/tags', body);
      setDone(t('members.bulkTagDone', { count: r.changed ?? count }));
      setAdd('');
      setRemove('');
      onDone();
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  async function applyPoints() {
    const n = Number(amount);
    if (!Number.isInteger(n) || n <= 0) return setError(t('members.needAmount'));
    if (!reason.trim()) return setError(t('members.needReason'));
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    const failed: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      setProgress(i);
      try {
        await post(`/api/members/${encodeURIComponent(ids[i])}/points`, { add: n, reason: reason.trim() });
      } catch (e) {
        failed.push(asFailure(e).message);
      }
    }
    setProgress(undefined);
    setBusy(false);
    if (failed.length) setError([...new Set(failed)].join(' '));
    else {
      setDone(t('members.bulkPointsDone', { count: ids.length }));
      setAmount('');
      setReason('');
    }
    onDone();
  }

  return (
    <div className="bulkbar member-bulk" data-testid="member-bulk">
      <div className="member-bulk-head">
        <strong>{allMatching ? t('members.allMatchingOn', { total }) : t('members.selected', { count: ids.length })}</strong>
        {allMatchingOffer ? (
          <label className="inline-check">
            <input type="checkbox" checked={allMatching} onChange={(e) => onAllMatching(e.target.checked)} data-testid="member-bulk-all" />
            {t('members.allMatching', { total })}
          </label>
        ) : null}
      </div>
      <div className="member-bulk-row">
        <label className="field">
          {t('members.bulkAddTags')}
          <input value={add} onChange={(e) => setAdd(e.target.value)} placeholder={t('members.bulkTagsHint')} data-testid="member-bulk-add" />
        </label>
        <label className="field">
          {t('members.bulkRemoveTags')}
          <input value={remove} onChange={(e) => setRemove(e.target.value)} placeholder={t('members.bulkTagsHint')} data-testid="member-bulk-remove" />
        </label>
        <button type="button" className="btn btn-primary" disabled={busy || (!readTags(add).length && !readTags(remove).length)} onClick={() => void applyTags()} data-testid="member-bulk-tags">
          {t('members.bulkTagApply')}
        </button>
      </div>
      {!allMatching ? (
        <div className="member-bulk-row">
          <label className="field field-narrow">
            {t('members.bulkPoints')}
            <input type="text" inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value.replace(/[^\d]/g, ''))} data-testid="member-bulk-points" />
          </label>
          <label className="field grow">
            {t('members.bulkReason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('members.bulkReasonPlaceholder')} data-testid="member-bulk-reason" />
          </label>
          <button type="button" className="btn" disabled={busy || !amount} onClick={() => void applyPoints()} data-testid="member-bulk-points-apply">
            {t('members.bulkPointsApply', { count: ids.length })}
          </button>
        </div>
      ) : null}
      {progress !== undefined ? <Progress done={progress} total={ids.length} label={t('members.bulkPointsProgress', { done: progress, total: ids.length })} /> : null}
      {error ? <ErrorNote error={error} /> : null}
      {done ? (
        <Note kind="success">
          <span data-testid="member-bulk-done">{done}</span>
        </Note>
      ) : null}
    </div>
  );
}

/** The filter saved under a name (PUT /api/segments/:name). */
export function SaveSegment({ where, onDone }: { where: string; onDone: () => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [saved, setSaved] = useState<string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('PUT', `/api/segments/${encodeURIComponent(name.trim())}`, { where });
      setSaved(name.trim());
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card segment-save" onSubmit={submit} data-testid="segment-save">
      <h3>{t('members.saveSegmentTitle')}</h3>
      <p className="mono small segment-where">{where}</p>
      {saved ? (
        <>
          <Note kind="success">
            <span data-testid="segment-saved">{t('members.segmentSaved', { name: saved })}</span>
          </Note>
          <div className="actions">
            <button type="button" className="btn" onClick={onDone} data-testid="segment-save-close">
              {t('common.close')}
            </button>
          </div>
        </>
      ) : (
        <>
          <label className="field">
            {t('members.segmentName')}
            <input value={name} onChange={(e) => setName(e.target.value)} autoCapitalize="off" spellCheck={false} data-testid="segment-name" />
            <span className="hint">{t('members.segmentNameHint')}</span>
          </label>
          {error ? <ErrorNote error={error} /> : null}
          <div className="actions" style={{ marginTop: 12 }}>
            <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()} data-testid="segment-save-submit">
              {busy ? t('common.saving') : t('members.segmentSave')}
            </button>
            <button type="button" className="btn" onClick={onDone} data-testid="segment-save-cancel">
              {t('common.cancel')}
            </button>
          </div>
        </>
      )}
    </form>
  );
}
