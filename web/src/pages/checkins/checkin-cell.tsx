// A check-in cell's rate in the run board's cell details: how many of the members present when
// the window opened have checked in, and until when it is open.

import { useEffect, useState } from 'react';
import { get } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { When } from '../../ui/when.tsx';
import { type CheckinWindow, percent } from './checkin-rate.ts';

export function CheckinCellRate({ run, group, step, occurrence, state, zone }: { run: string; group: string; step: string; occurrence: number; state: string; zone: string | null }) {
  const t = useT();
  const [found, setFound] = useState<CheckinWindow | null | undefined>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `state` is a trigger: a check-in opens when its cell turns sent or done
  useEffect(() => {
    let live = true;
    get<{ checkins: CheckinWindow[] }>(`/api/groups/${encodeURIComponent(group)}/checkins`)
      .then((r) => live && setFound(r.checkins.find((c) => c.run === run && c.step === step && c.occurrence === occurrence) ?? null))
      .catch(() => live && setFound(null));
    return () => {
      live = false;
    };
  }, [run, group, step, occurrence, state]);
  if (found === undefined) return null;
  return (
    <div className="note" data-testid="cell-checkin-rate">
      <strong>{t('checkins.cellRate')}</strong>{' '}
      {found ? (
        <>
          {t('checkins.cellRateValue', { checkedIn: found.checkedIn, members: found.members, rate: percent(found.rate) })}
          {!found.closed && found.closesAt ? (
            <div className="muted small">
              {t('checkins.cellOpenUntil')} <When iso={found.closesAt} zone={zone} />
            </div>
          ) : null}
        </>
      ) : (
        <span className="muted">{t('checkins.cellNotOpen')}</span>
      )}
    </div>
  );
}
