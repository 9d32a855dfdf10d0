// The day-by-day preview beside the editor: the sheet planned for one sample group at a sample
// anchor (`POST /api/plan`), redone as the text changes. The anchor and the variables without a
// default are editable here; they only shape the preview, nothing is stored.

import { useEffect, useMemo, useRef, useState } from 'react';
import { asFailure, post } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { formatDate, formatDateTime, localParts, operatorZone } from '../../time.ts';
import type { PlannedAction } from '../../types.ts';
import { Note } from '../../ui/feedback.tsx';
import { dayLabel, planByDay, type SheetFacts, sheetFacts } from './sheet-facts.ts';

const PLAN_DELAY = 600;

interface PlanAnswer {
  sop: string;
  anchor: string;
  count: number;
  actions: PlannedAction[];
}

const KNOWN_EXECUTORS = new Set(['bot', 'owner', 'leader', 'assistant']);

/** "bot" → "Bot", "leader" → "Group leader"; another role keeps its own name. */
export function executorLabel(t: (key: string, vars?: Record<string, string>) => string, who: string): string {
  return KNOWN_EXECUTORS.has(who) ? t(`sheets.exec_${who}`) : t('sheets.executor', { who });
}

function tomorrow(zone: string): string {
  return localParts(new Date(Date.now() + 86_400_000), zone).date;
}

export function TimelinePreview({ text }: { text: string }) {
  const t = useT();
  const locale = useLocale();
  // While the text is mid-edit and not YAML, the last readable facts keep the zone and variables.
  const lastFacts = useRef<SheetFacts | undefined>(undefined);
  const facts = useMemo(() => {
    const f = sheetFacts(text);
    if (f.readable || !lastFacts.current) lastFacts.current = f;
    return lastFacts.current;
  }, [text]);
  const zone = facts.timezone ?? operatorZone();
  const [date, setDate] = useState(() => tomorrow(zone));
  const [time, setTime] = useState('');
  const [groupName, setGroupName] = useState(() => t('sheets.sampleGroup'));
  const [vars, setVars] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<PlanAnswer | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const clock = time || facts.anchorTime || '20:00';
  const varValues = useMemo(() => {
    const out: Record<string, string> = {};
    for (const v of facts.varsWithoutValue) out[v.name] = vars[v.name] ?? `[${v.name}]`;
    return out;
  }, [facts.varsWithoutValue, vars]);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      setBusy(true);
      try {
        const a = await post<PlanAnswer>('/api/plan', {
          yaml: text,
          anchor: `${date}T${clock}`,
          groups: [{ id: 'sample', name: groupName || 'group-1' }],
          vars: varValues,
        });
        if (!stale) {
          setAnswer(a);
          setProblem(undefined);
        }
      } catch (e) {
        if (!stale) setProblem(asFailure(e).message);
      } finally {
        if (!stale) setBusy(false);
      }
    }, PLAN_DELAY);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text, date, clock, groupName, varValues]);

  const days = useMemo(() => (answer ? planByDay(answer.actions, answer.anchor, zone) : []), [answer, zone]);
  const mine = operatorZone();

  return (
    <div className="card" style={{ padding: 0 }} data-testid="timeline">
      <div style={{ padding: '12px 14px 0', display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'baseline', flexWrap: 'wrap' }}>
        <h3>{t('sheets.previewTitle')}</h3>
        <span className="muted small">
          {busy ? t('sheets.previewUpdating') : answer ? t('sheets.previewCount', { count: answer.count }) : ''}
        </span>
      </div>
      <p className="muted small" style={{ padding: '0 14px' }}>
        {t('sheets.previewZone', { zone })}
      </p>
      <div className="preview-controls">
        <label className="field">
          {t('sheets.anchorDate')}
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="preview-anchor-date" />
        </label>
        <label className="field">
          {t('sheets.anchorTime')}
          <input type="time" value={clock} onChange={(e) => setTime(e.target.value)} data-testid="preview-anchor-time" />
        </label>
        <label className="field">
          {t('sheets.sampleGroupLabel')}
          <input value={groupName} onChange={(e) => setGroupName(e.target.value)} data-testid="preview-group" />
        </label>
        {facts.varsWithoutValue.map((v) => (
          <label className="field" key={v.name} title={v.description}>
            <span>
              <code>{`{{ ${v.name} }}`}</code> {v.required ? <span className="hint">({t('common.required')})</span> : null}
            </span>
            <input value={varValues[v.name]} onChange={(e) => setVars((o) => ({ ...o, [v.name]: e.target.value }))} data-testid={`preview-var-${v.name}`} />
          </label>
        ))}
      </div>
      {problem ? (
        <div style={{ padding: '0 12px' }}>
          <Note kind="warning">
            <strong>{t('sheets.previewProblem')}</strong> <span data-testid="preview-problem">{problem}</span>
          </Note>
        </div>
      ) : null}
      {!problem && answer && answer.count === 0 ? <p className="muted" style={{ padding: 14 }}>{t('sheets.previewEmpty')}</p> : null}
      <div className="timeline" style={problem ? { opacity: 0.5 } : undefined}>
        {days.map((d) => (
          <section className="timeline-day" key={d.date} data-testid={`timeline-day-${d.day}`}>
            <h4>
              <span className="d">{dayLabel(d.day)}</span>
              <span>{formatDate(`${d.date}T12:00:00Z`, locale, 'UTC')}</span>
            </h4>
            {d.items.map((a) => (
              <div className="timeline-item" key={`${a.step}-${a.occurrence}-${a.group}`} data-testid="timeline-item">
                <span className="clock" title={zone === mine ? undefined : t('common.inZone', { zone: mine, time: formatDateTime(a.due, locale, mine) })}>
                  {a.time}
                </span>
                <div>
                  <div className="what">
                    <strong>{a.step}</strong>
                    <span className="badge">{a.action}</span>
                    <span className={`badge ${a.executor === 'bot' ? 'badge-info' : 'badge-warn'}`}>{executorLabel(t, a.executor)}</span>
                  </div>
                  {a.text ? <div className="text">{a.text}</div> : null}
                </div>
              </div>
            ))}
          </section>
        ))}
      </div>
    </div>
  );
}
