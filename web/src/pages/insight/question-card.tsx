// One member's question as a card: the group, who asked, what, how long it has waited — and a
// reply box that sends the answer into the group as a reply to that message (Telegram quotes it,
// WeChat mentions the asker, WeCom posts it plainly). Used by the inbox page and the leader page.

import { type FormEvent, useState } from 'react';
import { type ApiFailure, asFailure, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { ErrorNote, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';

export interface Question {
  id: number;
  group: string;
  groupName: string;
  member: string | null;
  memberName: string;
  text: string;
  at: string;
  waitingSeconds: number;
  state: 'open' | 'answered';
  answeredAt: string | null;
  answeredByName: string | null;
  answeredVia: 'reply' | 'after' | 'inbox' | null;
  channelKind: string;
}

/** "12 min", "3 h 10 min", "2 d 4 h": how long a question has waited. */
export function useWaited(): (seconds: number) => string {
  const t = useT();
  return (seconds) => {
    const min = Math.floor(seconds / 60);
    if (min < 1) return t('inbox.waitedNow');
    if (min < 60) return t('inbox.waitedMin', { n: min });
    const h = Math.floor(min / 60);
    if (h < 48) return min % 60 ? t('inbox.waitedHMin', { n: h, m: min % 60 }) : t('inbox.waitedH', { n: h });
    return t('inbox.waitedD', { n: Math.floor(h / 24) });
  };
}

/** Over an hour without an answer: the card says so. */
const LATE_SECONDS = 3600;

export function QuestionCard({ q, onAnswered }: { q: Question; onAnswered: () => void }) {
  const t = useT();
  const waited = useWaited();
  const [replying, setReplying] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post(`/api/inbox/${q.id}/reply`, { text: text.trim() });
      setSent(true);
      setReplying(false);
      onAnswered();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const late = q.state === 'open' && q.waitingSeconds >= LATE_SECONDS;
  return (
    <article className="card question-card" data-testid={`question-${q.id}`}>
      <header className="actions" style={{ justifyContent: 'space-between' }}>
        <strong>{q.memberName}</strong>
        <span className={`badge ${q.state === 'answered' ? 'badge-ok' : late ? 'badge-bad' : 'badge-warn'}`} data-testid={`question-waited-${q.id}`}>
          {q.state === 'open' ? t('inbox.waiting', { time: waited(q.waitingSeconds) }) : t('inbox.answeredAfter', { time: waited(q.waitingSeconds) })}
        </span>
      </header>
      <p className="muted small">
        {q.groupName} · <When iso={q.at} />
      </p>
      <p className="question-text">{q.text}</p>
      {q.state === 'answered' ? (
        <p className="small muted">{q.answeredByName ? t(`inbox.answeredBy_${q.answeredVia ?? 'after'}`, { name: q.answeredByName }) : t('inbox.answered')}</p>
      ) : null}
      {sent ? <Note kind="success">{t(q.channelKind === 'wecom' ? 'inbox.sentPlain' : 'inbox.sent')}</Note> : null}
      {replying ? (
        <form onSubmit={(e) => void send(e)} data-testid={`question-reply-form-${q.id}`}>
          <label className="field">
            {t('inbox.replyLabel', { name: q.memberName })}
            <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={4096} required data-testid={`question-reply-text-${q.id}`} />
          </label>
          {q.channelKind === 'wecom' ? <p className="small muted">{t('inbox.wecomNoReply')}</p> : null}
          <div className="actions" style={{ marginTop: 8 }}>
            <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid={`question-reply-send-${q.id}`}>
              {busy ? t('common.saving') : t('inbox.send')}
            </button>
            <button type="button" className="btn" onClick={() => setReplying(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : sent ? null : (
        <div className="actions">
          <button type="button" className="btn" onClick={() => setReplying(true)} data-testid={`question-reply-${q.id}`}>
            {t('inbox.reply')}
          </button>
        </div>
      )}
      {error ? <ErrorNote error={error} /> : null}
    </article>
  );
}
