// Pause, resume and cancel for a run or a broadcast, each after a confirmation that says what it
// does. Only people who may change runs see the buttons (viewers and leaders do not).

import { useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { ErrorNote } from '../../ui/feedback.tsx';
import { Confirm } from './confirm.tsx';

type Act = 'pause' | 'resume' | 'cancel';

export function canChangeRuns(role: string): boolean {
  return role === 'owner' || role === 'admin' || role === 'operator';
}

export function RunControls({ run, onChanged }: { run: { id: string; state: string; kind: string }; onChanged: () => void }) {
  const t = useT();
  const user = useUser();
  const [asking, setAsking] = useState<Act | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  if (!canChangeRuns(user.role)) return null;
  const finished = run.state === 'cancelled' || run.state === 'completed';
  if (finished) return null;
  const what = run.kind === 'broadcast' ? t('runs.theBroadcast') : t('runs.theRun');

  const act = async (a: Act) => {
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/runs/${encodeURIComponent(run.id)}/${a}`);
      setAsking(null);
      onChanged();
    } catch (e) {
      setError(asFailure(e));
      setAsking(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="run-controls">
      <div className="actions">
        {run.state === 'running' ? (
          <button type="button" className="btn" onClick={() => setAsking('pause')} data-testid="run-pause">
            {t('runs.pause')}
          </button>
        ) : null}
        {run.state === 'paused' ? (
          <button type="button" className="btn btn-primary" onClick={() => setAsking('resume')} data-testid="run-resume">
            {t('runs.resume')}
          </button>
        ) : null}
        <button type="button" className="btn btn-danger" onClick={() => setAsking('cancel')} data-testid="run-cancel">
          {t('runs.cancelRun')}
        </button>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {asking ? (
        <Confirm
          title={t(`runs.confirm_${asking}_title`, { what })}
          confirmLabel={t(`runs.confirm_${asking}_yes`)}
          danger={asking === 'cancel'}
          busy={busy}
          onConfirm={() => void act(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>{t(`runs.confirm_${asking}_body`, { what })}</p>
        </Confirm>
      ) : null}
    </div>
  );
}
