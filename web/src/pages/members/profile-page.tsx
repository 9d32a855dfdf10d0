// A member's profile: who they are (names, an account per channel, contacts, other details),
// where they are (groups with join and leave times, how they came, a role in each), what they did
// (counters, stage, level, score), points, tags, the timeline; merging a duplicate and forgetting
// the person for those allowed.

import { Link, useNavigate, useParams } from 'react-router';
import { decide } from '../../../../src/access/roles.ts';
import { useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { useUser } from '../../session.tsx';
import type { Channel } from '../../types.ts';
import { ErrorNote, Loading, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { displayName, handleOf, type MemberDetail, type MemberGroup, pointsOf, viaParts } from './member-data.ts';
import { LastActive, LevelBadge, StageBadge } from './member-row.tsx';
import { MemberTimeline } from './member-timeline.tsx';
import { ForgetButton, MergeCard, PointsCard, RoleSelect, TagsCard } from './profile-parts.tsx';
import './members.css';

const COUNTERS = ['messages', 'replies', 'checkins', 'invites', 'clicks', 'orders'] as const;

export function MemberProfilePage() {
  const t = useT();
  const user = useUser();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const member = useGet<MemberDetail>(`/api/members/${encodeURIComponent(id)}`);
  // Channel names for the accounts (a leader may not list channels: the account shows without it).
  const channels = useGet<{ channels: Channel[] }>(user.role === 'leader' ? null : '/api/channels');
  const canWrite = decide(user.role, 'members.write') !== 'deny';
  const canManage = decide(user.role, 'members.manage') === 'allow';
  const canForget = decide(user.role, 'members.forget') === 'allow';

  if (member.error) {
    return (
      <div>
        <Link to="/members" className="back-link">
          {t('members.back')}
        </Link>
        <ErrorNote error={member.error.status === 404 ? t('members.notFound') : member.error} onRetry={member.error.status === 404 ? undefined : () => void member.reload()} />
      </div>
    );
  }
  const m = member.data;
  if (!m) return <Loading />;
  const reload = () => void member.reload();
  const name = displayName(m, t);
  const handle = handleOf(m);
  const { balance, history } = pointsOf(m);
  const channelName = (cid: string) => {
    const c = channels.data?.channels.find((x) => x.id === cid);
    return c ? c.name : undefined;
  };
  const attrs = Object.entries(m.attrs ?? {}).filter(([, v]) => v !== null && v !== '');
  const counters = COUNTERS.map((k) => ({ k, v: k === 'orders' ? (Array.isArray(m.orders) ? m.orders.length : m.orders) : (m as unknown as Record<string, unknown>)[k] })).filter(
    (c): c is { k: (typeof COUNTERS)[number]; v: number } => typeof c.v === 'number',
  );
  const forgotten = Boolean(m.forgotten || m.forgottenAt);

  return (
    <div data-testid="member-profile">
      <Link to="/members" className="back-link" data-testid="member-back">
        {t('members.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1 data-testid="member-name">{name}</h1>
          <div className="card-meta">
            {handle && handle !== name ? <span>{handle}</span> : null}
            <StageBadge stage={m.stage} />
            <LevelBadge level={m.level} />
            {typeof m.score === 'number' ? (
              <span>
                {t('members.score')} {Math.round(m.score * 10) / 10}
              </span>
            ) : null}
            <span>
              {t('members.lastActive')} <LastActive iso={m.lastActiveAt} />
            </span>
            {m.blacklisted ? <span className="badge badge-bad">{t('members.blacklisted')}</span> : null}
          </div>
        </div>
        {canForget && !forgotten ? (
          <div className="actions">
            <ForgetButton member={m} onForgotten={() => navigate('/members', { state: { forgotten: name } })} />
          </div>
        ) : null}
      </div>
      {forgotten ? <Note kind="warning">{t('members.forgotten')}</Note> : null}

      <div className="profile-grid">
        <div className="stack">
          <section className="card" data-testid="member-groups">
            <h3>{t('members.groups')}</h3>
            {m.groups.length ? (
              <ul className="plain-list">
                {m.groups.map((g) => (
                  <GroupLine key={g.group} memberId={m.id} g={g} canWrite={canWrite} onChanged={reload} />
                ))}
              </ul>
            ) : (
              <p className="muted">{t('members.noGroups')}</p>
            )}
          </section>

          <section className="card" data-testid="member-counters">
            <h3>{t('members.counters')}</h3>
            <div className="counter-grid">
              {counters.map((c) => (
                <div key={c.k} className="counter" data-testid={`member-count-${c.k}`}>
                  <b>{c.v}</b>
                  <span>{t(`members.count_${c.k}`)}</span>
                </div>
              ))}
            </div>
          </section>

          <section className="card" data-testid="member-identities">
            <h3>{t('members.identities')}</h3>
            <ul className="plain-list">
              {m.identities.map((i) => (
                <li key={`${i.channel}:${i.externalId}`}>
                  <div>
                    {channelName(i.channel) ? <strong>{channelName(i.channel)} </strong> : null}
                    {i.username ? <span>@{i.username}</span> : null}
                  </div>
                  <div className="muted small">
                    {t('members.platformId')} <span className="mono">{i.externalId}</span>
                  </div>
                </li>
              ))}
            </ul>
            {m.phone || m.email ? (
              <dl className="facts">
                {m.phone ? (
                  <>
                    <dt>{t('members.phone')}</dt>
                    <dd>{m.phone}</dd>
                  </>
                ) : null}
                {m.email ? (
                  <>
                    <dt>{t('members.email')}</dt>
                    <dd>{m.email}</dd>
                  </>
                ) : null}
              </dl>
            ) : null}
            <h4 className="subhead">{t('members.attrs')}</h4>
            {attrs.length ? (
              <dl className="facts" data-testid="member-attrs">
                {attrs.map(([k, v]) => (
                  <div key={k} className="fact">
                    <dt>{k}</dt>
                    <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="muted small">{t('members.noAttrs')}</p>
            )}
          </section>
        </div>

        <div className="stack">
          <PointsCard member={m} balance={balance} history={history} canWrite={canWrite && !forgotten} onChanged={reload} />
          <TagsCard member={m} canWrite={canWrite && !forgotten} onChanged={reload} />
          {canManage && !forgotten ? <MergeCard member={m} channelName={channelName} onMerged={reload} /> : null}
        </div>
      </div>

      <section className="section">
        <h2>{t('members.timeline')}</h2>
        <MemberTimeline events={m.events ?? []} />
      </section>
    </div>
  );
}

function GroupLine({ memberId, g, canWrite, onChanged }: { memberId: string; g: MemberGroup; canWrite: boolean; onChanged: () => void }) {
  const t = useT();
  const via = viaParts(g.via, t).join(' · ');
  return (
    <li className="group-line" data-testid={`member-group-${g.group}`}>
      <div className="group-line-main">
        <strong>{g.groupName ?? t('members.groups')}</strong>
        <div className="muted small">
          {g.joinedAt ? (
            <span>
              <JoinLeave iso={g.joinedAt} kind="joinedAt" />
            </span>
          ) : null}
          {g.leftAt ? (
            <span>
              {' · '}
              <JoinLeave iso={g.leftAt} kind="leftAt" />
            </span>
          ) : (
            <span> · {t('members.stillIn')}</span>
          )}
          {via ? <span> · {via}</span> : null}
        </div>
      </div>
      {canWrite && !g.leftAt ? (
        <RoleSelect memberId={memberId} group={g.group} role={g.role} label={t('members.role')} onChanged={onChanged} testid={`member-role-${g.group}`} />
      ) : g.role && g.role !== 'none' ? (
        <span className="badge badge-info">{t(`members.role.${g.role}`)}</span>
      ) : null}
    </li>
  );
}

/** "Joined 1 Dec 2026, 20:00" with the date as a <time>. */
function JoinLeave({ iso, kind }: { iso: string; kind: 'joinedAt' | 'leftAt' }) {
  const t = useT();
  const [before, after] = t(`members.${kind}`, { when: '\u0000' }).split('\u0000');
  return (
    <>
      {before}
      <When iso={iso} />
      {after}
    </>
  );
}
