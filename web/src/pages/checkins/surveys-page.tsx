// A group's survey results: per survey step occurrence, how many answered and the answers per
// question (choice counts as bars, free answers as a list), with the CSV download.

import { Link, useParams } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { usePolling } from '../runs/polling.ts';
import { percent } from './checkin-rate.ts';
import './checkins.css';

interface QuestionResult {
  text: string;
  choices?: string[];
  answered: number;
  counts?: Record<string, number>;
  answers?: string[];
}

interface SurveyResult {
  run: string;
  step: string;
  occurrence: number;
  answered: number;
  lastAt: string | null;
  questions: QuestionResult[];
}

export function SurveysPage() {
  const { id = '' } = useParams();
  const t = useT();
  const { data, error, refresh } = usePolling<{ group: string; name: string; surveys: SurveyResult[] }>(`/api/groups/${encodeURIComponent(id)}/surveys`, 30_000);
  if (!data && error) return <ErrorNote error={error} onRetry={refresh} />;
  if (!data) return <Loading />;
  return (
    <div className="surveys-page">
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to="/groups">{t('checkins.surveysBack')}</Link>
          </div>
          <h1 data-testid="surveys-title">{t('checkins.surveysTitle', { group: data.name })}</h1>
          <p className="muted">{t('checkins.surveysIntro')}</p>
        </div>
        {data.surveys.length ? (
          <a className="btn" href={`/api/surveys/export?group=${encodeURIComponent(data.group)}`} download data-testid="surveys-export">
            {t('checkins.surveysExport')}
          </a>
        ) : null}
      </div>
      {data.surveys.length ? null : (
        <Empty title={t('checkins.surveysNone')}>
          <p>{t('checkins.surveysNoneBody')}</p>
        </Empty>
      )}
      {data.surveys.map((s) => (
        <section key={`${s.run}-${s.step}-${s.occurrence}`} className="card stack" data-testid="survey-result">
          <h2>
            {t('checkins.surveyStep', { step: s.step })}
            {s.occurrence > 1 ? ` ${t('checkins.surveyOccurrence', { occurrence: s.occurrence })}` : ''}
          </h2>
          <div className="card-meta">
            <span data-testid="survey-answered">{t('checkins.surveyAnswered', { count: s.answered })}</span>
            {s.lastAt ? (
              <span>
                {t('checkins.surveyLast')}: <When iso={s.lastAt} />
              </span>
            ) : null}
          </div>
          {s.questions.map((q, i) => (
            // A question's place in the survey is fixed by the sheet version.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <div key={i} className="survey-question" data-testid="survey-question">
              <h3>
                {i + 1}. {q.text} <span className="muted small">{t('checkins.questionAnswered', { count: q.answered })}</span>
              </h3>
              {q.choices && q.counts ? (
                <ul className="survey-choices">
                  {q.choices.map((c) => {
                    const n = q.counts?.[c] ?? 0;
                    const share = q.answered ? n / q.answered : 0;
                    return (
                      <li key={c}>
                        <span className="survey-choice">{c}</span>
                        <span className="progress survey-bar" role="img" aria-label={`${c}: ${n}`}>
                          <span className="progress-bar" style={{ width: `${Math.round(share * 100)}%` }} />
                        </span>
                        <span className="small">{t('checkins.choiceCount', { count: n, share: percent(share) })}</span>
                      </li>
                    );
                  })}
                </ul>
              ) : q.answers?.length ? (
                <ul className="survey-answers">
                  {q.answers.map((a, j) => (
                    // Answers repeat (two people may write "ok"); their place in the list tells them apart.
                    // biome-ignore lint/suspicious/noArrayIndexKey: see above
                    <li key={j}>{a}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">{t('checkins.questionNoAnswers')}</p>
              )}
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
