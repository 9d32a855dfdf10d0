// Team: people and their roles, and the activity log (owners and admins); everyone's own password
// and API tokens. A leader or viewer sees only "My password" and "My API tokens".

import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { ActivitySection } from './activity.tsx';
import { MyPasswordSection } from './my-password.tsx';
import { PeopleSection } from './people.tsx';
import { teamSections } from './team-access.ts';
import { TokensSection } from './tokens.tsx';

export function TeamPage() {
  const t = useT();
  const user = useUser();
  const sections = teamSections(user.role);
  const full = sections.includes('people');
  return (
    <div className="stack" data-testid="team-page">
      <div className="page-head">
        <div>
          <h1>{full ? t('team.title') : t('account.title')}</h1>
          <p>{full ? t('team.intro') : t('team.introSelf')}</p>
        </div>
      </div>
      {sections.includes('people') ? <PeopleSection /> : null}
      {sections.includes('tokens') ? <MyPasswordSection /> : null}
      {sections.includes('tokens') ? <TokensSection /> : null}
      {sections.includes('activity') ? <ActivitySection /> : null}
    </div>
  );
}
