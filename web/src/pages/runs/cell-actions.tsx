// What a person can do to one board cell, as the server allows it for this row and this person
// (`actions` of GET /api/ledger/:id, decided in src/run/row-actions.ts): try a failed send again,
// send a planned one now, skip, hand a task to someone else in the team, change the text of an
// action not yet sent. Each goes through the ledger's state machine on the server; a refusal
// (the row moved meanwhile) is shown as the server words it.

import { useState } from 'react';
import { type ApiFailure, asFailure, patch, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { ErrorNote } from '../../ui/feedback.tsx';
import { Confirm } from './confirm.tsx';

export type RowAction = 'retry' | 'send_now' | 'skip' | 'reassign' | 'edit';

export interface ActionableRow {
  id: number;
  state: string;
  mode: string;
  assignee: string | null;
  content: { text?: string; link?: string };
  actions?: RowAction[];
}

/** The confirmations: which one asks a person to have checked the chat. */
type Asking = 'retry' | 'retry_checked' | 'send_now' | 'skip';

export function CellActions({ row, onChanged }: { row: ActionableRow; onChanged: () => void }) {
  const t = useT();
  const { people, nameOf } = usePeople();
  const [asking, setAsking] = useState<Asking | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [handing, setHanding] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  // An unconfirmed send is settled by the "did it go out?" box above; its retry is "send again" there.
  const actions = (row.actions ?? []).filter((a) => !(a === 'retry' && row.state === 'unconfirmed'));
  if (!actions.length) return null;

  const run = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      setAsking(null);
      setEditing(null);
      setHanding(null);
      onChanged();
    } catch (e) {
      setError(asFailure(e));
      setAsking(null);
    } finally {
      setBusy(false);
    }
  };
  const base = `/api/ledger/${row.id}`;
  const confirmed = () => {
    if (asking === 'retry') return run(() => post(`${base}/retry`, {}));
    if (asking === 'retry_checked') return run(() => post(`${base}/retry`, { confirmNotSent: true }));
    if (asking === 'send_now') return run(() => post(`${base}/send-now`, {}));
    return run(() => post(`${base}/skip`, {}));
  };
  const others = people.filter((p) => p.name !== row.assignee);

  return (
    <div className="stack" data-testid="cell-actions">
      <div className="actions">
        {actions.includes('retry') ? (
          <button type="button" className="btn btn-small btn-primary" onClick={() => setAsking(row.state === 'failed' ? 'retry' : 'retry_checked')} data-testid="cell-action-retry">
            {t('actions.retry')}
          </button>
        ) : null}
        {actions.includes('send_now') ? (
          <button type="button" className="btn btn-small btn-primary" onClick={() => setAsking('send_now')} data-testid="cell-action-send_now">
            {t('actions.sendNow')}
          </button>
        ) : null}
        {actions.includes('reassign') ? (
          <button type="button" className="btn btn-small" onClick={() => setHanding(others[0]?.name ?? '')} data-testid="cell-action-reassign">
            {t('actions.reassign')}
          </button>
        ) : null}
        {actions.includes('edit') ? (
          <button type="button" className="btn btn-small" onClick={() => setEditing(row.content.text ?? '')} data-testid="cell-action-edit">
            {t('actions.edit')}
          </button>
        ) : null}
        {actions.includes('skip') ? (
          <button type="button" className="btn btn-small btn-quiet" onClick={() => setAsking('skip')} data-testid="cell-action-skip">
            {t('actions.skip')}
          </button>
        ) : null}
      </div>
      {error ? <ErrorNote error={error} /> : null}

      {handing !== null ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (handing) void run(() => post(`${base}/reassign`, { to: handing }));
          }}
          data-testid="cell-reassign"
        >
          <label className="field">
            {t('actions.reassignTo', { who: row.assignee ? nameOf(row.assignee) : t('runs.nobody') })}
            <select value={handing} onChange={(e) => setHanding(e.target.value)} data-testid="cell-reassign-to">
              <option value="" disabled>
                {t('actions.choosePerson')}
              </option>
              {others.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.displayName && p.displayName !== p.name ? `${p.displayName} (${p.name})` : p.name}
                </option>
              ))}
            </select>
            {row.state === 'missed' ? <span className="hint">{t('actions.reassignMissedHint')}</span> : null}
          </label>
          <div className="actions">
            <button type="submit" className="btn btn-small btn-primary" disabled={busy || !handing} data-testid="cell-reassign-submit">
              {t('actions.reassignSubmit')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setHanding(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}

      {editing !== null ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => patch(base, { text: editing }));
          }}
          data-testid="cell-edit"
        >
          <label className="field">
            {t('actions.newText')}
            <textarea rows={5} value={editing} onChange={(e) => setEditing(e.target.value)} data-testid="cell-edit-text" />
            <span className="hint">{t('actions.editHint')}</span>
          </label>
          <div className="actions">
            <button type="submit" className="btn btn-small btn-primary" disabled={busy || !editing.trim()} data-testid="cell-edit-save">
              {busy ? t('common.saving') : t('common.save')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}

      {asking ? (
        <Confirm
          title={t(`actions.${asking}_title`)}
          confirmLabel={t(`actions.${asking}_yes`)}
          danger={asking === 'skip' || asking === 'retry_checked'}
          busy={busy}
          onConfirm={() => void confirmed()}
          onCancel={() => setAsking(null)}
        >
          <p>{t(`actions.${asking}_body`)}</p>
        </Confirm>
      ) : null}
    </div>
  );
}
