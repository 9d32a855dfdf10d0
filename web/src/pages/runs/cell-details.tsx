// The details of one board cell (one ledger row): the exact text, who does it and when, the
// attempts and the last error, and every state change. An interrupted send (`unconfirmed`) is
// settled here by the operator after checking the chat: it went out, it did not, or send again.
// Other cells have their actions below the state (cell-actions.tsx): retry, send now, skip, hand
// on, change the text.

import { useEffect, useState } from 'react';
import { type ApiFailure, asFailure, get, post } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import { usePeople } from '../../people.tsx';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { CheckinCellRate } from '../checkins/checkin-cell.tsx';
import { ActionResult } from './action-result.tsx';
import { CellActions, type RowAction } from './cell-actions.tsx';
import { Confirm } from './confirm.tsx';
import { canChangeRuns } from './run-controls.tsx';
import { actionLabel } from './run-preview.tsx';

export interface LedgerDetail {
  id: number;
  run: { id: string; kind: string; title: string; state: string };
  group: { id: string; name: string; channelKind: string };
  step: string;
  occurrence: number;
  action: string;
  mode: string;
  executor: string;
  assignee: string | null;
  due: string;
  deadline: string | null;
  state: string;
  content: { text?: string; link?: string; [k: string]: unknown };
  attempts: number;
  error: string | null;
  platformMessageId: string | null;
  executedAt: string | null;
  executedBy: string | null;
  onTime: boolean | null;
  result?: Record<string, unknown> | null;
  inviteQr?: string | null;
  history: { from: string | null; to: string; actor: string | null; note: string | null; at: string }[];
  /** What the signed-in person may do to this row now. */
  actions?: RowAction[];
}

type Outcome = 'sent' | 'failed' | 'resend';

