// A confirmation before an action that cannot be taken back (pause, cancel, settling a send): a
// small modal that says what will happen, in the page's words, with the safe choice focused.

import { type ReactNode, useEffect, useRef } from 'react';
import { useT } from '../../i18n/index.ts';
import './confirm.css';

export function Confirm({
  title,
  children,
  confirmLabel,
  danger,
  busy,
  confirmDisabled,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  /** The confirm button waits for something (a tick that says "I understand"); cancel stays free. */
  confirmDisabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancel.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="confirm-backdrop">
      <div className="confirm card" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm">
        <h3 id="confirm-title">{title}</h3>
        {children ? <div className="confirm-body">{children}</div> : null}
        <div className="actions confirm-actions">
          <button type="button" className="btn" ref={cancel} onClick={onCancel} disabled={busy} data-testid="confirm-no">
            {t('common.cancel')}
          </button>
          <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} onClick={onConfirm} disabled={busy || confirmDisabled} data-testid="confirm-yes">
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
