// A member's timeline: newest first, one heading per day, each event in plain words with its
// group and the small print (a reason, a balance, the tags).

import { useLocale, useT } from '../../i18n/index.ts';
import { formatClock, formatDate, localParts, operatorZone } from '../../time.ts';
import { Empty } from '../../ui/feedback.tsx';
import { eventWords } from './event-words.ts';
import type { MemberEvent } from './member-data.ts';

export function MemberTimeline({ events }: { events: MemberEvent[] }) {
  const t = useT();
  const locale = useLocale();
  if (!events.length) return <Empty title={t('members.timelineEmpty')} />;
  const zone = operatorZone();
  const sorted = [...events].sort((a, b) => b.at.localeCompare(a.at));
  const days: { day: string; events: MemberEvent[] }[] = [];
  for (const e of sorted) {
    const day = localParts(e.at, zone).date;
    if (days.at(-1)?.day !== day) days.push({ day, events: [] });
    days.at(-1)?.events.push(e);
  }
  return (
    <div className="timeline member-timeline" data-testid="member-timeline">
      {days.map((d) => (
        <div className="timeline-day" key={d.day}>
          <h4>{formatDate(d.events[0].at, locale)}</h4>
          {d.events.map((e, i) => {
            const w = eventWords(e, t);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: events carry no id; the list is only ever replaced whole
              <div className="timeline-item" key={`${e.at}-${e.kind}-${i}`} data-testid={`member-event-${e.kind}`}>
                <span className="clock">{formatClock(e.at, locale)}</span>
                <div>
                  <div className="what">
                    <span className={`badge${w.tone ? ` badge-${w.tone}` : ''}`}>{w.title}</span>
                    {e.groupName ? <span className="muted small">{t('members.inGroup', { group: e.groupName })}</span> : null}
                  </div>
                  {w.note ? <div className="text">{w.note}</div> : null}
                </div>
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
