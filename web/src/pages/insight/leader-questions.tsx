// The leader page's questions: the open questions of their groups, longest waiting first, each
// answered in place. Loaded only when there are some (leader-page.tsx), so the page stays light.

import { Link } from 'react-router';
import { useT } from '../../i18n/index.ts';
import { type Question, QuestionCard } from './question-card.tsx';

export function LeaderQuestions({ questions, total }: { questions: Question[]; total: number }) {
  const t = useT();
  return (
    <section className="section" data-testid="leader-questions">
      <h2>{t('inbox.leaderTitle', { count: total })}</h2>
      {questions.map((q) => (
        <QuestionCard key={q.id} q={q} onAnswered={() => undefined} />
      ))}
      {total > questions.length ? (
        <p className="small">
          <Link to="/inbox">{t('inbox.leaderMore', { count: total - questions.length })}</Link>
        </p>
      ) : null}
    </section>
  );
}

export default LeaderQuestions;
