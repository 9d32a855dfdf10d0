// The Overview's line about the question inbox: how many questions wait for an answer, linked to
// the inbox. Nothing when none waits.

import { Link } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { usePolling } from '../runs/polling.ts';

const REFRESH_MS = 60_000;

export function OpenQuestions() {
  const t = useT();
  const { data } = usePolling<{ total: number; totalCapped: boolean; questions: { waitingSeconds: number }[] }>('/api/inbox?state=open&limit=1', REFRESH_MS);
  if (!data?.total) return null;
  return (
    <div className="card today-card" data-testid="overview-questions">
      <h3>{t('inbox.title')}</h3>
      <p>
        <Link to="/inbox" data-testid="overview-questions-open">
          {t(data.totalCapped ? 'inbox.overviewCapped' : 'inbox.overview', { count: data.total })}
        </Link>
      </p>
    </div>
  );
}
