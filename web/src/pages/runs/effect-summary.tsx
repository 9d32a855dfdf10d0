// The run board's step-effect view (docs/insight.md#per-step-effect): one row per board column —
// sends, the share that got a member reply within the hour against the usual share at that hour,
// leaves, clicks, orders — and under a step sent in variants a row per variant with the verdict.
// Fetched apart from the board, and far less often.

import { Fragment } from 'react';
import { useT } from '../../i18n/index.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { usePolling } from './polling.ts';

const REFRESH_MS = 60_000;

interface Figures {
  step: string;
  sends: number;
  repliesWithin1h: number;
  replyRate: number;
  leavesWithin1h: number;
  leaveRate: number;
  clicks: number;
  conversions: number;
  baselineReplyRate: number | null;
}

export interface RunEffects {
  steps: (Figures & { variant: string | null })[];
  columns: (Figures & { occurrence: number })[];
  verdicts: { step: string; metric: string; a: string; b: string; text: string }[];
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function Cells({ f, none }: { f: Figures; none: string }) {
  return (
    <>
      <td>{f.sends}</td>
      <td>
        {pct(f.replyRate)} <span className="muted small">({f.repliesWithin1h})</span>
      </td>
      <td className="muted">{f.baselineReplyRate === null ? none : pct(f.baselineReplyRate)}</td>
      <td>
        {pct(f.leaveRate)} <span className="muted small">({f.leavesWithin1h})</span>
      </td>
      <td>{f.clicks}</td>
      <td>{f.conversions}</td>
    </>
  );
}

export function EffectSummary({ runId }: { runId: string }) {
  const t = useT();
  const path = `/api/runs/${encodeURIComponent(runId)}/effects`;
  const { data } = usePolling<RunEffects>(path, REFRESH_MS);
  if (!data) return null;
  const none = t('runs.effectNoBaseline');
  return (
    <section className="card effect-summary" data-testid="effect-summary">
      <div className="effect-head">
        <strong>{t('runs.effectTitle')}</strong>
        {data.columns.length ? <ExportLinks href={path} testid="effect-export" /> : null}
      </div>
      <p className="muted small effect-hint">{t('runs.effectHint')}</p>
      {data.columns.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="effect-table">
            <thead>
              <tr>
                <th>{t('runs.effectColStep')}</th>
                <th>{t('runs.effectColSends')}</th>
                <th>{t('runs.effectColReplied')}</th>
                <th>{t('runs.effectColUsual')}</th>
                <th>{t('runs.effectColLeft')}</th>
                <th>{t('runs.effectColClicks')}</th>
                <th>{t('runs.effectColOrders')}</th>
              </tr>
            </thead>
            <tbody>
              {data.columns.map((c) => {
                // A step's variants (over all its occurrences) under its first column.
                const first = data.columns.find((x) => x.step === c.step) === c;
                const variants = first ? data.steps.filter((s) => s.step === c.step && s.variant !== null) : [];
                const verdicts = first ? data.verdicts.filter((v) => v.step === c.step && v.metric === 'replies') : [];
                return (
                  <Fragment key={`${c.step}#${c.occurrence}`}>
                    <tr data-testid="effect-column">
                      <td>
                        {c.step}
                        {c.occurrence > 1 ? `·${c.occurrence}` : ''}
                      </td>
                      <Cells f={c} none={none} />
                    </tr>
                    {variants.map((v) => (
                      <tr key={`${v.step}:${v.variant}`} className="effect-variant" data-testid="effect-variant">
                        <td>{t('runs.effectVariant', { variant: v.variant ?? '' })}</td>
                        <Cells f={v} none={none} />
                      </tr>
                    ))}
                    {verdicts.map((v) => (
                      <tr key={`${v.step}:${v.a}:${v.b}`} className="effect-verdict">
                        <td colSpan={7} data-testid="effect-verdict">
                          {v.text}
                        </td>
                      </tr>
                    ))}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : (
        <p data-testid="effect-none">{t('runs.effectNone')}</p>
      )}
    </section>
  );
}
