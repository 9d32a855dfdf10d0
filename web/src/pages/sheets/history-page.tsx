// A sheet's versions, and the line diff between any two of them.

import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { type ApiFailure, asFailure, get, useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { formatDateTime } from '../../time.ts';
import type { SheetVersion } from '../../types.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { diffRows, diffStats } from './sheet-diff.ts';

export function SheetHistoryPage() {
  const t = useT();
  const locale = useLocale();
  const { id = '' } = useParams();
  const list = useGet<{ versions: SheetVersion[] }>(`/api/sheets/${encodeURIComponent(id)}/versions`);
  const versions = useMemo(() => [...(list.data?.versions ?? [])].sort((a, b) => b.version - a.version), [list.data]);
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  const [texts, setTexts] = useState<Record<number, string>>({});
  const [error, setError] = useState<ApiFailure | undefined>();

  // Default: the latest version against the one before it.
  useEffect(() => {
    if (!versions.length || to !== undefined) return;
    setTo(versions[0].version);
    setFrom(versions[1]?.version ?? versions[0].version);
  }, [versions, to]);

  useEffect(() => {
    for (const v of [from, to]) {
      if (v === undefined || texts[v] !== undefined) continue;
      get<SheetVersion>(`/api/sheets/${encodeURIComponent(id)}/versions/${v}`)
        .then((sv) => setTexts((o) => ({ ...o, [v]: sv.yaml ?? '' })))
        .catch((e) => setError(asFailure(e)));
    }
  }, [from, to, id, texts]);

  const rows = useMemo(() => {
    if (from === undefined || to === undefined) return undefined;
    const a = texts[from];
    const b = texts[to];
    return a === undefined || b === undefined ? undefined : diffRows(a, b);
  }, [from, to, texts]);
  const stats = rows ? diffStats(rows) : undefined;

  if (list.error) return <ErrorNote error={list.error} onRetry={() => void list.reload()} />;
  if (!list.data) return <Loading />;

  const picker = (label: string, value: number | undefined, onChange: (v: number) => void, testid: string) => (
    <label className="field">
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))} data-testid={testid}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version} · {formatDateTime(v.createdAt, locale)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('sheets.historyTitle', { title: versions[0]?.title ?? id })}</h1>
          <p>{t('sheets.historyIntro')}</p>
        </div>
        <Link className="btn" to={`/sheets/${encodeURIComponent(id)}`}>
          {t('sheets.backToEditor')}
        </Link>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid="version-list">
          <thead>
            <tr>
              <th>{t('sheets.colVersion')}</th>
              <th>{t('sheets.colTitle')}</th>
              <th className="num">{t('sheets.colSteps')}</th>
              <th>{t('sheets.colBy')}</th>
              <th>{t('sheets.colSaved')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>{v.title}</td>
                <td className="num">{v.stepCount}</td>
                <td>{v.createdBy ?? '—'}</td>
                <td className="nowrap">{formatDateTime(v.createdAt, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="section">{t('sheets.compareTitle')}</h2>
      <div className="filters">
        {picker(t('sheets.compareFrom'), from, setFrom, 'diff-from')}
        {picker(t('sheets.compareTo'), to, setTo, 'diff-to')}
        {stats ? (
          <span className="muted small" data-testid="diff-stats">
            {t('sheets.diffStats', { added: stats.added, removed: stats.removed })}
          </span>
        ) : null}
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {!rows ? <Loading /> : null}
      {rows && stats && stats.added + stats.removed === 0 ? <Empty title={t('sheets.diffNone')} /> : null}
      {rows && stats && stats.added + stats.removed > 0 ? (
        <div className="diff" data-testid="diff">
          {rows.map((r, i) =>
            r.kind === 'skip' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
              <div key={i} className="diff-skip">
                {t('sheets.diffFolded', { count: r.count })}
              </div>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <div key={i} className={`diff-line diff-${r.kind}`} data-testid={`diff-${r.kind}`}>
                <span className="ln">{r.oldNo ?? ''}</span>
                <span className="ln">{r.newNo ?? ''}</span>
                <span className="sign">{r.kind === 'add' ? '+' : r.kind === 'del' ? '−' : ' '}</span>
                <span>{r.text}</span>
              </div>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}
