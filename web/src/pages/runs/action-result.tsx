// What an action returned, in the board cell's details: the invite link a connector made (with
// its expiry), and the group's current invite link; other results as plain key/value lines.

import { useT } from '../../i18n/index.ts';
import { When } from '../../ui/when.tsx';

export function ActionResult({ result, qr, zone }: { result: Record<string, unknown> | null | undefined; qr?: string | null; zone: string | null }) {
  const t = useT();
  if (!result || Object.keys(result).length === 0) return null;
  const link = typeof result.inviteLink === 'string' ? result.inviteLink : undefined;
  const expires = typeof result.expiresAt === 'string' ? result.expiresAt : undefined;
  const rest = Object.entries(result).filter(([k]) => k !== 'inviteLink' && k !== 'expiresAt');
  return (
    <div data-testid="cell-details-result">
      {link ? (
        <>
          <div className="detail-label">{t('connectors.inviteTitle')}</div>
          <div className="copyline" data-testid="cell-details-invite">
            {/^https?:\/\//.test(link) ? (
              <a href={link} target="_blank" rel="noreferrer">
                {link}
              </a>
            ) : (
              link
            )}
          </div>
          {qr ? <img src={qr} alt={t('connectors.inviteQrAlt')} width={180} height={180} data-testid="cell-details-invite-qr" /> : null}
          {expires ? (
            <div className="small muted">
              {t('connectors.inviteExpires')}{' '}
              <When iso={expires} zone={zone} />
            </div>
          ) : null}
        </>
      ) : null}
      {rest.length ? (
        <>
          <div className="detail-label">{t('connectors.resultTitle')}</div>
          <dl className="detail-list">
            {rest.map(([k, v]) => (
              <span key={k}>
                <dt className="mono small">{k}</dt>
                <dd className="mono small">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
              </span>
            ))}
          </dl>
        </>
      ) : null}
    </div>
  );
}
