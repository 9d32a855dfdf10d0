// The Admission queue: every application the signed-in person may review (a leader or reviewer:
// their groups'), pending first, filtered by state.

import { useState } from 'react';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { type Admission, AdmissionCard, Decided } from './queue.tsx';

const STATES = ['pending', 'approved', 'rejected'] as const;

export function AdmissionPage() {
  const t = useT();
  const [state, setState] = useState<'' | (typeof STATES)[number]>('pending');
  const list = useGet<{ admissions: Admission[] }>(`/api/admissions${state ? `?state=${state}` : ''}`);
  const [decided, setDecided] = useState<string | undefined>();

  return (
    <div data-testid="admission-page">
      <div className="page-head">
        <div>
          <h1>{t('admission.title')}</h1>
          <p className="muted">{t('admission.intro')}</p>
        </div>
      </div>
      <div className="actions" role="tablist" style={{ marginBottom: 12 }}>
        {(['pending', 'approved', 'rejected', ''] as const).map((s) => (
          <button key={s || 'all'} type="button" role="tab" aria-selected={state === s} className={`btn btn-small${state === s ? ' btn-primary' : ''}`} onClick={() => setState(s)} data-testid={`admission-filter-${s || 'all'}`}>
            {s ? t(`admission.state_${s}`) : t('admission.all')}
          </button>
        ))}
      </div>
      <Decided text={decided} />
      {list.error ? <ErrorNote error={list.error} onRetry={() => void list.reload()} /> : null}
      {!list.data ? (
        list.error ? null : <Loading />
      ) : list.data.admissions.length ? (
        <div className="admission-list" data-testid="admission-list">
          {list.data.admissions.map((a) => (
            <AdmissionCard
              key={a.id}
              a={a}
              onDecided={(text) => {
                setDecided(text);
                void list.reload();
              }}
            />
          ))}
        </div>
      ) : (
        <Empty title={t('admission.emptyTitle')}>{t('admission.emptyBody')}</Empty>
      )}
    </div>
  );
}
