import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { getLocale, loadCatalogs } from './i18n/index.ts';
import './styles.css';

document.documentElement.lang = getLocale() === 'zh' ? 'zh-CN' : 'en';
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// The other screens' strings, fetched while the first screen shows (see i18n/index.ts).
loadCatalogs().catch(() => undefined);
