// Import members or orders from a CSV file (route /members/import). The server checks every row
// first: with any problem nothing is written and each problem is listed by row (as Excel numbers
// it), in the console's language; otherwise the counts of created/imported and updated show.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { ErrorNote, Note, Progress } from '../../ui/feedback.tsx';
import { OrdersWebhook } from './orders-webhook.tsx';

type Kind = 'members' | 'orders';

interface Answer {
  created?: number;
  imported?: number;
  updated: number;
  errors: { row: number; message: string }[];
}

/** The file's bytes as base64, for the JSON body (in slices: a large file overflows the call stack). */
async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function PeopleImportPage() {
  const t = useT();
  const user = useUser();
  const [kind, setKind] = useState<Kind>('members');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [answer, setAnswer] = useState<Answer | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      const name = /\.(csv|txt|tsv)$/i.test(file.name) ? { fileName: file.name } : {};
      setAnswer(await post<Answer>(`/api/${kind}/import`, { ...name, contentBase64: await toBase64(file) }));
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const choose = (k: Kind) => {
    setKind(k);
    setAnswer(undefined);
    setError(undefined);
  };

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('orders.importTitle')}</h1>
          <p>{t('orders.importIntro')}</p>
        </div>
      </div>
      <form className="card form" style={{ maxWidth: 760 }} onSubmit={submit} data-testid="people-import-form">
        <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>{t('orders.importWhat')}</legend>
          <label style={{ marginRight: 16 }}>
            <input type="radio" name="kind" checked={kind === 'members'} onChange={() => choose('members')} data-testid="people-import-members" /> {t('orders.kindMembers')}
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'orders'} onChange={() => choose('orders')} data-testid="people-import-orders" /> {t('orders.kindOrders')}
          </label>
        </fieldset>
        <p className="hint" data-testid="people-import-columns">
          {kind === 'members' ? t('orders.membersColumns') : t('orders.ordersColumns')}
        </p>
        <label className="field">
          {t('orders.importFile')}
          <input type="file" accept=".csv,.txt,.tsv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="people-import-file" />
          <span className="hint">{t('orders.importFileHint')}</span>
        </label>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={!file || busy} data-testid="people-import-submit">
            {busy ? t('orders.importing') : t('orders.importSubmit')}
          </button>
        </div>
        {busy ? <Progress label={t('orders.importing')} /> : null}
      </form>

      {error ? <ErrorNote error={error} /> : null}
      {answer && !answer.errors.length ? (
        <div className="section" data-testid="people-import-done">
          <Note kind="success">
            {kind === 'members'
              ? t('orders.membersDone', { created: answer.created ?? 0, updated: answer.updated })
              : t('orders.ordersDone', { imported: answer.imported ?? 0, updated: answer.updated })}
          </Note>
        </div>
      ) : null}
      {answer?.errors.length ? (
        <div className="section">
          <ErrorNote error={t('orders.rowErrors', { count: answer.errors.length })} />
          <div className="table-wrap">
            <table className="table" data-testid="people-import-errors">
              <thead>
                <tr>
                  <th className="num">{t('orders.colRow')}</th>
                  <th>{t('orders.colProblem')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.errors.map((r) => (
                  <tr key={`${r.row}-${r.message}`} data-testid="people-import-error-row" data-row={r.row}>
                    <td className="num">{r.row}</td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      {user.role === 'owner' || user.role === 'admin' ? <OrdersWebhook /> : null}
    </div>
  );
}