export function CellDetails({
  ledgerId,
  state,
  zone,
  onClose,
  onChanged,
}: {
  ledgerId: number;
  /** The cell's state on the board: a change reloads the details. */
  state: string;
  zone: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const t = useT();
  const user = useUser();
  const [detail, setDetail] = useState<LedgerDetail | undefined>();
  const [error, setError] = useState<ApiFailure | undefined>();
  const [asking, setAsking] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [reloads, setReloads] = useState(0);
  const { nameOf } = usePeople();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `state` and `reloads` are triggers: a new board state or a settled send reloads the row
  useEffect(() => {
    let live = true;
    get<LedgerDetail>(`/api/ledger/${ledgerId}`)
      .then((d) => {
        if (!live) return;
        setDetail(d);
        setError(undefined);
      })
      .catch((e) => live && setError(asFailure(e)));
    return () => {
      live = false;
    };
  }, [ledgerId, state, reloads]);

  const resolve = async (outcome: Outcome) => {
    setBusy(true);
    try {
      await post(`/api/tasks/${ledgerId}/resolve`, { outcome });
      setAsking(null);
      setReloads((n) => n + 1);
      onChanged();
    } catch (e) {
      setError(asFailure(e));
      setAsking(null);
    } finally {
      setBusy(false);
    }
  };

  const d = detail && detail.id === ledgerId ? detail : undefined;
  return (
    <aside className="cell-panel card" aria-label={t('runs.detailsTitle')} data-testid="cell-details">
      <div className="cell-panel-head">
        <h3>{d ? `${d.group.name} · ${d.step}${d.occurrence > 1 ? ` #${d.occurrence}` : ''}` : t('runs.detailsTitle')}</h3>
        <button type="button" className="btn btn-quiet btn-small" onClick={onClose} data-testid="cell-details-close">
          {t('common.close')}
        </button>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {!d && !error ? <Loading /> : null}
      {d ? (
        <div className="stack">
          <div>
            <span className={`state state-${d.state}`} data-testid="cell-details-state">
              {t(`runs.state_${d.state}`)}
            </span>
            {d.onTime === false ? <span className="badge badge-warn">{t('runs.late')}</span> : null}
          </div>
          {d.state === 'unconfirmed' && canChangeRuns(user.role) ? (
            <div className="note note-warning resolve" data-testid="resolve">
              <p>{t('runs.unconfirmedExplain')}</p>
              <div className="actions">
                <button type="button" className="btn btn-small" onClick={() => setAsking('sent')} data-testid="resolve-sent">
                  {t('runs.resolve_sent')}
                </button>
                <button type="button" className="btn btn-small" onClick={() => setAsking('failed')} data-testid="resolve-failed">
                  {t('runs.resolve_failed')}
                </button>
                <button type="button" className="btn btn-small" onClick={() => setAsking('resend')} data-testid="resolve-resend">
                  {t('runs.resolve_resend')}
                </button>
              </div>
            </div>
          ) : null}
          {d.action === 'checkin' ? <CheckinCellRate run={d.run.id} group={d.group.id} step={d.step} occurrence={d.occurrence} state={d.state} zone={zone} /> : null}
          <CellActions
            row={d}
            onChanged={() => {
              setReloads((n) => n + 1);
              onChanged();
            }}
          />
          {d.content.text ? (
            <div>
              <div className="detail-label">{t('runs.text')}</div>
              <div className="script-box" data-testid="cell-details-text">
                {d.content.text}
              </div>
              {d.content.link ? (
                <a href={d.content.link} target="_blank" rel="noreferrer" className="small">
                  {d.content.link}
                </a>
              ) : null}
            </div>
          ) : null}
          <dl className="detail-list">
            <dt>{t('runs.action')}</dt>
            <dd>{actionLabel(t, d.action)}</dd>
            <dt>{t('runs.who')}</dt>
            <dd>{d.mode === 'bot' ? t('runs.byBot') : t('runs.byPerson', { who: d.assignee ? nameOf(d.assignee) : t('runs.nobody'), role: d.executor })}</dd>
            <dt>{t('runs.due')}</dt>
            <dd>
              <When iso={d.due} zone={zone} />
            </dd>
            {d.deadline ? (
              <>
                <dt>{t('runs.deadline')}</dt>
                <dd>
                  <When iso={d.deadline} zone={zone} />
                </dd>
              </>
            ) : null}
            <dt>{t('runs.attempts')}</dt>
            <dd>{d.attempts}</dd>
            {d.executedAt ? (
              <>
                <dt>{t('runs.executed')}</dt>
                <dd>
                  <When iso={d.executedAt} zone={zone} />
                  {d.executedBy ? ` · ${d.executedBy}` : ''}
                </dd>
              </>
            ) : null}
            {d.platformMessageId ? (
              <>
                <dt>{t('runs.messageId')}</dt>
                <dd className="mono">{d.platformMessageId}</dd>
              </>
            ) : null}
          </dl>
          <ActionResult result={d.result} qr={d.inviteQr} zone={zone} />
          {d.error ? (
            <div className="note note-error" data-testid="cell-details-error">
              <strong>{t('runs.lastError')}</strong> {d.error}
            </div>
          ) : null}
          {d.history.length ? (
            <div>
              <div className="detail-label">{t('runs.history')}</div>
              <ol className="history">
                {d.history.map((h) => (
                  // One row never makes the same move twice at the same instant.
                  <li key={`${h.at}-${h.from}-${h.to}`}>
                    <When iso={h.at} zone={zone} className="muted small" />{' '}
                    <span className={`state state-${h.to}`}>
                      {h.from ? `${t(`runs.state_${h.from}`)} → ` : ''}
                      {t(`runs.state_${h.to}`)}
                    </span>
                    {h.actor ? <span className="muted small"> · {nameOf(h.actor)}</span> : null}
                    {h.note ? <div className="small muted">{h.note}</div> : null}
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
        </div>
      ) : null}
      {asking ? (
        <Confirm
          title={t(`runs.resolve_${asking}_title`)}
          confirmLabel={t(`runs.resolve_${asking}`)}
          danger={asking === 'resend'}
          busy={busy}
          onConfirm={() => void resolve(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>{t(`runs.resolve_${asking}_body`)}</p>
        </Confirm>
      ) : null}
    </aside>
  );
}
