// Who each imported row is about. A `member` cell names a member (its id, or a platform identity
// `<channel>:<user id>`; the channel by id or name) that must exist. A phone or an e-mail finds the
// member holding it; when nobody does, a new member is planned (no platform identity yet: the
// members' merge suggestions link them by phone or e-mail when they show up), one per phone or
// e-mail however many rows name it. Reads only; the writers store what is planned.

import { msg } from '../../i18n/index.ts';
import type { Db } from '../../store/db.ts';
import { parseMemberRef } from './fields.ts';
import type { PersonKey, RowProblem } from './people-csv.ts';

export interface PlannedMember {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
}

export interface Resolution {
  /** Row number → the member it is about. */
  targets: Map<number, { memberId: string; created: boolean }>;
  created: PlannedMember[];
  problems: RowProblem[];
}

const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** value → member ids holding it (more than one: ambiguous). */
type Index = Map<string, string[]>;

function add(index: Index, key: string, id: string) {
  const ids = index.get(key);
  if (!ids) index.set(key, [id]);
  else if (!ids.includes(id)) ids.push(id);
}

export async function resolvePeople(db: Db, keys: readonly PersonKey[], newId: () => string): Promise<Resolution> {
  const ids = new Set<string>();
  const identities = new Map<string, Set<string>>();
  const phones = new Set<string>();
  const emails = new Set<string>();
  const channelRows = await db.selectFrom('channels').select(['id', 'name']).execute();
  const channelOf = (ref: string) => channelRows.find((c) => c.id === ref)?.id ?? channelRows.find((c) => c.name === ref)?.id;
  for (const k of keys) {
    const ref = k.member ? parseMemberRef(k.member) : undefined;
    if (ref?.kind === 'id') ids.add(ref.id);
    else if (ref?.kind === 'identity') {
      const ch = channelOf(ref.channel);
      if (ch) (identities.get(ch) ?? identities.set(ch, new Set()).get(ch))?.add(ref.externalId);
    } else {
      if (k.phone) phones.add(k.phone);
      if (k.email) emails.add(k.email);
    }
  }
  const known = new Set<string>();
  for (const part of chunks([...ids])) {
    for (const r of await db.selectFrom('members').select('id').where('id', 'in', part).where('forgotten_at', 'is', null).execute()) known.add(r.id);
  }
  const byIdentity = new Map<string, string>();
  for (const [channel, externals] of identities) {
    for (const part of chunks([...externals])) {
      const rows = await db
        .selectFrom('member_identities')
        .innerJoin('members', 'members.id', 'member_identities.member_id')
        .select(['member_identities.member_id', 'member_identities.external_id'])
        .where('member_identities.channel_id', '=', channel)
        .where('member_identities.external_id', 'in', part)
        .where('members.forgotten_at', 'is', null)
        .execute();
      for (const r of rows) byIdentity.set(`${channel}\u0000${r.external_id}`, r.member_id);
    }
  }
  const byPhone: Index = new Map();
  for (const part of chunks([...phones])) {
    const rows = await db.selectFrom('members').select(['id', 'phone']).where('phone', 'in', part).where('forgotten_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    for (const r of rows) if (r.phone) add(byPhone, r.phone, r.id);
  }
  const byEmail: Index = new Map();
  for (const part of chunks([...emails])) {
    const rows = await db
      .selectFrom('members')
      .select((eb) => ['id', eb.fn<string>('lower', ['email']).as('email')])
      .where((eb) => eb(eb.fn('lower', ['email']), 'in', part))
      .where('forgotten_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const r of rows) if (r.email) add(byEmail, r.email, r.id);
  }

  const targets: Resolution['targets'] = new Map();
  const created: PlannedMember[] = [];
  const plannedByPhone = new Map<string, PlannedMember>();
  const plannedByEmail = new Map<string, PlannedMember>();
  const problems: RowProblem[] = [];
  for (const k of keys) {
    const row = k.row;
    if (k.member) {
      const ref = parseMemberRef(k.member);
      const id = ref?.kind === 'id' ? (known.has(ref.id) ? ref.id : undefined) : ref ? byIdentity.get(`${channelOf(ref.channel) ?? ''}\u0000${ref.externalId}`) : undefined;
      if (!id) problems.push({ row, field: 'member', message: msg('peopleImport.unknownMember', { value: k.member }) });
      else targets.set(row, { memberId: id, created: false });
      continue;
    }
    const found: { field: 'phone' | 'email'; value: string; id: string }[] = [];
    let ambiguous = false;
    for (const [field, value, index] of [
      ['phone', k.phone, byPhone],
      ['email', k.email, byEmail],
    ] as const) {
      if (!value) continue;
      const held = index.get(value) ?? [];
      if (held.length > 1) {
        problems.push({ row, field, message: msg('peopleImport.ambiguous', { field: msg(`peopleImport.field.${field}`), value, count: held.length, ids: held.slice(0, 5).join(', ') }) });
        ambiguous = true;
      } else if (held.length === 1) found.push({ field, value, id: held[0] });
    }
    if (ambiguous) continue;
    if (found.length === 2 && found[0].id !== found[1].id) {
      problems.push({ row, field: 'email', message: msg('peopleImport.twoMembers', { phone: found[0].value, email: found[1].value, a: found[0].id, b: found[1].id }) });
      continue;
    }
    if (found.length) {
      targets.set(row, { memberId: found[0].id, created: false });
      continue;
    }
    const byP = k.phone ? plannedByPhone.get(k.phone) : undefined;
    const byE = k.email ? plannedByEmail.get(k.email) : undefined;
    if (byP && byE && byP !== byE) {
      problems.push({ row, field: 'email', message: msg('peopleImport.twoNew', { phone: k.phone ?? '', email: k.email ?? '' }) });
      continue;
    }
    let planned = byP ?? byE;
    if (!planned) {
      planned = { id: newId(), name: k.name ?? k.phone ?? k.email ?? '', phone: k.phone ?? null, email: k.email ?? null };
      created.push(planned);
    } else {
      if (k.name) planned.name = k.name;
      planned.phone ??= k.phone ?? null;
      planned.email ??= k.email ?? null;
    }
    if (planned.phone) plannedByPhone.set(planned.phone, planned);
    if (planned.email) plannedByEmail.set(planned.email, planned);
    targets.set(row, { memberId: planned.id, created: true });
  }
  return { targets, created, problems };
}
