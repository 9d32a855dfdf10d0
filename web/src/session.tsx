// Who is signed in. `GET /api/session` says whether the owner still has to be created, who the
// user is and the CSRF token for changes; the context hands it to every page.

import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { type ApiFailure, asFailure, get, onUnauthorized, patch, post, setCsrfToken } from './api.ts';
import { getLocale, type Locale, setLocale } from './i18n/index.ts';
import type { Role } from './types.ts';

export type { Role };

export interface User {
  id: string;
  name: string;
  displayName: string | null;
  role: Role;
  locale: Locale | null;
}

export interface SessionInfo {
  user: User | null;
  setupNeeded: boolean;
  csrfToken: string | null;
}

interface SessionContext {
  session: SessionInfo | undefined;
  error: ApiFailure | undefined;
  /** Signs in (or creates the owner) and stores the new session. */
  signedIn: (answer: { user: User; csrfToken: string }) => void;
  signOut: () => Promise<void>;
  reload: () => Promise<void>;
  /** Switches the language and, when signed in, remembers it on the account. */
  chooseLocale: (locale: Locale) => void;
}

const Ctx = createContext<SessionContext | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | undefined>(undefined);

  const apply = useCallback((s: SessionInfo) => {
    setCsrfToken(s.csrfToken);
    // The account's language wins over this browser's: the same person on a phone sees the same.
    if (s.user?.locale && s.user.locale !== getLocale()) setLocale(s.user.locale);
    setSession(s);
    setError(undefined);
  }, []);

  const reload = useCallback(async () => {
    try {
      apply(await get<SessionInfo>('/api/session'));
    } catch (e) {
      setError(asFailure(e));
    }
  }, [apply]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    // The unsubscribe function is the cleanup.
    return onUnauthorized(() => {
      setCsrfToken(null);
      setSession((s) => (s ? { ...s, user: null, csrfToken: null } : s));
    });
  }, []);

  const signedIn = useCallback(
    (answer: { user: User; csrfToken: string }) => apply({ user: answer.user, csrfToken: answer.csrfToken, setupNeeded: false }),
    [apply],
  );

  const signOut = useCallback(async () => {
    try {
      await post('/api/logout');
    } finally {
      setCsrfToken(null);
      setSession((s) => (s ? { ...s, user: null, csrfToken: null } : s));
    }
  }, []);

  const chooseLocale = useCallback(
    (locale: Locale) => {
      setLocale(locale);
      if (session?.user) {
        setSession({ ...session, user: { ...session.user, locale } });
        // Remembering it on the account is a convenience: the switch works even if this fails.
        patch('/api/me', { locale }).catch(() => undefined);
      }
    },
    [session],
  );

  return <Ctx.Provider value={{ session, error, signedIn, signOut, reload, chooseLocale }}>{children}</Ctx.Provider>;
}

export function useSession(): SessionContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useSession is used outside SessionProvider');
  return c;
}

/** The signed-in user; pages behind the sign-in gate can rely on it. */
export function useUser(): User {
  const user = useSession().session?.user;
  if (!user) throw new Error('useUser is used on a page shown before sign-in');
  return user;
}

/** What each role may change (the server enforces the same; this only hides what would be refused). */
export const can = {
  edit: (r: Role) => r === 'owner' || r === 'admin' || r === 'operator',
  manageChannels: (r: Role) => r === 'owner' || r === 'admin',
  manageUsers: (r: Role) => r === 'owner' || r === 'admin',
};
