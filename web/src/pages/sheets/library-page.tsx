// The sheet library: the saved sheets (edit, history) and the template library (use one).

import { Link } from 'react-router';
import { useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import { formatDateTime } from '../../time.ts';
import type { SheetSummary, Template } from '../../types.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';

export function SheetLibraryPage() {
  const t = useT();
  const locale = useLocale();
  const user = useUser();
  const sheets = useGet<{ sheets: SheetSummary[] }>('/api/sheets');
  // The server lists the templates written in the console's language first.
  const templates = useGet<{ templates: Template[] }>(`/api/templates?language=${locale}`);
  const editable = can.edit(user.role);

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('sheets.libraryTitle')}</h1>
          <p>{t('sheets.libraryIntro')}</p>
        </div>
        {editable ? (
          <div className="actions">
            <Link to="/sheets/import" className="btn" data-testid="sheet-import">
              {t('sheets.importButton')}
            </Link>
            <Link to="/sheets/new" className="btn btn-primary" data-testid="sheet-new">
              {t('sheets.newButton')}
            </Link>
          </div>
        ) : null}
      </div>

      <h2>{t('sheets.savedTitle')}</h2>
      {sheets.error ? <ErrorNote error={sheets.error} onRetry={() => void sheets.reload()} /> : null}
      {!sheets.data && !sheets.error ? <Loading /> : null}
      {sheets.data && sheets.data.sheets.length === 0 ? (
        <Empty title={t('sheets.noSheetsTitle')}>{t('sheets.noSheetsBody')}</Empty>
      ) : null}
      {sheets.data && sheets.data.sheets.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="sheet-list">
            <thead>
              <tr>
                <th>{t('sheets.colTitle')}</th>
                <th>{t('sheets.colCommunity')}</th>
                <th className="num">{t('sheets.colVersion')}</th>
                <th>{t('sheets.colUpdated')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sheets.data.sheets.map((s) => (
                <tr key={s.id} data-testid={`sheet-row-${s.id}`}>
                  <td>
                    <Link to={`/sheets/${encodeURIComponent(s.id)}`}>{s.title}</Link>
                    <div className="muted small mono">{s.id}</div>
                  </td>
                  <td>{t(`common.community_${s.community}`)}</td>
                  <td className="num">v{s.latestVersion}</td>
                  <td className="nowrap">{formatDateTime(s.updatedAt, locale)}</td>
                  <td className="nowrap">
                    <div className="actions">
                      <Link to={`/sheets/${encodeURIComponent(s.id)}`} className="btn btn-small">
                        {editable ? t('common.edit') : t('sheets.open')}
                      </Link>
                      <Link to={`/sheets/${encodeURIComponent(s.id)}/history`} className="btn btn-small" data-testid={`sheet-history-${s.id}`}>
                        {t('sheets.history')}
                      </Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <h2 className="section">{t('sheets.templatesTitle')}</h2>
      <p className="muted">{t('sheets.templatesIntro')}</p>
      {templates.error ? <ErrorNote error={templates.error} onRetry={() => void templates.reload()} /> : null}
      {!templates.data && !templates.error ? <Loading /> : null}
      {templates.data && templates.data.templates.length === 0 ? <Empty title={t('sheets.noTemplates')} /> : null}
      <div className="card-grid" data-testid="template-list">
        {templates.data?.templates.map((tpl) => (
          <article key={`${tpl.language}/${tpl.id}`} className="card" data-testid={tpl.language === locale ? `template-${tpl.id}` : `template-${tpl.language}-${tpl.id}`} lang={tpl.language}>
            <h3>{tpl.title}</h3>
            <div className="card-meta">
              <span className="badge badge-info">{t(`common.community_${tpl.community}`)}</span>
              <span>{t('sheets.stepCount', { count: tpl.steps })}</span>
              <span className="badge" data-testid={`template-language-${tpl.language}-${tpl.id}`}>
                {t(`sheets.templateLanguage_${tpl.language}`)}
              </span>
            </div>
            <p className="small">{tpl.description}</p>
            {editable ? (
              <Link
                to={`/sheets/new?template=${encodeURIComponent(tpl.id)}&language=${tpl.language}`}
                className="btn btn-small"
                data-testid={tpl.language === locale ? `template-use-${tpl.id}` : `template-use-${tpl.language}-${tpl.id}`}
              >
                {t('sheets.useTemplate')}
              </Link>
            ) : null}
          </article>
        ))}
      </div>
    </div>
  );
}
