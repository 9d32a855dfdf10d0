// Live codes: one stable address and QR code for a set of groups; each scan goes to the first
// group still below its cap. The list, and "New live code" (which groups, the cap, what happens
// when every group is full, a name); a new one opens on its page with the QR code.

import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { decide } from '../../../../src/access/roles.ts';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { choiceSelector, FIRST_CHOICE, type GroupChoice, GroupPicker } from '../runs/group-picker.tsx';
// The group picker's look (segmented choice, the match line) lives with the runs pages.
import '../runs/runs.css';
import './growth.css';

interface LiveCodeRow {
  id: string;
  name: string;
  url: string;
  state: string;
  groups: number;
  full: number;
  scans: number;
  createdAt: string;
}

export function LiveCodesPage() {
  const t = useT();
  const user = useUser();
  const list = useGet<{ livecodes: LiveCodeRow[] }>('/api/livecodes');
  const [creating, setCreating] = useState(false);
  const canCreate = decide(user.role, 'groups.write') === 'allow';

  return (
    <div data-testid="livecodes-page">
      <div className="page-head">
        <div>
          <h1>{t('growth.lcTitle')}</h1>
          <p className="muted">{t('growth.lcIntro')}</p>
        </div>
        {canCreate && !creating ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="livecode-new">
            {t('growth.lcNew')}
          </button>
        ) : null}
      </div>
      {creating ? <LiveCodeCreate onClose={() => setCreating(false)} /> : null}
      {list.error ? (
        <ErrorNote error={list.error} onRetry={() => void list.reload()} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.livecodes.length === 0 ? (
        <Empty title={t('growth.lcEmptyTitle')}>{t('growth.lcEmptyBody')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="livecode-list">
            <thead>
              <tr>
                <th>{t('growth.colName')}</th>
                <th>{t('growth.colGroups')}</th>
                <th className="num">{t('growth.colScans')}</th>
                <th>{t('growth.colMade')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.livecodes.map((l) => (
                <tr key={l.id} data-testid="livecode-row">
                  <td>
                    <Link to={`/livecodes/${encodeURIComponent(l.id)}`} data-testid="livecode-open">
                      <strong>{l.name}</strong>
                    </Link>
                    {l.state === 'ended' ? <span className="badge"> {t('growth.lcEnded')}</span> : null}
                  </td>
                  <td data-label={t('growth.colGroups')}>
                    {t('growth.lcGroupsFull', { count: l.groups, full: l.full })}
                    {l.groups > 0 && l.full >= l.groups ? <span className="badge badge-bad"> {t('growth.lcAllFull')}</span> : null}
                  </td>
                  <td className="num" data-label={t('growth.colScans')}>
                    {l.scans}
                  </td>
                  <td className="small" data-label={t('growth.colMade')}>
                    <When iso={l.createdAt} />
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

function LiveCodeCreate({ onClose }: { onClose: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const [groups, setGroups] = useState<GroupChoice>(FIRST_CHOICE);
  const [matched, setMatched] = useState<number | undefined>();
  const [cap, setCap] = useState('');
  const [autoCreate, setAutoCreate] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | Error | undefined>();
  const chosen = choiceSelector(groups);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!('selector' in chosen)) return;
    const capNumber = cap.trim() ? Number(cap) : undefined;
    if (capNumber !== undefined && !(Number.isInteger(capNumber) && capNumber >= 1 && capNumber <= 100_000)) {
      setError(new Error(t('growth.lcCapInvalid')));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ id: string; url: string }>('/api/livecodes', {
        groups: chosen.selector,
        ...(capNumber !== undefined ? { cap: capNumber } : {}),
        ...(autoCreate ? { autoCreate: true } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      navigate(`/livecodes/${encodeURIComponent(r.id)}`);
    } catch (err) {
      setError(asFailure(err));
      setBusy(false);
    }
  }

  return (
    <section className="card section" role="dialog" aria-label={t('growth.lcNewTitle')} data-testid="livecode-create">
      <h2>{t('growth.lcNewTitle')}</h2>
      <form onSubmit={submit} className="stack growth-form">
        <div className="field">
          {t('growth.lcGroups')}
          <span className="hint">{t('growth.lcGroupsHint')}</span>
        </div>
        <GroupPicker value={groups} onChange={setGroups} onMatch={setMatched} testid="livecode-groups" />
        <div className="form-row">
          <label className="field">
            <span>{t('growth.lcCap')} <span className="muted small">({t('common.optional')})</span></span>
            <input type="number" min={1} max={100000} step={1} value={cap} onChange={(e) => setCap(e.target.value)} data-testid="livecode-cap" />
            <span className="hint">{t('growth.lcCapHint')}</span>
          </label>
          <label className="field">
            <span>{t('growth.colName')} <span className="muted small">({t('common.optional')})</span></span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} data-testid="livecode-name" />
            <span className="hint">{t('growth.lcNameHint')}</span>
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={autoCreate} onChange={(e) => setAutoCreate(e.target.checked)} data-testid="livecode-auto-create" />
          <span>
            {t('growth.lcAutoCreate')}
            <span className="muted small"> — {t('growth.lcAutoCreateHint')}</span>
          </span>
        </label>
        {error ? <ErrorNote error={error} /> : null}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !('selector' in chosen) || matched === 0} data-testid="livecode-create-submit">
            {busy ? t('growth.making') : t('growth.lcCreate')}
          </button>
          <button type="button" className="btn" onClick={onClose} data-testid="livecode-create-cancel">
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
