// Spreadsheet import: a .csv or .xlsx becomes a sheet. Rows that cannot be read are listed (row,
// column, what is wrong) and nothing is imported; a clean file opens in the editor.

import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { COMMUNITIES } from '../../types.ts';
import { ErrorNote, Progress } from '../../ui/feedback.tsx';
import type { EditorState } from './editor-page.tsx';

interface RowError {
  row: number;
  column?: string;
  message: string;
}

interface ImportAnswer {
  yaml: string;
  notes: string[];
  sop: string;
  steps: number;
}

/** The file's bytes as base64, for the JSON body. */
async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode with a whole large file as arguments overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function SheetImportPage() {
  const t = useT();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [opts, setOpts] = useState({ sop: '', title: '', community: '', timezone: '', anchor: '', anchorDate: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [rows, setRows] = useState<RowError[]>([]);

  const set = (k: keyof typeof opts) => (e: { target: { value: string } }) => setOpts((o) => ({ ...o, [k]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setRows([]);
    try {
      const options = Object.fromEntries(Object.entries(opts).filter(([, v]) => v.trim() !== ''));
      const a = await post<ImportAnswer>('/api/import', {
        fileName: file.name,
        contentBase64: await toBase64(file),
        ...(Object.keys(options).length ? { options } : {}),
      });
      navigate('/sheets/new', { state: { yaml: a.yaml, notes: a.notes } satisfies EditorState });
    } catch (err) {
      const f = asFailure(err);
      setError(f);
      if (f.code === 'import_failed') setRows((f.problems ?? []) as RowError[]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('sheets.importTitle')}</h1>
          <p>{t('sheets.importIntro')}</p>
        </div>
      </div>
      <form className="card form" style={{ maxWidth: 760 }} onSubmit={submit} data-testid="import-form">
        <label className="field">
          {t('sheets.importFile')}
          <input type="file" accept=".csv,.xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
          <span className="hint">{t('sheets.importFileHint')}</span>
        </label>
        <details>
          <summary>{t('sheets.importOptions')}</summary>
          <div className="form-row" style={{ marginTop: 10 }}>
            <label className="field">
              {t('sheets.importSop')}
              <input value={opts.sop} onChange={set('sop')} placeholder="camp-7d" />
            </label>
            <label className="field">
              {t('sheets.importSheetTitle')}
              <input value={opts.title} onChange={set('title')} />
            </label>
            <label className="field">
              {t('sheets.colCommunity')}
              <select value={opts.community} onChange={set('community')}>
                <option value="">{t('sheets.importFromFile')}</option>
                {COMMUNITIES.map((c) => (
                  <option key={c} value={c}>
                    {t(`common.community_${c}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              {t('sheets.importTimezone')}
              <input value={opts.timezone} onChange={set('timezone')} placeholder="Asia/Shanghai" />
            </label>
            <label className="field">
              {t('sheets.importAnchor')}
              <input value={opts.anchor} onChange={set('anchor')} placeholder={t('sheets.importAnchorExample')} />
            </label>
            <label className="field">
              {t('sheets.importAnchorDate')}
              <input type="date" value={opts.anchorDate} onChange={set('anchorDate')} />
            </label>
          </div>
        </details>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={!file || busy} data-testid="import-submit">
            {busy ? t('sheets.importing') : t('sheets.importSubmit')}
          </button>
        </div>
        {busy ? <Progress label={t('sheets.importing')} /> : null}
      </form>

      {error && rows.length === 0 ? <ErrorNote error={error} /> : null}
      {rows.length ? (
        <div className="section">
          <ErrorNote error={t('sheets.importRowErrors', { count: rows.length })} />
          <div className="table-wrap">
            <table className="table" data-testid="import-errors">
              <thead>
                <tr>
                  <th className="num">{t('sheets.colRow')}</th>
                  <th>{t('sheets.colColumn')}</th>
                  <th>{t('sheets.colProblem')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.row}-${r.column ?? ''}-${r.message}`} data-testid="import-error-row" data-row={r.row}>
                    <td className="num">{r.row || '—'}</td>
                    <td>{r.column ?? '—'}</td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  );
}
