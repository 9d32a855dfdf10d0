// People rules (/members/rules): the relationship stages and the activity levels explained in an
// operator's words, their thresholds and weights editable, automatic tags and points; saving
// sends the whole document (PUT /api/settings/people), shows the server's problems by field, and
// follows the background recompute (GET /api/settings/people/recompute).

import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { type ApiFailure, api, asFailure, get, useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { formatDateTime } from '../../time.ts';
import { ErrorNote, Loading, Note, Progress } from '../../ui/feedback.tsx';
import { type FormValues, formOf, REWARDED, type RulesAnswer, rulesOf, STAGE_RULED, stageFacts, THRESHOLDS, WEIGHTS } from './rules-form.ts';

interface Problem {
  field: string;
  message: string;
}
interface Recompute {
  state: string;
  done: number;
  total: number;
  error?: string;
}

const testid = (path: string) => `rules-${path.replace(/\./g, '-')}`;

export function PeopleRulesPage() {
  const t = useT();
  const locale = useLocale();
  const user = useUser();
  const manage = user.role === 'owner' || user.role === 'admin' || user.role === 'operator';
  const loaded = useGet<RulesAnswer>('/api/settings/people');
  const [answer, setAnswer] = useState<RulesAnswer | undefined>();
  const [values, setValues] = useState<FormValues>({});
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | string | undefined>();
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saved, setSaved] = useState(false);
  const [progress, setProgress] = useState<Recompute | undefined>();

  const fill = useCallback((a: RulesAnswer) => {
    setAnswer(a);
    const f = formOf(a.rules, a.defaults);
    setValues(f.values);
    setTags(f.tags);
  }, []);
  useEffect(() => {
    if (loaded.data) fill(loaded.data);
  }, [loaded.data, fill]);

  // While a recompute runs, ask how far it is once a second.
  useEffect(() => {
    if (progress?.state !== 'running') return;
    const timer = setTimeout(() => {
      get<Recompute>('/api/settings/people/recompute').then(setProgress, () => undefined);
    }, 1000);
    return () => clearTimeout(timer);
  }, [progress]);

  if (loaded.error) return <ErrorNote error={loaded.error} onRetry={() => void loaded.reload()} />;
  if (!answer) return <Loading />;
  const a = answer;

  async function save(doc: unknown) {
    setBusy(true);
    setError(undefined);
    setProblems([]);
    setSaved(false);
    try {
      const next = await api<RulesAnswer>('PUT', '/api/settings/people', doc);
      fill({ ...a, ...next, updatedAt: new Date().toISOString(), updatedBy: user.name });
      setSaved(true);
      setProgress(next.recompute);
    } catch (e) {
      const f = asFailure(e);
      const list = (f.problems ?? []) as Problem[];
      if (list.length) setProblems(list);
      else setError(f);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = rulesOf(values, tags, a.rules);
    if ('notNumber' in r) {
      setProblems([]);
      setError(t('standing.notNumber', { field: r.notNumber }));
      return;
    }
    if ('badLine' in r) {
      setProblems([]);
      setError(t('standing.badTagLine', { line: r.badLine }));
      return;
    }
    void save(r.rules);
  }

  const problemOf = (path: string) => problems.find((p) => p.field === path || p.field.startsWith(`${path}.`));
  const numberField = (path: string, label: ReactNode, opts: { width?: number } = {}) => {
    // The server names the field exactly; a problem of a whole stage shows under its row.
    const p = problemOf(path);
    return (
      <label className={p ? 'field field-error' : 'field'} key={path}>
        {label}
        <input
          inputMode="decimal"
          value={values[path] ?? ''}
          disabled={!manage}
          aria-invalid={p ? true : undefined}
          style={opts.width ? { width: opts.width } : undefined}
          onChange={(e) => setValues({ ...values, [path]: e.target.value })}
          data-testid={testid(path)}
        />
        {p ? (
          <span className="hint" data-testid={`${testid(path)}-problem`}>
            {p.message}
          </span>
        ) : null}
      </label>
    );
  };

  return (
    <form className="stack" onSubmit={submit} data-testid="rules-page">
      <div className="page-head">
        <div>
          <h1>{t('standing.title')}</h1>
          <p>{t('standing.intro')}</p>
          <p className="muted small" data-testid="rules-changed">
            {a.updatedAt ? t('standing.lastChanged', { when: formatDateTime(a.updatedAt, locale), by: a.updatedBy ?? '' }) : t('standing.neverChanged')}
          </p>
        </div>
      </div>
      {manage ? null : <Note>{t('standing.readOnly')}</Note>}

      <section className="card">
        <h2>{t('standing.stagesTitle')}</h2>
        <p className="muted">{t('standing.stagesIntro')}</p>
        <div className="table-wrap">
        <table className="table" data-testid="rules-stages">
          <thead>
            <tr>
              <th>{t('standing.stageColumn')}</th>
              <th>{t('standing.meansColumn')}</th>
              <th>{t('standing.ruleColumn')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>
                <strong>{t('standing.stage.stranger')}</strong> <span className="muted small">stranger</span>
              </td>
              <td>{t('standing.means.stranger')}</td>
              <td className="muted">—</td>
            </tr>
            {STAGE_RULED.map((s) => {
              const facts = stageFacts(a.rules, a.defaults, s);
              return (
                <tr key={s} data-testid={`rules-stage-${s}`}>
                  <td>
                    <strong>{t(`standing.stage.${s}`)}</strong> <span className="muted small">{s}</span>
                  </td>
                  <td>{t(`standing.means.${s}`)}</td>
                  <td>
                    <div className="form-row">
                      {facts.map((f) => numberField(`stages.${s}.${f}`, `${t(`standing.fact.${f}`)} ≥`, { width: 70 }))}
                      {!facts.length ? <span className="muted">{t('standing.stageOff')}</span> : null}
                    </div>
                    {problemOf(`stages.${s}`) && !facts.some((f) => problemOf(`stages.${s}.${f}`)) ? <div className="field-error"><span className="hint">{problemOf(`stages.${s}`)!.message}</span></div> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      </section>

      <section className="card">
        <h2>{t('standing.levelsTitle')}</h2>
        <p className="muted">{t('standing.levelsIntro')}</p>
        <p>
          {(['ordinary', 'active', 'contributing', 'professional'] as const).map((l, i) => (
            <span key={l}>
              {i ? ' → ' : ''}
              <strong>{t(`standing.level.${l}`)}</strong>
            </span>
          ))}
        </p>
        <h3>{t('standing.thresholdsTitle')}</h3>
        <div className="form-row">
          {THRESHOLDS.map((th) => numberField(`levels.thresholds.${th}`, t(`standing.threshold.${th}`), { width: 90 }))}
        </div>
        <h3>{t('standing.weightsTitle')}</h3>
        <div className="form-row">
          {WEIGHTS.map((w) => numberField(`levels.weights.${w}`, t(`standing.weight.${w}`), { width: 90 }))}
        </div>
        <div className="form-row">
          {numberField('levels.halfLifeDays', t('standing.halfLife'), { width: 90 })}
          {numberField('levels.inviteStayDays', t('standing.inviteStay'), { width: 90 })}
          {numberField('levels.demoteMargin', t('standing.margin'), { width: 90 })}
          {numberField('levels.demoteGraceDays', t('standing.grace'), { width: 90 })}
        </div>
      </section>

      <section className="card">
        <h2>{t('standing.tagsTitle')}</h2>
        <p className="muted">{t('standing.tagsIntro')}</p>
        <textarea
          rows={4}
          value={tags}
          disabled={!manage}
          placeholder={'vip: orders>=2\nsilent: inactive>14d'}
          onChange={(e) => setTags(e.target.value)}
          style={{ width: '100%', fontFamily: 'monospace' }}
          data-testid="rules-tags"
        />
        {problems
          .filter((p) => p.field.startsWith('tags'))
          .map((p) => (
            <div key={p.field} className="field-error hint">
              {p.field}: {p.message}
            </div>
          ))}
      </section>

      <section className="card">
        <h2>{t('standing.pointsTitle')}</h2>
        <p className="muted">{t('standing.pointsIntro')}</p>
        <table className="table" data-testid="rules-points">
          <tbody>
            {REWARDED.map((k) => (
              <tr key={k}>
                <td>{t(`standing.points.${k}`)}</td>
                <td>{numberField(`points.${k}.points`, t('standing.pointsEach'), { width: 70 })}</td>
                <td>{numberField(`points.${k}.dailyCap`, t('standing.pointsCap'), { width: 70 })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {problems.length ? (
        <Note kind="error">
          <div data-testid="rules-problems">
            {t('standing.problems')}
            <ul>
              {problems.map((p) => (
                <li key={p.field}>
                  <code>{p.field}</code> {p.message}
                </li>
              ))}
            </ul>
          </div>
        </Note>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {saved ? (
        <Note kind="success">
          <span data-testid="rules-saved">{t('standing.saved')}</span>
        </Note>
      ) : null}
      {progress && progress.state === 'running' ? <Progress done={progress.done} total={progress.total || undefined} label={t('standing.recomputing')} /> : null}
      {progress && progress.state === 'done' ? (
        <p className="muted" data-testid="rules-recompute-done">
          {t('standing.recomputeDone', { total: progress.total })}
        </p>
      ) : null}
      {progress && progress.state === 'failed' ? <ErrorNote error={t('standing.recomputeFailed', { error: progress.error ?? '' })} /> : null}
      {manage ? (
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="rules-save">
            {busy ? t('common.saving') : t('standing.save')}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void save({})} data-testid="rules-reset">
            {t('standing.reset')}
          </button>
        </div>
      ) : null}
    </form>
  );
}
