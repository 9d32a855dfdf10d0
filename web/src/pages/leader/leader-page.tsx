// The leader page, phone first: reminders on top, then today's tasks for my groups — overdue
// first — each with the exact words in a box, a copy button, a link into the group where the
// platform has one, and "mark done" (confirmed, because it cannot be undone). Done tasks fold away
// below. Nothing else.

import { lazy, Suspense, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { asFailure, post, useGet } from '../../api.ts';
import { loadCatalogs, useT } from '../../i18n/index.ts';
import type { Admission } from '../admission/queue.tsx';
import type { Question } from '../insight/question-card.tsx';
import { PersonName } from '../../people.tsx';
import { useUser } from '../../session.tsx';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import { usePolling } from '../runs/polling.ts';
import { copyText } from './clipboard.ts';
import { isOverdue, openGroupLink, planDay, type Relative, relativeTo, scriptOf, type Task } from './tasks.ts';
import { OPEN_TASKS_URL } from './urls.ts';
import './leader.css';

// people/admission: a reviewer's pending applications. The section's code and words load only
// when there are some, so the page stays as light as before for everyone else.
const ReviewerSection = lazy(async () => {
  const [m] = await Promise.all([import('../admission/reviewer-section.tsx'), loadCatalogs().catch(() => undefined)]);
  return { default: m.ReviewerSection };
});

// insight (issue 10): the open questions of a leader's groups, answered in place; loaded only when there are some.
const LeaderQuestions = lazy(async () => {
  const [m] = await Promise.all([import('../insight/leader-questions.tsx'), loadCatalogs().catch(() => undefined)]);
  return { default: m.LeaderQuestions };
});

function Questions() {
  const open = useGet<{ questions: Question[]; total: number }>('/api/inbox?state=open&limit=5');
  if (!open.data?.questions.length) return null;
  return (
    <Suspense fallback={null}>
      <LeaderQuestions questions={open.data.questions} total={open.data.total} />
    </Suspense>
  );
}

function Reviews() {
  const pending = useGet<{ admissions: Admission[] }>('/api/admissions?state=pending');
  if (!pending.data?.admissions.length) return null;
  return (
    <Suspense fallback={null}>
      <ReviewerSection admissions={pending.data.admissions} onChange={() => void pending.reload()} />
    </Suspense>
  );
}

interface Notification {
  id: number | string;
  kind: string;
  message: string;
  ledgerId?: number;
  runId?: string;
  createdAt: string;
  readAt: string | null;
}

const REFRESH_MS = 30_000;
/** Reminders above the tasks; more fold away so the tasks stay on the first screen of a phone. */
const SHOWN_REMINDERS = 2;
/** Later tasks shown when unfolded: the next ones matter; hundreds of cards would only slow a phone. */
const SHOWN_LATER = 20;

function dayBounds(now: Date): { start: Date; end: Date } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return { start, end: new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1) };
}

export function useRelative(): (r: Relative) => string {
  const t = useT();
  return (r) => {
    const side = r.late ? 'late' : 'in';
    if (r.unit === 'now') return r.late ? t('leader.justNowLate') : t('leader.dueNow');
    if (r.unit === 'min') return t(`leader.${side}_min`, { n: r.n });
    if (r.unit === 'h') return r.m ? t(`leader.${side}_hmin`, { n: r.n, m: r.m }) : t(`leader.${side}_h`, { n: r.n });
    return t(`leader.${side}_d`, { n: r.n });
  };
}

