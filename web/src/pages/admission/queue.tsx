// One application as a card: who, which group, how they came, their answers, and — while it is
// pending — approve, or reject with a reason (a small dialog in the card). Used by the Admission
// page and the reviewer's section of the leader page.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';

export interface Admission {
  id: string;
  member: string | null;
  name: string | null;
  contact: string | null;
  group: string;
  groupName: string;
  source: 'join_request' | 'form';
  answers: { question: string; answer: string }[];
  state: 'pending' | 'approved' | 'rejected';
  reviewer: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export function AdmissionCard({ a, onDecided }: { a: Admission; onDecided: (text: string) => void }) {
  const t = useT();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const who = a.name ?? a.member ?? a.id;

  async function decide(state: 'approve' | 'reject', e?: FormEvent) {
    e?.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/admissions/${encodeURIComponent(a.id)}/${state}`, state === 'reject' ? { reason: reason.trim() } : {});
      onDecided(t(state === 'approve' ? 'admission.approved' : 'admission.rejected', { name: who }));
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="card admission-card" data-testid={`admission-${a.id}`}>
      <header className="actions" style={{ justifyContent: 'space-between' }}>
        <strong>{who}</strong>
        <span>
          <span className={`badge ${a.state === 'pending' ? 'badge-warn' : a.state === 'approved' ? 'badge-ok' : 'badge-bad'}`}>{t(`admission.state_${a.state}`)}</span>{' '}
          <span className="badge">{t(`admission.source_${a.source}`)}</span>
        </span>
      </header>
      <p className="muted small">
        {a.groupName} · <When iso={a.createdAt} /> · {a.reviewer ? t('admission.reviewer', { name: a.reviewer }) : t('admission.noReviewer')}
      </p>
      {a.contact ? <p className="small">{t('admission.contact', { contact: a.contact })}</p> : null}
      {a.answers.length ? (
        <dl className="admission-answers">
          {a.answers.map((x, i) => (
            // The answers are a fixed list in question order: the position is the identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <div key={`${i}-${x.question}`}>
              <dt className="muted small">{x.question}</dt>
              <dd style={{ margin: '0 0 8px' }}>{x.answer}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted small">{t('admission.noAnswers')}</p>
      )}
      {a.state !== 'pending' ? (
        <p className="small">
          {a.reason ? `${t('admission.reason', { reason: a.reason })} · ` : ''}
          {a.decidedBy ? t('admission.decidedBy', { name: a.decidedBy }) : null}
        </p>
      ) : rejecting ? (
        <form onSubmit={(e) => void decide('reject', e)} role="dialog" aria-label={t('admission.rejectTitle', { name: who })} data-testid={`reject-dialog-${a.id}`}>
          <label className="field">
            {t('admission.rejectReason')}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} required data-testid={`reject-reason-${a.id}`} />
          </label>
          <div className="actions" style={{ marginTop: 8 }}>
            <button type="submit" className="btn btn-danger" disabled={busy || !reason.trim()} data-testid={`reject-confirm-${a.id}`}>
              {t('admission.rejectConfirm')}
            </button>
            <button type="button" className="btn" onClick={() => setRejecting(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void decide('approve')} data-testid={`approve-${a.id}`}>
            {t('admission.approve')}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => setRejecting(true)} data-testid={`reject-${a.id}`}>
            {t('admission.reject')}
          </button>
        </div>
      )}
      {error ? <ErrorNote error={error} /> : null}
    </article>
  );
}

/** What was just decided, above the list. */
export function Decided({ text }: { text: string | undefined }) {
  return text ? <Note kind="success">{text}</Note> : null;
}
