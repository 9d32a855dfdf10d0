// What a run would do, from `POST /api/runs/preview`: counts by action and by bot / people, the
// first and last due times, the forecast of completion under pacing with the largest delay, and
// the first actions with their text.

import { useLocale, useT } from '../../i18n/index.ts';
import { formatDateTime } from '../../time.ts';
import { PersonName } from '../../people.tsx';
import { When } from '../../ui/when.tsx';
import { type Span, spanOf } from './launch-data.ts';
import { type PreviewWarnings, WarningsView } from './preview-warnings.tsx';

export interface RunPreview {
  sheet: { id: string; version: number; title: string };
  anchor: string;
  groups: number;
  actions: number;
  byMode: { bot: number; human: number };
  byAction: Record<string, { total: number; human: number }>;
  firstDue?: string;
  lastDue?: string;
  forecast: { finishAt?: string; maxDelaySeconds: number; maxDelayDueAt?: string };
  sample: { step: string; group: string; due: string; action: string; mode: string; assignee: string | null; variant?: string; text: string }[];
  /** Steps with `variants:` (docs/sop-format.md#variants): how many groups get each text. */
  variants?: { step: string; variant: string; groups: number; names: string[] }[];
  warnings?: PreviewWarnings;
}

/** "42 s", "10 min", "3 h 20 min" through the runs catalog. */
export function useSpan(): (s: Span) => string {
  const t = useT();
  return (s) => (s.unit === 's' ? t('runs.span_s', { n: s.n }) : s.unit === 'min' ? t('runs.span_min', { n: s.n }) : t('runs.span_h', { n: s.n, m: s.m }));
}

export function actionLabel(t: (k: string) => string, action: string): string {
  const key = `runs.action_${action}`;
  const label = t(key);
  return label === key ? action : label;
}

export function PreviewView({ preview: p, zone }: { preview: RunPreview; zone: string }) {
  const t = useT();
  const locale = useLocale();
  const span = useSpan();
  const delay = spanOf(p.forecast.maxDelaySeconds);
  return (
    <section className="card" data-testid="launch-preview-result">
      <h2 className="step-title">{t('runs.previewTitle', { title: p.sheet.title, version: p.sheet.version })}</h2>
      {p.warnings ? <WarningsView warnings={p.warnings} zone={zone} /> : null}
      <div className="stats">
        <div className="stat">
          <div className="stat-value" data-testid="preview-groups">
            {p.groups}
          </div>
          <div className="stat-label">{t('runs.statGroups')}</div>
        </div>
        <div className="stat">
          <div className="stat-value" data-testid="preview-actions">
            {p.actions}
          </div>
          <div className="stat-label">{t('runs.statActions')}</div>
        </div>
        <div className="stat">
          <div className="stat-value" data-testid="preview-bot">
            {p.byMode.bot}
          </div>
          <div className="stat-label">{t('runs.statBot')}</div>
        </div>
        <div className="stat">
          <div className="stat-value" data-testid="preview-human">
            {p.byMode.human}
          </div>
          <div className="stat-label">{t('runs.statHuman')}</div>
        </div>
      </div>
      <dl className="detail-list">
        <dt>{t('runs.firstDue')}</dt>
        <dd>
          <When iso={p.firstDue} zone={zone} />
        </dd>
        <dt>{t('runs.lastDue')}</dt>
        <dd>
          <When iso={p.lastDue} zone={zone} />
        </dd>
      </dl>
      <div className={`note ${p.forecast.maxDelaySeconds > 600 ? 'note-warning' : 'note-info'} forecast`} data-testid="preview-forecast">
        {p.forecast.finishAt ? (
          <span>
            {t('runs.forecastLine', { finish: formatDateTime(p.forecast.finishAt, locale, zone), delay: span(delay) })}
            {p.forecast.maxDelayDueAt && p.forecast.maxDelaySeconds > 0 ? ` ${t('runs.forecastWorst', { at: formatDateTime(p.forecast.maxDelayDueAt, locale, zone) })}` : ''}
          </span>
        ) : (
          <span>{t('runs.forecastNoBot')}</span>
        )}
      </div>

      <h3 className="section">{t('runs.byAction')}</h3>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>{t('runs.action')}</th>
              <th className="num">{t('runs.colTotal')}</th>
              <th className="num">{t('runs.colByPeople')}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(p.byAction)
              .sort((a, b) => b[1].total - a[1].total)
              .map(([a, n]) => (
                <tr key={a}>
                  <td>{actionLabel(t, a)}</td>
                  <td className="num">{n.total}</td>
                  <td className="num">{n.human}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>

      {p.variants?.length ? (
        <>
          <h3 className="section">{t('runs.variantsTitle')}</h3>
          <p className="muted">{t('runs.variantsHint')}</p>
          <div className="table-wrap">
            <table className="table" data-testid="preview-variants">
              <thead>
                <tr>
                  <th>{t('runs.colStep')}</th>
                  <th>{t('runs.colVariant')}</th>
                  <th className="num">{t('runs.statGroups')}</th>
                  <th>{t('runs.colVariantGroups')}</th>
                </tr>
              </thead>
              <tbody>
                {p.variants.map((v) => (
                  <tr key={`${v.step}-${v.variant}`}>
                    <td className="mono">{v.step}</td>
                    <td className="mono">{v.variant}</td>
                    <td className="num">{v.groups}</td>
                    <td>{v.names.join(', ')}{v.groups > v.names.length ? ` ${t('runs.andMore', { n: v.groups - v.names.length })}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      {p.sample.length ? (
        <>
          <h3 className="section">{t('runs.sample')}</h3>
          <ol className="sample-list" data-testid="preview-sample">
            {p.sample.map((s) => (
              <li key={`${s.group}-${s.step}-${s.due}`}>
                <div className="sample-head">
                  <When iso={s.due} zone={zone} className="nowrap" />
                  <span className="sample-group">{s.group}</span>
                  <span className="mono">{s.step}</span>
                  {s.variant ? <span className="badge">{t('runs.variantBadge', { variant: s.variant })}</span> : null}
                  <span className="muted">
                    {actionLabel(t, s.action)} · {s.mode === 'bot' ? t('runs.bot') : s.assignee ? <PersonName name={s.assignee} /> : t('runs.nobody')}
                  </span>
                </div>
                <div className="sample-text">{s.text}</div>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
