// Loading, error, empty and progress states: every list and page uses these, so each state looks
// and reads the same everywhere.

import type { ReactNode } from 'react';
import type { ApiFailure } from '../api.ts';
import { useT } from '../i18n/index.ts';

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="loading" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

/** The API's own message, with the field it names; `onRetry` adds a retry button. */
export function ErrorNote({ error, onRetry }: { error: ApiFailure | Error | string; onRetry?: () => void }) {
  const t = useT();
  const message = typeof error === 'string' ? error : error.message;
  const field = typeof error === 'object' && 'field' in error ? error.field : undefined;
  return (
    <div className="note note-error" role="alert" data-testid="error">
      <strong>{t('common.errorTitle')}</strong> {message}
      {field ? <span className="note-field"> {t('common.errorField', { field })}</span> : null}
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty">
      <h3>{title}</h3>
      {children ? <div className="empty-body">{children}</div> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

/** A determinate bar ("12 of 50") or, without `total`, an indeterminate one. */
export function Progress({ done, total, label }: { done?: number; total?: number; label?: string }) {
  const pct = total ? Math.round(((done ?? 0) / total) * 100) : undefined;
  return (
    <div className="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} data-testid="progress">
      <div className={`progress-bar${pct === undefined ? ' progress-indeterminate' : ''}`} style={pct === undefined ? undefined : { width: `${pct}%` }} />
      {label ? <span className="progress-label">{label}</span> : null}
    </div>
  );
}

export function Note({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning' | 'error'; children: ReactNode }) {
  return <div className={`note note-${kind}`}>{children}</div>;
}
