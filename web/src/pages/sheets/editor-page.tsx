// The sheet editor: YAML on the left with the checker's findings at their lines, the day-by-day
// preview on the right; saving makes a new version. Opened blank, from a template, from an
// import, or on a saved sheet.

import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { type ApiFailure, asFailure, get, post } from '../../api.ts';
import { getLocale, useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import type { Finding, SheetVersion, Template } from '../../types.ts';
import { ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { countBySeverity, STARTER_SHEETS, sheetFacts } from './sheet-facts.ts';
import { TimelinePreview } from './timeline-preview.tsx';
import { YamlEditor, type YamlEditorHandle } from './yaml-editor.tsx';

interface SaveAnswer {
  id: string;
  version: number;
  created: boolean;
  findings: Finding[];
}

/** What the import page or a save hands over when it opens the editor. */
export interface EditorState {
  yaml?: string;
  notes?: string[];
  saved?: { id: string; version: number; created: boolean; title?: string };
}

interface SheetProblem {
  line: number;
  column: number;
  message: string;
}

export function SheetEditorPage() {
  const t = useT();
  const user = useUser();
  const { id } = useParams();
  const [search] = useSearchParams();
  const template = search.get('template');
  const templateLanguage = search.get('language');
  const location = useLocation();
  const navigate = useNavigate();
  const handed = (location.state ?? {}) as EditorState;

  const [initial, setInitial] = useState<string | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiFailure | undefined>();
  const [text, setText] = useState('');
  const [findings, setFindings] = useState<Finding[] | undefined>();
  const [lintError, setLintError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiFailure | undefined>();
  // The text the failed save was for: once the sheet is edited the banner is stale (the live check
  // below the editor says what is still wrong), so it shows only while the text is unchanged.
  const [failedText, setFailedText] = useState<string | undefined>();
  // The name of what is open (a saved sheet's or a template's title), for the heading.
  const [loadedTitle, setLoadedTitle] = useState<string | undefined>();
  const [saved, setSaved] = useState(handed.saved);
  const [savedText, setSavedText] = useState<string | undefined>();
  const editor = useRef<YamlEditorHandle>(null);

  useEffect(() => {
    let stale = false;
    setInitial(undefined);
    setLoadError(undefined);
    // The language at the time the editor opens: switching the console's language later must not
    // replace what the operator has typed.
    const locale = getLocale();
    const load = async (): Promise<string> => {
      const found = id
        ? await get<SheetVersion>(`/api/sheets/${encodeURIComponent(id)}`)
        : template
          ? await get<Template>(`/api/templates/${encodeURIComponent(template)}?language=${encodeURIComponent(templateLanguage ?? locale)}`)
          : undefined;
      if (!stale) setLoadedTitle(found?.title);
      return found ? (found.yaml ?? '') : (handed.yaml ?? STARTER_SHEETS[locale]);
    };
    load()
      .then((y) => {
        if (stale) return;
        setInitial(y);
        setText(y);
        if (id) setSavedText(y);
      })
      .catch((e) => !stale && setLoadError(asFailure(e)));
    return () => {
      stale = true;
    };
  }, [id, template, templateLanguage, handed.yaml]);

  async function save() {
    setSaving(true);
    setSaveError(undefined);
    try {
      const a = await post<SaveAnswer>('/api/sheets', { yaml: text });
      const result = { id: a.id, version: a.version, created: a.created, title: sheetFacts(text).title ?? a.id };
      setSavedText(text);
      setSaved(result);
      if (a.id !== id) navigate(`/sheets/${encodeURIComponent(a.id)}`, { replace: !id, state: { saved: result } satisfies EditorState });
    } catch (e) {
      setSaveError(asFailure(e));
      setFailedText(text);
    } finally {
      setSaving(false);
    }
  }

  if (loadError) return <ErrorNote error={loadError} />;
  if (initial === undefined) return <Loading />;

  const counts = countBySeverity(findings ?? []);
  const facts = sheetFacts(text);
  const editable = can.edit(user.role);
  const dirty = savedText !== text;
  const saveFailure = saveError && failedText === text ? saveError : undefined;
  const problems = (saveFailure?.problems ?? []) as SheetProblem[];
  const name = facts.title ?? loadedTitle ?? id ?? template ?? '';

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{id ? t('sheets.editTitle', { title: name }) : template ? t('sheets.fromTemplateTitle', { title: loadedTitle ?? template }) : t('sheets.newTitle')}</h1>
          <p>{t('sheets.editorIntro')}</p>
        </div>
        <div className="actions">
          {id ? (
            <Link className="btn" to={`/sheets/${encodeURIComponent(id)}/history`} data-testid="sheet-history">
              {t('sheets.history')}
            </Link>
          ) : null}
          {editable ? (
            <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={saving || !text.trim()} data-testid="sheet-save">
              {saving ? t('common.saving') : dirty || !id ? t('sheets.saveVersion') : t('sheets.savedNoChange')}
            </button>
          ) : null}
        </div>
      </div>

      {handed.notes?.length ? (
        <Note kind="info">
          <div>
            <strong>{t('sheets.importNotes')}</strong>
            <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
              {handed.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </div>
        </Note>
      ) : null}
      {saved && !dirty ? (
        <Note kind="success">
          <span data-testid="sheet-saved">
            {saved.created ? t('sheets.savedAs', { title: saved.title ?? saved.id, version: saved.version }) : t('sheets.unchanged', { version: saved.version })}
          </span>
        </Note>
      ) : null}
      {saveFailure ? (
        <ErrorNote error={problems.length ? t('sheets.cannotSave', { count: problems.length }) : saveFailure} />
      ) : null}
      {problems.length ? (
        <ul className="findings card" style={{ padding: 0 }}>
          {problems.map((p) => (
            <li key={`${p.line}:${p.column}:${p.message}`}>
              <button type="button" onClick={() => editor.current?.goToLine(p.line)}>
                <span className="where">{t('sheets.lineCol', { line: p.line, column: p.column })}</span>
                <span>{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      <div className="editor-layout">
        <div>
          <div className="editor-box">
            <YamlEditor
              ref={editor}
              initial={initial}
              readOnly={!editable}
              onChange={setText}
              onFindings={(f, err) => {
                setFindings(f);
                setLintError(err);
              }}
            />
            <div className="lint-summary" data-testid="lint-summary" data-errors={counts.error} data-warnings={counts.warning} data-checked={findings ? 'yes' : 'no'}>
              {lintError ? (
                <span className="sev-error">{t('sheets.lintFailed', { message: lintError })}</span>
              ) : !findings ? (
                <span className="muted">{t('sheets.lintRunning')}</span>
              ) : findings.length === 0 ? (
                <span className="badge badge-ok" data-testid="lint-clean">
                  {t('sheets.lintClean')}
                </span>
              ) : (
                <>
                  {counts.error ? <span className="badge badge-bad">{t('sheets.countErrors', { count: counts.error })}</span> : null}
                  {counts.warning ? <span className="badge badge-warn">{t('sheets.countWarnings', { count: counts.warning })}</span> : null}
                  {counts.info ? <span className="badge badge-info">{t('sheets.countInfo', { count: counts.info })}</span> : null}
                </>
              )}
              {facts.sop ? <span className="muted mono" style={{ marginLeft: 'auto' }}>{facts.sop}</span> : null}
            </div>
            {findings?.length ? (
              <ul className="findings" data-testid="lint-findings">
                {findings.map((f) => (
                  <li key={`${f.rule}-${f.line}-${f.column}-${f.message}`} data-testid="lint-finding" data-rule={f.rule} data-severity={f.severity}>
                    <button type="button" onClick={() => editor.current?.goToLine(f.line)}>
                      <span className={`sev sev-${f.severity}`}>{t(`sheets.sev_${f.severity}`)}</span>
                      <span>
                        <span className="where">{t('sheets.lineCol', { line: f.line, column: f.column })}</span> {f.message}
                      </span>
                      <span className="hint">
                        {f.hint} <span className="mono">({f.rule})</span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
        <TimelinePreview text={text} />
      </div>
    </div>
  );
}
