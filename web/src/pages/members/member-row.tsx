// One member in the list: name and handle (a link to the profile), the groups they are in, stage,
// level, points, tags, last active (relative, the date on hover). On a phone the row is a card.

import { Link } from 'react-router';
import { useLocale, useT } from '../../i18n/index.ts';
import { formatDateTime, formatRelative } from '../../time.ts';
import { displayName, handleOf, type MemberSummary, memberPath } from './member-data.ts';

const GROUPS_SHOWN = 2;

export function StageBadge({ stage }: { stage: string }) {
  const t = useT();
  return <span className={`badge stage-badge stage-${stage}`}>{t(`members.stage.${stage}`)}</span>;
}

export function LevelBadge({ level }: { level: string }) {
  const t = useT();
  return <span className={`badge level-badge level-${level}`}>{t(`members.level.${level}`)}</span>;
}

export function LastActive({ iso }: { iso: string | null }) {
  const t = useT();
  const locale = useLocale();
  if (!iso) return <span className="muted">{t('members.never')}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso, locale)}>
      {formatRelative(iso, locale)}
    </time>
  );
}

/** `focusGroup`: the group the list is filtered by, shown first (with the member's role there). */
export function MemberRow({
  member: m,
  selectable,
  selected,
  onToggle,
  focusGroup,
}: { member: MemberSummary; selectable: boolean; selected: boolean; onToggle: () => void; focusGroup?: string }) {
  const t = useT();
  const name = displayName(m, t);
  const handle = handleOf(m);
  const present = m.groups.filter((g) => !g.leftAt);
  const groups = [...(present.length ? present : m.groups)].sort((a, b) => Number(b.group === focusGroup) - Number(a.group === focusGroup));
  return (
    <tr className={selected ? 'selected' : ''} data-testid={`member-row-${m.id}`}>
      {selectable ? (
        <td className="cell-select">
          <input type="checkbox" aria-label={t('members.selectRow', { name })} checked={selected} onChange={onToggle} data-testid={`member-select-${m.id}`} />
        </td>
      ) : null}
      <td className="member-name">
        <Link to={memberPath(m.id)} data-testid={`member-open-${m.id}`}>
          <strong>{name}</strong>
        </Link>
        {handle && handle !== name ? <div className="muted small">{handle}</div> : null}
        {m.blacklisted ? <span className="badge badge-bad">{t('members.blacklisted')}</span> : null}
      </td>
      <td data-label={t('members.colGroups')}>
        <div className="member-groups">
          {groups.slice(0, GROUPS_SHOWN).map((g) => (
            <span key={g.group} className={g.leftAt ? 'muted' : ''}>
              {g.groupName ?? t('members.groups')}
              {g.role && g.role !== 'none' ? <span className="badge badge-info role-badge">{t(`members.role.${g.role}`)}</span> : null}
            </span>
          ))}
          {groups.length > GROUPS_SHOWN ? <span className="muted small">{t('members.moreGroups', { count: groups.length - GROUPS_SHOWN })}</span> : null}
        </div>
      </td>
      <td data-label={t('members.colStage')}>
        <StageBadge stage={m.stage} />
      </td>
      <td data-label={t('members.colLevel')}>
        <LevelBadge level={m.level} />
      </td>
      <td className="num" data-label={t('members.colPoints')}>
        {m.points}
      </td>
      <td data-label={t('members.colTags')} className={m.tags.length ? undefined : 'cell-empty'}>
        {m.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </td>
      <td className="nowrap small" data-label={t('members.colLastActive')}>
        <LastActive iso={m.lastActiveAt} />
      </td>
    </tr>
  );
}
