// The demo banner's sign-ins: the demo leaders' random passwords, for owners and admins, until
// each leader sets a password of their own (GET /api/demo/sign-ins). Kept on the server, sealed,
// so that they survive a reload.

import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import { Note } from '../../ui/feedback.tsx';

interface SignIn {
  name: string;
  displayName: string;
  password: string;
}

export function DemoSignIns() {
  const t = useT();
  const user = useUser();
  const list = useGet<{ signIns: SignIn[] }>(can.manageUsers(user.role) ? '/api/demo/sign-ins' : null);
  const signIns = list.data?.signIns ?? [];
  if (!signIns.length) return null;
  return (
    <Note>
      <div data-testid="demo-sign-ins">
        {t('demo.signInsTitle')}{' '}
        {signIns.map((s) => (
          <code key={s.name} style={{ marginRight: 8 }} title={s.displayName} data-testid={`demo-sign-in-${s.name}`}>
            {s.name} / {s.password}
          </code>
        ))}
        <div className="hint">{t('demo.signInsHint')}</div>
      </div>
    </Note>
  );
}