export function LeaderPage() {
  const t = useT();
  const user = useUser();
  const [params] = useSearchParams();
  const assignee = params.get('assignee');
  const who = assignee ? `&assignee=${encodeURIComponent(assignee)}` : '';
  const open = usePolling<{ tasks: Task[] }>(`${OPEN_TASKS_URL}${who}`, REFRESH_MS);
  const done = usePolling<{ tasks: Task[] }>(`/api/tasks?state=done,done_late&limit=200${who}`, REFRESH_MS);
  const notes = usePolling<{ notifications: Notification[] }>('/api/notifications', REFRESH_MS);
  const [now, setNow] = useState(() => new Date());
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());

  // The deadlines say "in 20 min": keep them true without reloading.
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const refresh = () => {
    open.refresh();
    done.refresh();
  };

  if (!open.data && open.error) return <ErrorNote error={open.error} onRetry={open.refresh} />;
  if (!open.data) return <Loading />;
  const { start, end } = dayBounds(now);
  const day = planDay([...open.data.tasks, ...(done.data?.tasks ?? [])], now, start, end);
  const unread = (notes.data?.notifications ?? []).filter((n) => !n.readAt && !dismissed.has(String(n.id)));
  const overdue = day.today.filter((x) => isOverdue(x, now)).length;

  const markRead = (n: Notification) => {
    setDismissed((d) => new Set(d).add(String(n.id)));
    post(`/api/notifications/${encodeURIComponent(String(n.id))}/read`).catch(() => {
      // Shown again at the next refresh if the server did not record it; nothing else to do.
    });
  };

  return (
    <div className="leader-page">
      {unread.length ? (
        <section className="reminders" aria-label={t('leader.reminders')} data-testid="reminders">
          {unread.slice(0, SHOWN_REMINDERS).map((n) => (
            <Reminder key={n.id} n={n} onRead={markRead} />
          ))}
          {unread.length > SHOWN_REMINDERS ? (
            <details className="fold reminders-more">
              <summary>{t('leader.moreReminders', { count: unread.length - SHOWN_REMINDERS })}</summary>
              {unread.slice(SHOWN_REMINDERS).map((n) => (
                <Reminder key={n.id} n={n} onRead={markRead} />
              ))}
            </details>
          ) : null}
        </section>
      ) : null}

      <header className="leader-head">
        {/* Someone else's list (an operator's view): their display name; a leader's own page loads no team list. */}
        <h1>{assignee ? <TitleFor name={assignee} /> : t('leader.title')}</h1>
        <p className="leader-summary" data-testid="leader-summary">
          {day.today.length ? t('leader.summary', { count: day.today.length }) : t('leader.allDone')}
          {overdue ? <span className="badge badge-bad">{t('leader.overdueCount', { count: overdue })}</span> : null}
        </p>
      </header>

      {open.error ? <ErrorNote error={open.error} onRetry={open.refresh} /> : null}

      {day.today.length ? (
        <ol className="task-list" data-testid="task-list">
          {day.today.map((task) => (
            <li key={task.id}>
              <TaskCard task={task} now={now} onDone={refresh} />
            </li>
          ))}
        </ol>
      ) : (
        <div className="empty leader-empty" data-testid="tasks-empty">
          <h3>{t('leader.emptyTitle')}</h3>
          <p className="empty-body">{t('leader.emptyBody')}</p>
        </div>
      )}

      {assignee || user.role !== 'leader' ? null : <Questions />}

      {assignee ? null : <Reviews />}

      {day.later.length ? (
        <details className="fold" data-testid="tasks-later">
          <summary>{t('leader.later', { count: day.later.length })}</summary>
          <ol className="task-list">
            {day.later.slice(0, SHOWN_LATER).map((task) => (
              <li key={task.id}>
                <TaskCard task={task} now={now} onDone={refresh} />
              </li>
            ))}
          </ol>
          {day.later.length > SHOWN_LATER ? <p className="later-more">{t('leader.laterMore', { count: day.later.length - SHOWN_LATER })}</p> : null}
        </details>
      ) : null}

      {day.done.length ? (
        <details className="fold" data-testid="tasks-done">
          <summary>{t('leader.doneToday', { count: day.done.length })}</summary>
          <ul className="done-list">
            {day.done.map((task) => (
              <li key={task.id} data-testid={`done-${task.id}`}>
                <span className="done-mark" aria-hidden="true">
                  ✓
                </span>
                <span className="done-group">{task.group.name}</span>
                <span className="done-text">{task.text}</span>
                {task.state === 'done_late' ? <span className="badge badge-warn">{t('leader.doneLate')}</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function Reminder({ n, onRead }: { n: Notification; onRead: (n: Notification) => void }) {
  const t = useT();
  return (
    <div className={`reminder reminder-${n.kind}`} data-testid={`reminder-${n.id}`}>
      <span className="reminder-text">{n.message}</span>
      <button type="button" className="btn btn-small" onClick={() => onRead(n)} data-testid={`reminder-read-${n.id}`}>
        {t('leader.gotIt')}
      </button>
    </div>
  );
}

function TaskCard({ task, now, onDone }: { task: Task; now: Date; onDone: () => void }) {
  const t = useT();
  const relative = useRelative();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const overdue = isOverdue(task, now);
  const rel = relativeTo(new Date(task.deadline), now);
  const link = openGroupLink(task.group);
  const script = scriptOf(task);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => setCopied((await copyText(script)) ? 'yes' : 'failed');

  const markDone = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/tasks/${task.id}/done`);
      setConfirming(false);
      onDone();
    } catch (e) {
      setError(asFailure(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className={`task-card${overdue ? ' task-overdue' : ''}`} data-testid={`task-${task.id}`} data-overdue={overdue ? '1' : '0'}>
      <div className="task-top">
        <h2 className="task-group">{task.group.name}</h2>
        <span className={`task-when${overdue ? ' late' : ''}`} data-testid={`task-when-${task.id}`} title={new Date(task.deadline).toLocaleString()}>
          {relative(rel)}
        </span>
      </div>
      <div className="task-run">{task.runKind === 'broadcast' ? t('runs.broadcastTitle', { text: task.runTitle }) : task.runTitle}</div>
      {task.instruction ? (
        <p className="task-instruction" data-testid={`task-instruction-${task.id}`}>
          {task.instruction}
        </p>
      ) : null}
      <div className="task-script" data-testid={`task-text-${task.id}`}>
        {script}
      </div>
      {task.group.inviteLink ? (
        <p className="task-hint" data-testid={`task-invite-${task.id}`}>
          {t('connectors.inviteTitle')}: <span className="mono">{task.group.inviteLink}</span>
        </p>
      ) : null}
      <div className="task-buttons">
        <button type="button" className="btn big-btn" onClick={() => void copy()} data-testid={`task-copy-${task.id}`}>
          {copied === 'yes' ? t('leader.copied') : t('leader.copy')}
        </button>
        {link ? (
          <a className="btn big-btn" href={link} target="_blank" rel="noreferrer" data-testid={`task-open-${task.id}`}>
            {t('leader.openGroup')}
          </a>
        ) : null}
        {!confirming ? (
          <button type="button" className="btn btn-primary big-btn" onClick={() => setConfirming(true)} data-testid={`task-done-${task.id}`}>
            {t('leader.markDone')}
          </button>
        ) : null}
      </div>
      {copied === 'failed' ? <p className="task-hint">{t('leader.copyFailed')}</p> : null}
      {confirming ? (
        <div className="task-confirm" data-testid={`task-confirm-${task.id}`}>
          <p>{overdue ? t('leader.confirmLate') : t('leader.confirmBody')}</p>
          <div className="task-buttons">
            <button type="button" className="btn big-btn" onClick={() => setConfirming(false)} disabled={busy} data-testid={`task-confirm-no-${task.id}`}>
              {t('leader.notYet')}
            </button>
            <button type="button" className="btn btn-primary big-btn" onClick={() => void markDone()} disabled={busy} data-testid={`task-confirm-yes-${task.id}`}>
              {busy ? t('common.saving') : t('leader.yesDone')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? <p className="task-error" role="alert">{error}</p> : null}
    </article>
  );
}

function TitleFor({ name }: { name: string }) {
  const t = useT();
  const [before, after] = t('leader.titleFor', { name: '\u0000' }).split('\u0000');
  return (
    <>
      {before}
      <PersonName name={name} />
      {after}
    </>
  );
}
