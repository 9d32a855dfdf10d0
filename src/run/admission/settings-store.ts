// A group's application settings in the database (admission_settings), and who reviews its
// applications: the group attribute `reviewer`, else its leader.

import { randomBytes } from 'node:crypto';
import type { AutoApproveRule, RejoinPolicy } from '../../community/admission/screen.ts';
import { type AdmissionSettings, DEFAULT_SETTINGS } from '../../community/admission/settings.ts';
import type { Db } from '../../store/db.ts';

export interface GroupAdmission extends AdmissionSettings {
  groupId: string;
  groupName: string;
  channelId: string;
  externalId: string;
  reviewer: string | null;
  formCode: string | null;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function reviewerOf(g: { leader: string | null; attrs: unknown }): string | null {
  const attrs = json<Record<string, string>>(g.attrs ?? {});
  return (Object.hasOwn(attrs, 'reviewer') ? attrs.reviewer?.trim() : '') || g.leader || null;
}

export async function groupAdmission(db: Db, groupId: string): Promise<GroupAdmission | undefined> {
  const g = await db
    .selectFrom('groups')
    .leftJoin('admission_settings as s', 's.group_id', 'groups.id')
    .select(['groups.id', 'groups.name', 'groups.channel_id', 'groups.external_id', 'groups.leader', 'groups.attrs', 's.questions', 's.rejoin_policy', 's.auto_approve', 's.language', 's.form_code'])
    .where('groups.id', '=', groupId)
    .executeTakeFirst();
  return g ? admissionOf(g) : undefined;
}

/** The columns groupAdmission reads, for a caller that reads them in its own statement (`g` groups, `s` admission_settings). */
export const ADMISSION_COLUMNS = 'g.id, g.name, g.channel_id, g.external_id, g.leader, g.attrs, s.questions, s.rejoin_policy, s.auto_approve, s.language, s.form_code';

export interface AdmissionRow {
  id: string;
  name: string;
  channel_id: string;
  external_id: string;
  leader: string | null;
  attrs: unknown;
  questions: unknown;
  rejoin_policy: string | null;
  auto_approve: unknown;
  language: string | null;
  form_code: string | null;
}

export function admissionOf(g: AdmissionRow): GroupAdmission {
  return {
    groupId: g.id,
    groupName: g.name,
    channelId: g.channel_id,
    externalId: g.external_id,
    reviewer: reviewerOf(g),
    formCode: g.form_code ?? null,
    questions: g.questions ? json<string[]>(g.questions) : DEFAULT_SETTINGS.questions,
    rejoinPolicy: (g.rejoin_policy as RejoinPolicy | null) ?? DEFAULT_SETTINGS.rejoinPolicy,
    autoApprove: g.auto_approve ? json<AutoApproveRule[]>(g.auto_approve) : DEFAULT_SETTINGS.autoApprove,
    language: (g.language as 'en' | 'zh' | null) ?? DEFAULT_SETTINGS.language,
  };
}

export async function saveSettings(db: Db, groupId: string, s: AdmissionSettings, actor: string | null): Promise<void> {
  const values = {
    questions: JSON.stringify(s.questions),
    rejoin_policy: s.rejoinPolicy,
    auto_approve: JSON.stringify(s.autoApprove),
    language: s.language,
    updated_by: actor,
    updated_at: new Date(),
  };
  await db
    .insertInto('admission_settings')
    .values({ group_id: groupId, ...values })
    .onConflict((oc) => oc.column('group_id').doUpdateSet(values))
    .execute();
}

/** A new form code for the group (the old address stops working); `open: false` closes the form. */
export async function setFormCode(db: Db, groupId: string, open: boolean, actor: string | null): Promise<string | null> {
  // 128 bits: the address is the only secret between a group's public form and everyone else.
  const code = open ? randomBytes(16).toString('base64url') : null;
  await db
    .insertInto('admission_settings')
    .values({ group_id: groupId, form_code: code, updated_by: actor })
    .onConflict((oc) => oc.column('group_id').doUpdateSet({ form_code: code, updated_by: actor, updated_at: new Date() }))
    .execute();
  return code;
}

export async function groupByFormCode(db: Db, code: string): Promise<GroupAdmission | undefined> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(code)) return undefined;
  const row = await db
    .selectFrom('admission_settings')
    .innerJoin('groups', 'groups.id', 'admission_settings.group_id')
    .select('group_id')
    .where('form_code', '=', code)
    .where('groups.status', '=', 'active')
    .executeTakeFirst();
  return row ? groupAdmission(db, row.group_id) : undefined;
}
