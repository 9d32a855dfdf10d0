// Launching a run: a sheet version, the groups, the anchor (in the operator's zone) and the
// sheet's variables → a preview with the forecast under pacing → start. Nothing starts before the
// operator has seen the preview of exactly what they are starting.

import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import { operatorZone } from '../../time.ts';
import { FIRST_CHOICE, type GroupChoice, GroupPicker, choiceSelector } from './group-picker.tsx';
import { anchorInstant, defaultAnchor, filledVars, missingVars, readVars } from './launch-data.ts';
import { PreviewView, type RunPreview } from './run-preview.tsx';
import { usePreviewLaunch } from './use-preview-launch.ts';
import './runs.css';

interface SheetSummary {
  id: string;
  title: string;
  community: string;
  latestVersion: number;
}

interface SheetVersion {
  id: string;
  version: number;
  yaml: string;
  title: string;
  community: string;
  stepCount: number;
  createdAt: string;
}

export function LaunchPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const zone = operatorZone();
  const sheets = useGet<{ sheets: SheetSummary[] }>('/api/sheets');
  const [sheetId, setSheetId] = useState(params.get('sheet') ?? '');
  const versions = useGet<{ versions: Omit<SheetVersion, 'yaml'>[] }>(sheetId ? `/api/sheets/${encodeURIComponent(sheetId)}/versions` : null);
  const [version, setVersion] = useState<number | undefined>();
  const chosenVersion = version ?? versions.data?.versions.reduce((m, v) => Math.max(m, v.version), 0);
  const sheet = useGet<SheetVersion>(sheetId && chosenVersion ? `/api/sheets/${encodeURIComponent(sheetId)}/versions/${chosenVersion}` : null);
  const vars = useMemo(() => (sheet.data ? readVars(sheet.data.yaml) : []), [sheet.data]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [groups, setGroups] = useState<GroupChoice>(FIRST_CHOICE);
  const [matchCount, setMatchCount] = useState<number | undefined>();
  const first = useMemo(() => defaultAnchor(new Date(), zone), [zone]);
  const [date, setDate] = useState(first.date);
  const [time, setTime] = useState(first.time);

  // The groups of the sheet's community type are chosen for you (a training camp's sheet is
  // for training camp groups); the operator can widen or change the choice.
  const sheetCommunity = sheet.data?.community;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a newly chosen sheet (`sheetId`) chooses its groups again
  useEffect(() => {
    if (!sheetCommunity) return;
    setGroups((g) => (g.mode === 'filter' ? { ...g, filter: { ...g.filter, community: sheetCommunity } } : g));
  }, [sheetId, sheetCommunity]);

  // The first sheet is chosen for you when none was asked for.
  useEffect(() => {
    if (!sheetId && sheets.data?.sheets.length) setSheetId(sheets.data.sheets[0].id);
  }, [sheetId, sheets.data]);

  const chosen = choiceSelector(groups);
  const anchor = anchorInstant(date, time, zone);
  const missing = missingVars(vars, values);
  const body =
    sheetId && chosenVersion && 'selector' in chosen && anchor
      ? { sheet: `${sheetId}@${chosenVersion}`, groups: chosen.selector, anchor, vars: filledVars(values) }
      : undefined;
  const { preview, fresh, busy, error, doPreview, doCreate: doStart } = usePreviewLaunch<RunPreview>(
    body,
    { preview: '/api/runs/preview', create: '/api/runs' },
    (id) => navigate(`/runs/${encodeURIComponent(id)}`),
  );
  const ready = body && !missing.length;

  if (sheets.loading && !sheets.data) return <Loading />;
  if (sheets.error) return <ErrorNote error={sheets.error} onRetry={() => void sheets.reload()} />;
  if (!sheets.data?.sheets.length) {
    return (
      <div className="empty" data-testid="launch-no-sheets">
        <h3>{t('runs.noSheetsTitle')}</h3>
        <p className="empty-body">{t('runs.noSheetsBody')}</p>
        <div className="empty-action">
          <Link className="btn btn-primary" to="/sheets">
            {t('runs.goToSheets')}
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div>
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/runs">{t('runs.backToRuns')}</Link>
          </div>
          <h1>{t('runs.launchTitle')}</h1>
          <p>{t('runs.launchIntro')}</p>
        </div>
      </div>
      <div className="launch-layout">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void doPreview();
          }}
        >
          <section className="card">
            <h2 className="step-title">
              <span className="step-num">1</span>
              {t('runs.chooseSheet')}
            </h2>
            <div className="form-row">
              <label className="field">
                {t('runs.sheet')}
                <select
                  value={sheetId}
                  onChange={(e) => {
                    setSheetId(e.target.value);
                    setVersion(undefined);
                    setValues({});
                  }}
                  data-testid="launch-sheet"
                >
                  {sheets.data.sheets.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.title}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                {t('runs.version')}
                <select value={chosenVersion ?? ''} onChange={(e) => setVersion(Number(e.target.value))} data-testid="launch-version">
                  {(versions.data?.versions ?? [])
                    .slice()
                    .sort((a, b) => b.version - a.version)
                    .map((v) => (
                      <option key={v.version} value={v.version}>
                        {t('runs.versionLabel', { version: v.version, date: new Date(v.createdAt).toLocaleDateString(locale === 'zh' ? 'zh-CN' : 'en-GB') })}
                      </option>
                    ))}
                </select>
              </label>
            </div>
            {sheet.data ? (
              <p className="small muted" data-testid="launch-sheet-info">
                {t('runs.sheetInfo', { steps: sheet.data.stepCount, community: t(`common.community_${sheet.data.community}`) })}
              </p>
            ) : null}
          </section>

          <section className="card">
            <h2 className="step-title">
              <span className="step-num">2</span>
              {t('runs.chooseGroups')}
            </h2>
            <GroupPicker value={groups} onChange={setGroups} onMatch={setMatchCount} testid="launch-groups" />
            {sheetCommunity && groups.mode === 'filter' && groups.filter.community === sheetCommunity ? (
              <p className="small muted" data-testid="launch-groups-default">
                {t('overlaps.defaultCommunity', { community: t(`common.community_${sheetCommunity}`) })}
              </p>
            ) : null}
          </section>

          <section className="card">
            <h2 className="step-title">
              <span className="step-num">3</span>
              {t('runs.chooseAnchor')}
            </h2>
            <div className="form-row">
              <label className="field">
                {t('runs.anchorDate')}
                <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required data-testid="launch-anchor-date" />
              </label>
              <label className="field">
                {t('runs.anchorTime')}
                <input type="time" value={time} onChange={(e) => setTime(e.target.value)} required data-testid="launch-anchor-time" />
              </label>
            </div>
            <p className="small muted">{t('runs.anchorHint', { zone })}</p>
          </section>

          {vars.length ? (
            <section className="card">
              <h2 className="step-title">
                <span className="step-num">4</span>
                {t('runs.fillVars')}
              </h2>
              <div className="stack">
                {vars.map((v) => (
                  <label key={v.name} className={`field${missing.includes(v.name) && values[v.name] !== undefined ? ' field-error' : ''}`}>
                    <span>
                      <span className="mono">{v.name}</span>
                      {v.required && v.default === undefined ? (
                        <span className="req" title={t('common.required')}>
                          *
                        </span>
                      ) : null}
                    </span>
                    <input
                      type="text"
                      value={values[v.name] ?? ''}
                      placeholder={v.default ?? ''}
                      onChange={(e) => setValues((x) => ({ ...x, [v.name]: e.target.value }))}
                      data-testid={`launch-var-${v.name}`}
                    />
                    {v.description ? <span className="hint">{v.description}</span> : null}
                  </label>
                ))}
              </div>
            </section>
          ) : null}

          {error ? <ErrorNote error={error} /> : null}
          {missing.length ? <p className="small muted">{t('runs.missingVars', { names: missing.join(', ') })}</p> : null}
          <div className="actions">
            <button type="submit" className="btn" disabled={!ready || busy !== null || matchCount === 0} data-testid="launch-preview">
              {busy === 'preview' ? t('runs.previewing') : t('runs.preview')}
            </button>
            <button type="button" className="btn btn-primary" disabled={!fresh || busy !== null} onClick={() => void doStart()} data-testid="launch-start">
              {busy === 'create' ? t('runs.starting') : t('runs.start')}
            </button>
          </div>
          {preview && !fresh ? <p className="small muted">{t('runs.previewStale')}</p> : null}
        </form>

        <div className="launch-side">
          {fresh ? (
            <PreviewView preview={fresh} zone={zone} />
          ) : (
            <div className="empty">
              <h3>{t('runs.previewEmptyTitle')}</h3>
              <p className="empty-body">{t('runs.previewEmptyBody')}</p>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
