// Scans and joins per hour as paired bars (SVG, no chart library: the console has none, and two
// series over 48 hours do not need one). Hours without either are drawn as empty slots, so the
// time axis stays even.

import { useLocale, useT } from '../../i18n/index.ts';

export interface Hour {
  hour: string;
  scans: number;
  joins: number;
}

const HOUR = 3_600_000;
const HEIGHT = 140;
const SLOT = 14;

/** The hours from the first one with data (at most `span` before `now`) to `now`, gaps filled with zeros. Pure. */
export function evenHours(hours: readonly Hour[], now: Date, span = 48): Hour[] {
  const end = Math.floor(now.getTime() / HOUR) * HOUR;
  const have = new Map(hours.map((h) => [Math.floor(new Date(h.hour).getTime() / HOUR) * HOUR, h]));
  // At least the last day, so one busy hour does not fill the whole width.
  const first = Math.max(end - (span - 1) * HOUR, Math.min(end - 23 * HOUR, ...have.keys()));
  const out: Hour[] = [];
  for (let at = first; at <= end; at += HOUR) out.push(have.get(at) ?? { hour: new Date(at).toISOString(), scans: 0, joins: 0 });
  return out;
}

export function HourlyChart({ hours, testid }: { hours: readonly Hour[]; testid: string }) {
  const t = useT();
  const locale = useLocale();
  const slots = evenHours(hours, new Date());
  const max = Math.max(1, ...slots.map((h) => Math.max(h.scans, h.joins)));
  const width = slots.length * SLOT;
  const clock = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en', { hour: '2-digit', minute: '2-digit', hour12: false });
  const day = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en', { month: 'numeric', day: 'numeric' });
  const y = (n: number) => HEIGHT - Math.round((n / max) * (HEIGHT - 4));
  return (
    <figure className="hourly" data-testid={testid}>
      <div className="hourly-legend small">
        <span className="hourly-key hourly-scans" /> {t('growth.chartScans')}
        <span className="hourly-key hourly-joins" /> {t('growth.chartJoins')}
        <span className="muted"> · {t('growth.chartMax', { count: max })}</span>
      </div>
      <div className="hourly-scroll">
        <svg width={width} height={HEIGHT + 34} role="img" aria-label={t('growth.chartTitle')}>
          <line x1={0} x2={width} y1={HEIGHT + 0.5} y2={HEIGHT + 0.5} className="hourly-axis" />
          {slots.map((h, i) => {
            const at = new Date(h.hour);
            const x = i * SLOT;
            const label = `${day.format(at)} ${clock.format(at)} · ${t('growth.chartScans')} ${h.scans} · ${t('growth.chartJoins')} ${h.joins}`;
            return (
              <g key={h.hour}>
                <title>{label}</title>
                {h.scans ? <rect x={x + 1} y={y(h.scans)} width={5} height={HEIGHT - y(h.scans)} className="hourly-scans" /> : null}
                {h.joins ? <rect x={x + 7} y={y(h.joins)} width={5} height={HEIGHT - y(h.joins)} className="hourly-joins" /> : null}
                {at.getHours() % 6 === 0 ? (
                  <text x={x} y={HEIGHT + 14} className="hourly-tick">
                    {clock.format(at)}
                  </text>
                ) : null}
                {at.getHours() === 0 ? (
                  <text x={x} y={HEIGHT + 28} className="hourly-tick">
                    {day.format(at)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
