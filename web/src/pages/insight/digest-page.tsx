// Insights → Weekly digest: pick a group and an ISO week (the last complete one by default), see
// the figures, the text post (with a copy button) and the image card (with a download link), as
// a sheet's `do: digest` posts them. A leader picks among their own groups (the API scopes it).
// docs/insight.md, "The weekly digest".

import { useEffect, useState } from 'react';
import { useGet } from '../../api.ts';
import { useLocale, useT } from '../../i18n/index.ts';
import { ExportLinks } from '../../ui/export-links.tsx';
import { Empty, ErrorNote, Loading } from '../../ui/feedback.tsx';
import { copyText } from '../leader/clipboard.ts';
import './insight.css';

interface Digest {
  group: string;
  name: string;
  week: string;
  from: string;
  newMembers: number;
  activeMembers: number;
  messages: number;
  topMessages: { member: string; name: string; text: string; replies: number }[];
  topContributors: { member: string; name: string; messages: number }[];
  checkins: number;
  questionsAnswered: number;
  text: string;
}

const DAY = 86_400_000;

/** The ISO week (`2026-W48`) of an instant, counted in UTC; given mid-week, any zone agrees. */
export function isoWeek(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The last complete week and the seven before it, from the Monday the API answered with. */
function weeksBefore(from: string): string[] {
  const mid = new Date(from).getTime() + 3.5 * DAY;
  return Array.from({ length: 8 }, (_, k) => isoWeek(new Date(mid - k * 7 * DAY)));
}

export function DigestPage() {
  const t = useT();
  const locale = useLocale();
  const groups = useGet<{ groups: { id: string; name: string }[] }>('/api/groups');
  const [group, setGroup] = useState('');
  const [week, setWeek] = useState('');
  const [weeks, setWeeks] = useState<string[]>([]);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  useEffect(() => {
    if (!group && groups.data?.groups.length) setGroup(groups.data.groups[0].id);
  }, [group, groups.data]);
  const query = group ? `group=${encodeURIComponent(group)}${week ? `&week=${week}` : ''}` : null;
  const digest = useGet<Digest>(query ? `/api/insight/digest?${query}&lang=${locale}` : null);
  useEffect(() => {
    if (digest.data && !weeks.length) setWeeks(weeksBefore(digest.data.from));
  }, [digest.data, weeks.length]);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  const d = digest.data;
  const card = query ? `/api/insight/digest/card.png?${query}` : '';

  return (
    <div data-testid="digest-page">
      <div className="page-head">
        <div>
          <h1>{t('insight.digestTitle')}</h1>
          <p className="muted">{t('insight.digestIntro')}</p>
        </div>
      </div>
      {groups.error ? (
        <ErrorNote error={groups.error} onRetry={() => void groups.reload()} />
      ) : !groups.data ? (
        <Loading />
      ) : groups.data.groups.length === 0 ? (
        <Empty title={t('insight.healthEmptyTitle')}>{t('insight.healthEmptyBody')}</Empty>
      ) : (
        <>
          <div className="digest-pick">
            <label>
              {t('insight.digestGroup')}
              <select value={group} onChange={(e) => setGroup(e.target.value)} data-testid="digest-group">
                {groups.data.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('insight.digestWeek')}
              <select value={week} onChange={(e) => setWeek(e.target.value)} data-testid="digest-week">
                <option value="">{t('insight.digestLastWeek')}</option>
                {weeks.map((w) => (
                  <option key={w} value={w}>
                    {w}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {digest.error ? (
            <ErrorNote error={digest.error} onRetry={() => void digest.reload()} />
          ) : !d ? (
            <Loading />
          ) : (
            <div className="digest-body">
              <section className="digest-figures" data-testid="digest-figures">
                <h2>
                  {d.name} · {d.week}
                </h2>
                <ExportLinks href={`/api/insight/digest?${query}`} testid="digest-export" />
                <dl>
                  <dt>{t('insight.digestNewMembers')}</dt>
                  <dd>{d.newMembers}</dd>
                  <dt>{t('insight.digestActiveMembers')}</dt>
                  <dd>{d.activeMembers}</dd>
                  <dt>{t('insight.digestMessages')}</dt>
                  <dd>{d.messages}</dd>
                  <dt>{t('insight.digestCheckins')}</dt>
                  <dd>{d.checkins}</dd>
                  <dt>{t('insight.digestAnswered')}</dt>
                  <dd>{d.questionsAnswered}</dd>
                </dl>
                <h3>{t('insight.digestPost')}</h3>
                <pre className="digest-text" data-testid="digest-text">
                  {d.text}
                </pre>
                <button type="button" className="btn" onClick={async () => setCopied((await copyText(d.text)) ? 'yes' : 'failed')} data-testid="digest-copy">
                  {copied === 'yes' ? t('insight.digestCopied') : t('insight.digestCopy')}
                </button>
                {copied === 'failed' ? <p className="muted small">{t('insight.digestCopyFailed')}</p> : null}
              </section>
              <section className="digest-card">
                <h3>{t('insight.digestCard')}</h3>
                <img src={card} alt={t('insight.digestCardAlt', { group: d.name, week: d.week })} data-testid="digest-card" width={375} height={500} />
                <a className="btn" href={card} download={`digest-${d.week}.png`} data-testid="digest-download">
                  {t('insight.digestDownload')}
                </a>
              </section>
            </div>
          )}
        </>
      )}
    </div>
  );
}
