// The reviewer's section of the leader page: their pending applications, to approve or reject
// on the phone. Loaded only when there are some (leader-page.tsx), so the page stays light.

import { useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { type Admission, AdmissionCard, Decided } from './queue.tsx';

export function ReviewerSection({ admissions, onChange }: { admissions: Admission[]; onChange: () => void }) {
  const t = useT();
  const [decided, setDecided] = useState<string | undefined>();
  return (
    <section className="section" data-testid="reviewer-section">
      <h2>{t('admission.reviewTitle')}</h2>
      <Decided text={decided} />
      {admissions.map((a) => (
        <AdmissionCard
          key={a.id}
          a={a}
          onDecided={(text) => {
            setDecided(text);
            onChange();
          }}
        />
      ))}
      <p className="small">
        <Link to="/admission">{t('admission.reviewMore')}</Link>
      </p>
    </section>
  );
}

export default ReviewerSection;
