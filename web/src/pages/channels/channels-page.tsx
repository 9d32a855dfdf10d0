// Channels: the accounts Chorus acts through, their status and identity, the groups each one has
// discovered, and connecting a new one.

import { type FormEvent, useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { PersonName } from '../../people.tsx';
import { can, useUser } from '../../session.tsx';
import type { Channel, Group } from '../../types.ts';
import { Empty, ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { ChannelAddForm } from './channel-add.tsx';
import { ChannelPacing } from './channel-pacing.tsx';
import { ChannelSignIn } from './channel-sign-in.tsx';

const STATUS_BADGE: Record<string, string> = { active: 'badge-ok', needs_reauth: 'badge-bad', needs_login: 'badge-warn', disabled: 'badge' };

export function ChannelsPage() {
  const t = useT();
  const user = useUser();
  const channels = useGet<{ channels: Channel[] }>('/api/channels');
  const groups = useGet<{ groups: Group[] }>('/api/groups');
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<Channel | undefined>();
  const manage = can.manageChannels(user.role);
  const reload = channels.reload;
  const reloadChannels = useCallback(() => void reload(), [reload]);
  const byChannel = useMemo(() => {
    const m = new Map<string, Group[]>();
    for (const g of groups.data?.groups ?? []) m.set(g.channelId, [...(m.get(g.channelId) ?? []), g]);
    return m;
  }, [groups.data]);

  if (channels.error) return <ErrorNote error={channels.error} onRetry={() => void channels.reload()} />;
  if (!channels.data) return <Loading />;
  const list = channels.data.channels;

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('channels.title')}</h1>
          <p>{t('channels.intro')}</p>
        </div>
        {manage && !adding ? (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="channel-add">
            {t('channels.addButton')}
          </button>
        ) : null}
      </div>

      {adding ? (
        <ChannelAddForm
          onCancel={() => setAdding(false)}
          onAdded={(c) => {
            setAdding(false);
            setAdded(c);
            void channels.reload();
          }}
        />
      ) : null}
      {added ? (
        <Note kind="success">
          <span data-testid="channel-added">{t('channels.added', { name: added.name, kind: t(`common.kind_${added.kind}`) })}</span>
        </Note>
      ) : null}

      {list.length === 0 && !adding ? (
        <Empty
          title={t('channels.emptyTitle')}
          action={
            manage ? (
              <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
                {t('channels.addButton')}
              </button>
            ) : null
          }
        >
          {manage ? t('channels.emptyBody') : t('channels.emptyAskAdmin')}
        </Empty>
      ) : null}

      <div className="stack" style={{ marginTop: 16 }} data-testid="channel-list">
        {list.map((c) => (
          <ChannelCard key={c.id} channel={c} groups={byChannel.get(c.id) ?? []} manage={manage} onChanged={reloadChannels} />
        ))}
      </div>
    </div>
  );
}

function ChannelCard({ channel: c, groups, manage, onChanged }: { channel: Channel; groups: Group[]; manage: boolean; onChanged: () => void }) {
  const t = useT();
  const callback = c.webhook ? `${window.location.origin}${c.webhook}` : null;
  return (
    <article className="card" data-testid={`channel-${c.id}`}>
      <div style={{ display: 'flex', gap: 12, alignItems: 'baseline', flexWrap: 'wrap' }}>
        <h3 style={{ margin: 0 }}>{c.name}</h3>
        <span className="badge badge-info">{t(`common.kind_${c.kind}`)}</span>
        <span className={`badge ${STATUS_BADGE[c.status] ?? 'badge'}`} data-testid="channel-status">
          {t(`channels.status_${c.status}`)}
        </span>
        <span className="muted small" style={{ marginLeft: 'auto' }}>
          {t('channels.since')} <When iso={c.createdAt} />
        </span>
      </div>
      <div className="card-meta">
        <span>
          {t('channels.identity')}: <strong>{c.identity ?? '—'}</strong>
        </span>
      </div>
      {c.statusReason ? <ErrorNote error={c.statusReason} /> : null}
      {c.status === 'needs_login' && manage ? <ChannelSignIn channelId={c.id} onSignedIn={onChanged} /> : null}
      {callback && c.kind === 'wecom' ? (
        <div className="field" style={{ marginBottom: 10 }}>
          <span>{t('channels.wecomCallback')}</span>
          <div className="copyline" data-testid="channel-callback">
            {callback}
          </div>
        </div>
      ) : null}
      {c.kind === 'telegram' && manage ? <TelegramWebhook channel={c} /> : null}
      <ChannelPacing channelId={c.id} manage={manage} />
      <details data-testid="channel-groups">
        <summary>{t('channels.discovered', { count: groups.length })}</summary>
        {groups.length === 0 ? (
          <p className="muted small" style={{ marginTop: 8 }}>
            {t(`channels.noGroups_${c.kind}`)}
          </p>
        ) : (
          <div className="table-wrap" style={{ marginTop: 8 }}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('groups.colName')}</th>
                  <th>{t('groups.externalId')}</th>
                  <th className="num">{t('groups.colMembers')}</th>
                  <th>{t('groups.colLeader')}</th>
                  <th>{t('groups.colActivity')}</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.id}>
                    <td>{g.name}</td>
                    <td className="mono small">{g.externalId}</td>
                    <td className="num">{g.memberCount ?? '—'}</td>
                    <td>{g.leader ? <PersonName name={g.leader} /> : <span className="muted">{t('groups.noLeader')}</span>}</td>
                    <td className="small">
                      <When iso={g.lastActivityAt} zone={g.timezone} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="small" style={{ margin: '8px 12px' }}>
              <Link to="/groups">{t('channels.manageGroups')}</Link>
            </p>
          </div>
        )}
      </details>
    </article>
  );
}

/** Telegram delivers updates by long polling unless a webhook is set; this sets one. */
function TelegramWebhook({ channel }: { channel: Channel }) {
  const t = useT();
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const [done, setDone] = useState<string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const a = await post<{ webhook: string }>(`/api/channels/${encodeURIComponent(channel.id)}/webhook`, { url: url.trim() });
      setDone(a.webhook);
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <details style={{ marginBottom: 10 }}>
      <summary>{t('channels.webhookTitle')}</summary>
      <form onSubmit={submit} className="form" style={{ marginTop: 8 }}>
        <p className="muted small" style={{ margin: 0 }}>
          {t('channels.webhookBody')}
        </p>
        <label className="field">
          {t('channels.webhookUrl')}
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://chorus.example.com" required data-testid="telegram-webhook-url" />
        </label>
        {error ? <ErrorNote error={error} /> : null}
        {done ? <Note kind="success">{t('channels.webhookSet', { url: done })}</Note> : null}
        <div className="actions">
          <button type="submit" className="btn" disabled={busy} data-testid="telegram-webhook-submit">
            {busy ? t('channels.testing') : t('channels.webhookSubmit')}
          </button>
        </div>
      </form>
    </details>
  );
}
