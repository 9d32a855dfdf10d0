// "Download: CSV · Excel" beside a table: the same list the table shows, from the same API
// address with `format=csv|xlsx` (src/server/table-export.ts). Plain links: the session cookie
// goes with them, and the browser saves the file.

import { useLocale, useT } from '../i18n/index.ts';

// The headers come in the reader's language: a link carries no locale header, so the address does.
const withFormat = (href: string, format: 'csv' | 'xlsx', lang: string) => `${href}${href.includes('?') ? '&' : '?'}format=${format}&lang=${lang}`;

export function ExportLinks({ href, testid }: { href: string; testid?: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <span className="export-links" data-testid={testid}>
      <span className="muted">{t('common.download')}</span>{' '}
      <a href={withFormat(href, 'csv', locale)} download data-testid={testid ? `${testid}-csv` : undefined}>
        CSV
      </a>
      {' · '}
      <a href={withFormat(href, 'xlsx', locale)} download data-testid={testid ? `${testid}-xlsx` : undefined}>
        Excel
      </a>
    </span>
  );
}
