// The frame around the setup and sign-in forms: brand, language switch, one card.

import type { ReactNode } from 'react';
import { LOCALES, useLocale, useT } from '../../i18n/index.ts';
import { useSession } from '../../session.tsx';

export function AuthFrame({ children }: { children: ReactNode }) {
  const locale = useLocale();
  const t = useT();
  const { chooseLocale } = useSession();
  return (
    <div className="auth">
      <div className="card auth-card">
        <div className="auth-top">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            Chorus
          </div>
          <fieldset className="lang-switch">
            <legend className="sr-only">{t('common.language')}</legend>
            {LOCALES.map((l) => (
              <button key={l} type="button" className={l === locale ? 'active' : ''} aria-pressed={l === locale} onClick={() => chooseLocale(l)} data-testid={`lang-${l}`}>
                {l === 'en' ? 'EN' : '中文'}
              </button>
            ))}
          </fieldset>
        </div>
        {children}
      </div>
    </div>
  );
}
