// The profile's working parts: points (balance, add or spend with a reason, the history), the
// tags editor, a role per group, merge suggestions with their confirmation, and forgetting the
// member (a strong confirmation that says what goes and what stays).

import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { type ApiFailure, api, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { ErrorNote, Note } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { Confirm } from '../runs/confirm.tsx';
import { displayName, MEMBER_ROLES, type MemberDetail, type MergeSide, type MergeSuggestion, memberPath, nameWithAccounts, otherOf, type PointsLine, readTags } from './member-data.ts';

const ref = (id: string) => encodeURIComponent(id);

export function PointsCard({ member, balance, history, canWrite, onChanged }: { member: MemberDetail; balance: number; history: PointsLine[]; canWrite: boolean; onChanged: () => void }) {
  const t = useT();
  const { nameOf } = usePeople();
  const [mode, setMode] = useState<'add' | 'spend'>('add');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = Number(amount);
    if (!Number.isInteger(n) || n <= 0) return setError(t('members.needAmount'));
    if (!reason.trim()) return setError(t('members.needReason'));
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const r = await post<{ balance: number }>(`/api/members/${ref(member.id)}/points`, { [mode]: n, reason: reason.trim() });
      setDone(t('members.pointsDone', { balance: r.balance }));
      setAmount('');
      setReason('');
      onChanged();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" data-testid="member-points">
      <h3>{t('members.points')}</h3>
      <p className="points-balance">
        <span className="muted small">{t('members.balance')}</span> <b data-testid="member-points-balance">{balance}</b>
      </p>
      {canWrite ? (
        <form className="points-form" onSubmit={submit} data-testid="member-points-form">
          <div className="points-mode">
          <fieldset className="segmented">
            <legend className="sr-only">{t('members.points')}</legend>
            {(['add', 'spend'] as const).map((m) => (
              <button key={m} type="button" className={mode === m ? 'active' : ''} aria-pressed={mode === m} onClick={() => setMode(m)} data-testid={`member-points-${m}`}>
                {t(m === 'add' ? 'members.pointsAdd' : 'members.pointsSpend')}
              </button>
            ))}
          </fieldset>
          </div>
          <label className="field field-narrow">
            {t('members.pointsAmount')}
            <input type="text" inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value.replace(/[^\d]/g, ''))} data-testid="member-points-amount" />
          </label>
          <label className="field grow">
            {t('members.pointsReason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('members.bulkReasonPlaceholder')} data-testid="member-points-reason" />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy || !amount} data-testid="member-points-submit">
            {t('members.pointsSubmit')}
          </button>
        </form>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
      {done ? (
        <Note kind="success">
          <span data-testid="member-points-done">{done}</span>
        </Note>
      ) : null}
      <h4 className="subhead">{t('members.pointsHistory')}</h4>
      {history.length ? (
        <div className="table-wrap">
          <table className="table table-cards" data-testid="member-points-history">
            <thead>
              <tr>
                <th>{t('members.colWhen')}</th>
                <th className="num">{t('members.colChange')}</th>
                <th className="num">{t('members.colBalance')}</th>
                <th>{t('members.colReason')}</th>
              </tr>
            </thead>
            <tbody>
              {history.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: ledger lines carry no id; the list is only ever replaced whole
                <tr key={`${p.at}-${i}`}>
                  <td className="nowrap small">
                    <When iso={p.at} />
                  </td>
                  <td className={`num ${p.delta < 0 ? 'delta-down' : 'delta-up'}`} data-label={t('members.colChange')}>
                    {p.delta > 0 ? `+${p.delta}` : p.delta}
                  </td>
                  <td className="num" data-label={t('members.colBalance')}>
                    {p.balance}
                  </td>
                  <td data-label={t('members.colReason')}>
                    {p.reason}
                    <div className="muted small">{p.actor ? t('members.pointsBy', { actor: nameOf(p.actor) }) : p.rule ? t('members.pointsRule', { rule: p.rule }) : t('members.pointsAutomatic')}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">{t('members.pointsEmpty')}</p>
      )}
    </section>
  );
}

export function TagsCard({ member, canWrite, onChanged }: { member: MemberDetail; canWrite: boolean; onChanged: () => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();

  async function change(body: { add?: string[]; remove?: string[] }) {
    setBusy(true);
    setError(undefined);
    try {
      await post('/api/members/tags', { members: [member.id], ...body });
      setText('');
      onChanged();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" data-testid="member-tags">
      <h3>{t('members.tags')}</h3>
      <div className="tag-editor">
        {member.tags.length ? (
          member.tags.map((tag) => (
            <span className="tag tag-removable" key={tag} data-testid={`member-tag-${tag}`}>
              {tag}
              {canWrite ? (
                <button type="button" aria-label={t('members.tagRemove', { tag })} disabled={busy} onClick={() => void change({ remove: [tag] })} data-testid={`member-tag-remove-${tag}`}>
                  ×
                </button>
              ) : null}
            </span>
          ))
        ) : (
          <span className="muted">{t('members.noTags')}</span>
        )}
      </div>
      {canWrite ? (
        <form
          className="tag-add"
          onSubmit={(e) => {
            e.preventDefault();
            const add = readTags(text);
            if (add.length) void change({ add });
          }}
        >
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('members.bulkTagsHint')} aria-label={t('members.tagAdd')} data-testid="member-tag-input" />
          <button type="submit" className="btn btn-small" disabled={busy || !readTags(text).length} data-testid="member-tag-add">
            {t('members.tagAddButton')}
          </button>
        </form>
      ) : null}
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}

/** A role menu for one group (PUT /api/members/:ref/role). */
export function RoleSelect({ memberId, group, role, label, onChanged, testid }: { memberId: string; group: string; role: string | null; label: string; onChanged: () => void; testid: string }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  return (
    <span className="role-select">
      <select
        value={role && role !== 'none' ? role : 'none'}
        disabled={busy}
        aria-label={label}
        onChange={async (e) => {
          setBusy(true);
          setError(undefined);
          try {
            await api('PUT', `/api/members/${ref(memberId)}/role`, { group, role: e.target.value });
            onChanged();
          } catch (err) {
            setError(asFailure(err));
          } finally {
            setBusy(false);
          }
        }}
        data-testid={testid}
      >
        <option value="none">{t('members.roleNone')}</option>
        {MEMBER_ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`members.role.${r}`)}
          </option>
        ))}
      </select>
      {error ? <ErrorNote error={error} /> : null}
    </span>
  );
}

export function MergeCard({ member, channelName, onMerged }: { member: MemberDetail; channelName: (id: string) => string | undefined; onMerged: () => void }) {
  const t = useT();
  const suggestions = useGet<MergeSuggestion[] | { suggestions: MergeSuggestion[] }>('/api/members/merge-suggestions');
  const list = Array.isArray(suggestions.data) ? suggestions.data : (suggestions.data?.suggestions ?? []);
  const mine = list.flatMap((s) => {
    const other = otherOf(s, member.id);
    return other ? [{ other, reason: s.reason }] : [];
  });
  if (suggestions.error) return null;
  return (
    <section className="card" data-testid="member-merge">
      <h3>{t('members.mergeTitle')}</h3>
      {mine.length ? (
        <ul className="plain-list">
          {mine.map((s) => (
            <MergeRow
              key={s.other.id}
              member={member}
              other={s.other}
              reason={s.reason}
              channelName={channelName}
              onMerged={() => {
                void suggestions.reload();
                onMerged();
              }}
            />
          ))}
        </ul>
      ) : (
        <p className="muted">{t('members.mergeNone')}</p>
      )}
    </section>
  );
}

function MergeRow({
  member,
  other,
  reason,
  channelName,
  onMerged,
}: { member: MemberDetail; other: MergeSide; reason: string; channelName: (id: string) => string | undefined; onMerged: () => void }) {
  const t = useT();
  // The suggestion names the other member by id; their name comes with their profile.
  const profile = useGet<MemberDetail>(other.name ? null : `/api/members/${ref(other.id)}`);
  const otherName = nameWithAccounts(
    other.name?.trim() || (profile.data ? displayName(profile.data, t) : t('members.noName')),
    other.identities ?? profile.data?.identities,
    channelName,
    t,
  );
  const name = nameWithAccounts(displayName(member, t), member.identities, channelName, t);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const reasonKey = `members.mergeReason_${reason}`;
  const reasonText = t(reasonKey);
  return (
    <li data-testid={`member-merge-${other.id}`}>
      <div>
        <Link to={memberPath(other.id)}>{otherName}</Link> {reasonText !== reasonKey ? <span className="badge">{reasonText}</span> : null}
      </div>
      <button type="button" className="btn btn-small" onClick={() => setAsking(true)} data-testid={`member-merge-do-${other.id}`}>
        {t('members.mergeAction')}
      </button>
      {error ? <ErrorNote error={error} /> : null}
      {asking ? (
        <Confirm
          title={t('members.mergeConfirmTitle', { other: otherName, name })}
          confirmLabel={t('members.mergeConfirm')}
          busy={busy}
          onCancel={() => setAsking(false)}
          onConfirm={async () => {
            setBusy(true);
            try {
              await post('/api/members/merge', { keep: member.id, merge: other.id });
              setAsking(false);
              onMerged();
            } catch (err) {
              setError(asFailure(err));
              setAsking(false);
            } finally {
              setBusy(false);
            }
          }}
        >
          <p>{t('members.mergeConfirmBody', { other: otherName, name })}</p>
        </Confirm>
      ) : null}
    </li>
  );
}

export function ForgetButton({ member, onForgotten }: { member: MemberDetail; onForgotten: () => void }) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [sure, setSure] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();
  const name = displayName(member, t);
  return (
    <>
      <button
        type="button"
        className="btn btn-danger"
        onClick={() => {
          setSure(false);
          setAsking(true);
        }}
        data-testid="member-forget"
      >
        {t('members.forget')}
      </button>
      {error ? <ErrorNote error={error} /> : null}
      {asking ? (
        <Confirm
          title={t('members.forgetTitle', { name })}
          confirmLabel={t('members.forgetConfirm')}
          danger
          busy={busy}
          confirmDisabled={!sure}
          onCancel={() => setAsking(false)}
          onConfirm={async () => {
            setBusy(true);
            try {
              await post(`/api/members/${ref(member.id)}/forget`);
              setAsking(false);
              onForgotten();
            } catch (err) {
              setError(asFailure(err));
              setAsking(false);
            } finally {
              setBusy(false);
            }
          }}
        >
          <ul className="forget-list">
            <li>{t('members.forgetWhat')}</li>
            <li>{t('members.forgetKept')}</li>
            <li>
              <strong>{t('members.forgetNever')}</strong>
            </li>
          </ul>
          <label className="inline-check">
            <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} data-testid="member-forget-sure" />
            {t('members.forgetUnderstand')}
          </label>
        </Confirm>
      ) : null}
    </>
  );
}
