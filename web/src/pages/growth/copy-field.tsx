// An address to hand on: shown in full, with a button that copies it (and says so for a moment).

import { useEffect, useState } from 'react';
import { useT } from '../../i18n/index.ts';
import { copyText } from '../leader/clipboard.ts';

export function CopyField({ value, testid }: { value: string; testid: string }) {
  const t = useT();
  const [copied, setCopied] = useState<boolean | undefined>();
  useEffect(() => {
    if (copied === undefined) return;
    const timer = setTimeout(() => setCopied(undefined), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <div className="copyline growth-copy">
      <span className="grow" data-testid={testid}>
        {value}
      </span>
      <button type="button" className="btn btn-small" onClick={async () => setCopied(await copyText(value))} data-testid={`${testid}-copy`}>
        {copied === true ? t('growth.copied') : copied === false ? t('growth.copyFailed') : t('growth.copy')}
      </button>
    </div>
  );
}

/** The address as people open it: the server answers a path when it does not know its public address; the console's own origin serves the same routes. */
export function fullUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : new URL(url, window.location.origin).toString();
}
