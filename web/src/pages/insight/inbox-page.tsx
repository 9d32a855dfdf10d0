// The question inbox: members' questions across every group the person sees (a leader: their
// own), open ones longest waiting first, answered ones latest first; a group selector narrows it;
// each question can be answered in place.

import { type FormEvent, useState } from 'react';
import { useGet } from '../../api.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { type Question, QuestionCard } from './question-card.tsx';

export function InboxPage() {
  const t = useT();
  const [state, setState] = useState<'open' | 'answered'>('open');
  const [typed, setTyped] = useState('');
  const [groups, setGroups] = useState('');
  const query = new URLSearchParams({ state, ...(groups ? { groups } : {}) });
  const list = useGet<{ questions: Question[]; total: number; totalCapped: boolean }>(`/api/inbox?${query}`);

  const filter = (e: FormEvent) => {
    e.preventDefault();
    setGroups(typed.trim());
  };

  return (
    <div data-testid="inbox-page">
      <div className="page-head">
        <div>
          <h1>{t('inbox.title')}</h1>
          <p className="muted">{t('inbox.intro')}</p>
        </div>
        <ExportLinks href={`/api/inbox?${query}`} testid="inbox-export" />
      </div>
      <div className="actions" style={{ marginBottom: 12, flexWrap: 'wrap' }}>
        {(['open', 'answered'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={state === s} className={`btn btn-small${state === s ? ' btn-primary' : ''}`} onClick={() => setState(s)} data-testid={`inbox-filter-${s}`}>
            {t(`inbox.state_${s}`)}
          </button>
        ))}
        <form onSubmit={filter} className="actions">
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder={t('inbox.groupsPlaceholder')}
            aria-label={t('inbox.groupsLabel')}
            data-testid="inbox-groups"
          />
          <button type="submit" className="btn btn-small" data-testid="inbox-groups-apply">
            {t('inbox.apply')}
          </button>
        </form>
      </div>
      {list.error ? <ErrorNote error={list.error} onRetry={() => void list.reload()} /> : null}
      {!list.data ? (
        list.error ? null : <Loading />
      ) : list.data.questions.length ? (
        <>
          <p className="muted small" data-testid="inbox-total">
            {t(list.data.totalCapped ? 'inbox.totalCapped' : `inbox.total_${state}`, { count: list.data.total })}
          </p>
          <div className="question-list" data-testid="inbox-list">
            {list.data.questions.map((q) => (
              <QuestionCard key={q.id} q={q} onAnswered={() => undefined} />
            ))}
          </div>
        </>
      ) : (
        <Empty title={t(`inbox.empty_${state}`)}>{t('inbox.emptyBody')}</Empty>
      )}
    </div>
  );
}
