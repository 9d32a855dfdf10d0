// Console strings: one file per area and language (`en/sheets.ts`, `zh/sheets.ts`), each a flat
// object exported as default. A key is `<area>.<name>`, so `t('sheets.save')` reads
// `en/sheets.ts` → `save`. Files are picked up by name, so an area can be added without touching
// this file; `test/web/i18n.test.ts` checks that both languages have the same keys and
// placeholders.

import { useSyncExternalStore } from 'react';
import { type Catalog, collect, type Locale, LOCALES, pick, type Vars } from './format.ts';

export { interpolate, LOCALES, type Locale, type Vars } from './format.ts';

const STORAGE_KEY = 'chorus.locale';

type Area = { default: Record<string, string> };

// The areas the first screens need (the shell, sign-in, the leader's phone page) are in the main
// script; the others load with the first page that needs them (loadCatalogs), so a leader's phone
// does not download every screen's strings. The lists must stay literal for Vite.
const catalogs: Record<Locale, Catalog> = {
  en: collect(import.meta.glob<Area>(['./en/common.ts', './en/session.ts', './en/leader.ts', './en/team.ts'], { eager: true })),
  zh: collect(import.meta.glob<Area>(['./zh/common.ts', './zh/session.ts', './zh/leader.ts', './zh/team.ts'], { eager: true })),
};
/** Each language's other areas as one chunk (a phone makes one request per language, not one per area). */
const later: Record<Locale, () => Promise<{ default: Catalog }>> = {
  en: () => import('./later/en.ts'),
  zh: () => import('./later/zh.ts'),
};
let loaded = 0;
let loading: Promise<void> | undefined;

/** Loads the remaining areas of both languages (once); components re-render with them. */
export function loadCatalogs(): Promise<void> {
  loading ??= Promise.all(
    LOCALES.map(async (l) => {
      Object.assign(catalogs[l], (await later[l]()).default);
    }),
  ).then(
    () => {
      loaded++;
      for (const l of listeners) l();
    },
    (e: unknown) => {
      // A network blip: the next page asks again.
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** The text for a key in a locale (English when the locale lacks it). */
export function translate(locale: Locale, key: string, vars?: Vars): string {
  return pick(catalogs[locale], catalogs.en, key, vars);
}

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // Storage can be blocked (private mode); the browser's language decides then.
  }
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let current: Locale = initialLocale();
const listeners = new Set<() => void>();

export function getLocale(): Locale {
  return current;
}

/** Switches the language for the whole console and remembers it in this browser. */
export function setLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // see initialLocale
  }
  document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** `t()` in the current language, outside React (prefer `useT` in components so they re-render). */
export function t(key: string, vars?: Vars): string {
  return translate(current, key, vars);
}

function loadedCount(): number {
  return loaded;
}

/** The current locale; re-renders the component when it changes. */
export function useLocale(): Locale {
  return useSyncExternalStore(subscribe, getLocale, getLocale);
}

/** `t()` for components: re-renders when the language changes. */
export function useT(): (key: string, vars?: Vars) => string {
  const locale = useLocale();
  // Re-render when more areas arrive (loadCatalogs).
  useSyncExternalStore(subscribe, loadedCount, loadedCount);
  return (key, vars) => translate(locale, key, vars);
}
