// A timeline event in plain words: what happened (its kind, with what the detail says) and the
// small print (a reason, a balance, the tags). Kinds: MEMBER_EVENT_KINDS (src/sop/audience.ts).
// Details are read defensively: an unknown or missing field leaves the plain sentence.

import { MEMBER_EVENT_KINDS } from '../../../../src/sop/audience.ts';
import { type MemberEvent, viaParts } from './member-data.ts';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

const KNOWN: ReadonlySet<string> = new Set(MEMBER_EVENT_KINDS);

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export interface EventWords {
  title: string;
  /** Extra words, e.g. the reason for points; empty when nothing more to say. */
  note: string;
  /** The kind's tone for its badge. */
  tone: 'ok' | 'warn' | 'bad' | 'info' | '';
}

export function eventWords(e: MemberEvent, t: Translate): EventWords {
  const d = e.detail ?? {};
  const notes: string[] = [];
  const push = (s: string | undefined) => {
    if (s) notes.push(s);
  };
  const word = (prefix: string, v: string | undefined) => {
    if (!v) return undefined;
    const key = `members.${prefix}.${v}`;
    const w = t(key);
    return w === key ? v : w;
  };
  if (!KNOWN.has(e.kind)) return { title: t('members.event.other'), note: '', tone: '' };
  switch (e.kind) {
    case 'leave': {
      const removed = d.reason === 'removed' || d.reason === 'kicked' || Boolean(d.by);
      return { title: t(removed ? 'members.event.leaveRemoved' : 'members.event.leave'), note: '', tone: removed ? 'bad' : 'warn' };
    }
    case 'join': {
      for (const w of viaParts({ link: str(d.link), inviter: str(d.inviter), inviterName: str(d.inviterName), scene: str(d.scene) }, t)) push(w);
      return { title: t('members.event.join'), note: notes.join(' · '), tone: 'ok' };
    }
    case 'points': {
      const delta = typeof d.delta === 'number' ? d.delta : Number(d.delta ?? 0);
      push(str(d.reason));
      if (typeof d.balance === 'number') push(t('members.event.balance', { balance: d.balance }));
      return { title: t('members.event.points', { delta: delta > 0 ? `+${delta}` : String(delta) }), note: notes.join(' · '), tone: delta < 0 ? 'warn' : 'ok' };
    }
    case 'tag': {
      const added = list(d.add ?? d.added);
      const removed = list(d.remove ?? d.removed);
      if (added.length) push(t('members.event.tagsAdded', { tags: added.join(', ') }));
      if (removed.length) push(t('members.event.tagsRemoved', { tags: removed.join(', ') }));
      return { title: t('members.event.tag'), note: notes.join(' · '), tone: 'info' };
    }
    case 'role': {
      const role = str(d.role ?? d.to);
      if (role === 'none' || (d.role === null && 'role' in d)) return { title: t('members.event.roleRemoved'), note: '', tone: 'info' };
      return { title: role ? t('members.event.roleTo', { role: word('role', role) ?? role }) : t('members.event.role'), note: '', tone: 'info' };
    }
    case 'stage': {
      const to = str(d.to ?? d.stage);
      return { title: to ? t('members.event.stageTo', { stage: word('stage', to) ?? to }) : t('members.event.stage'), note: '', tone: 'info' };
    }
    case 'level': {
      const to = str(d.to ?? d.level);
      return { title: to ? t('members.event.levelTo', { level: word('level', to) ?? to }) : t('members.event.level'), note: '', tone: 'info' };
    }
    case 'order': {
      push(str(d.product));
      const amount = str(d.amount);
      if (amount) push(t('members.event.amount', { amount }));
      return { title: t('members.event.order'), note: notes.join(' · '), tone: 'ok' };
    }
    case 'admission': {
      const state = str(d.state ?? d.decision);
      push(str(d.reason));
      const title = state === 'approved' ? 'members.event.admissionApproved' : state === 'rejected' ? 'members.event.admissionRejected' : 'members.event.admission';
      return { title: t(title), note: notes.join(' · '), tone: state === 'rejected' ? 'bad' : 'info' };
    }
    case 'blacklist': {
      const removed = d.removed === true || d.action === 'remove' || d.on === false;
      push(str(d.reason));
      return { title: t(removed ? 'members.event.blacklistRemoved' : 'members.event.blacklist'), note: notes.join(' · '), tone: removed ? 'info' : 'bad' };
    }
    default:
      return { title: t(`members.event.${e.kind}`), note: '', tone: e.kind === 'join_request' ? 'info' : '' };
  }
}
