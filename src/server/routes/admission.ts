// Admission and the blacklist over HTTP. Applications: a leader (or the reviewer named in a
// group's `reviewer` attribute) sees and decides only their groups' applications; operators all.
// Application settings per group (questions, rejoin policy, automatic approval, the form's code)
// and the blacklist need `members.manage`... except reading a group's settings, which the
// group's readers may.

import { z } from 'zod';
import { MemberRefError, resolveMember } from '../../community/member-ref.ts';
import { readSettings, SettingsError } from '../../community/admission/settings.ts';
import { msg } from '../../i18n/index.ts';
import { AdmissionError, decideAdmission, listAdmissions } from '../../run/admission/admissions.ts';
import { addToBlacklist, listBlacklist, removeFromBlacklist } from '../../run/admission/blacklist.ts';
import { groupAdmission, saveSettings, setFormCode } from '../../run/admission/settings-store.ts';
import type { Db } from '../../store/db.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';

const tag = 'admission';
const IdParams = z.object({ id: z.string().min(1).max(100) });
const ListQuery = z.object({ state: z.enum(['pending', 'approved', 'rejected']).optional() });
const RejectBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const ApproveBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).optional();
const MemberBody = z.strictObject({ member: z.string().trim().min(1).max(300), reason: z.string().trim().min(1).max(500) });
const MemberParams = z.object({ member: z.string().min(1).max(300) });
const SettingsBody = z.strictObject({
  questions: z.array(z.string().max(300)).max(10).optional(),
  rejoinPolicy: z.enum(['allowed', 'review', 'never']).optional(),
  autoApprove: z.array(z.unknown()).max(20).optional(),
  language: z.enum(['en', 'zh']).optional(),
});
const FormBody = z.strictObject({ open: z.boolean() });

/** The domain's errors in the API's one shape. */
export function admissionApiError(e: unknown): never {
  if (e instanceof AdmissionError) throw new ApiError(e.status, e.code, e.text);
  if (e instanceof MemberRefError) throw new ApiError(404, 'unknown_member', e.text, { field: 'member' });
  if (e instanceof SettingsError) throw new ApiError(400, 'invalid_settings', e.text, { field: e.field });
  throw e;
}

async function group(db: Db, id: string) {
  const g = await db.selectFrom('groups').select(['id', 'leader']).where((eb) => eb.or([eb('id', '=', id), eb('external_id', '=', id)])).executeTakeFirst();
  if (!g) throw notFound(msg('thing.group', { id }));
  return g;
}

function settingsView(g: NonNullable<Awaited<ReturnType<typeof groupAdmission>>>) {
  return {
    group: g.groupId,
    questions: g.questions,
    rejoinPolicy: g.rejoinPolicy,
    autoApprove: g.autoApprove,
    language: g.language,
    reviewer: g.reviewer,
    formCode: g.formCode,
    formPath: g.formCode ? `/apply/${g.formCode}` : null,
  };
}

export function admissionRoutes(s: Services): Route[] {
  return [
    defineRoute<Record<string, never>, z.infer<typeof ListQuery>>({
      method: 'GET',
      path: '/api/admissions',
      tag,
      summary: 'Applications to join groups, pending first (a leader or reviewer: their groups only)',
      permission: 'admission.review',
      scoped: true,
      query: ListQuery,
      returns: '{admissions: [{id, member, name, contact, group, groupName, source, answers: [{question, answer}], state, reviewer, reason, decidedBy, decidedAt, createdAt}]}',
      async handler({ query, leader }) {
        return { admissions: await listAdmissions(s.db, { ...(query.state ? { state: query.state } : {}), ...(leader !== undefined ? { reviewer: leader } : {}) }) };
      },
    }),
    defineRoute<z.infer<typeof IdParams>, Record<string, never>, z.infer<typeof ApproveBody>>({
      method: 'POST',
      path: '/api/admissions/:id/approve',
      tag,
      summary: 'Approve an application: the person is let in (join request approved, or a personal invite link)',
      permission: 'admission.review',
      scoped: true,
      params: IdParams,
      body: ApproveBody,
      returns: '{ok: true}',
      async handler({ params, body, actor, leader }) {
        await s.db
          .transaction()
          .execute(async (trx) => {
            await decideAdmission(trx, params.id, { state: 'approved', ...(body?.reason ? { reason: body.reason } : {}), by: actor!.name, ...(leader !== undefined ? { leader } : {}) });
            await audit(trx, { actor: actor!.name, action: 'admission.approve', target: `admission:${params.id}`, detail: {} });
          })
          .catch(admissionApiError);
        s.wake?.();
        return { ok: true };
      },
    }),
    defineRoute<z.infer<typeof IdParams>, Record<string, never>, z.infer<typeof RejectBody>>({
      method: 'POST',
      path: '/api/admissions/:id/reject',
      tag,
      summary: 'Reject an application with a reason; the person is told politely where the platform allows',
      permission: 'admission.review',
      scoped: true,
      params: IdParams,
      body: RejectBody,
      returns: '{ok: true}',
      async handler({ params, body, actor, leader }) {
        await s.db
          .transaction()
          .execute(async (trx) => {
            await decideAdmission(trx, params.id, { state: 'rejected', reason: body.reason, by: actor!.name, ...(leader !== undefined ? { leader } : {}) });
            await audit(trx, { actor: actor!.name, action: 'admission.reject', target: `admission:${params.id}`, detail: { reason: body.reason } });
          })
          .catch(admissionApiError);
        s.wake?.();
        return { ok: true };
      },
    }),
    defineRoute<z.infer<typeof IdParams>>({
      method: 'GET',
      path: '/api/groups/:id/admission',
      tag,
      summary: "A group's application settings: questions, rejoin policy, automatic approval, reviewer, form address",
      permission: 'groups.read',
      scoped: true,
      params: IdParams,
      returns: '{group, questions, rejoinPolicy, autoApprove, language, reviewer, formCode, formPath}',
      async handler({ params, leader }) {
        const g = await group(s.db, params.id);
        if (leader !== undefined && g.leader !== leader) throw notFound(msg('thing.group', { id: params.id }));
        return settingsView((await groupAdmission(s.db, g.id))!);
      },
    }),
    defineRoute<z.infer<typeof IdParams>, Record<string, never>, z.infer<typeof SettingsBody>>({
      method: 'PATCH',
      path: '/api/groups/:id/admission',
      tag,
      summary: "Change a group's application settings",
      permission: 'groups.write',
      params: IdParams,
      body: SettingsBody,
      returns: 'the settings, as GET',
      async handler({ params, body, actor }) {
        const g = await group(s.db, params.id);
        await s.db
          .transaction()
          .execute(async (trx) => {
            const current = (await groupAdmission(trx, g.id))!;
            await saveSettings(trx, g.id, readSettings(current, body), actor!.name);
            await audit(trx, { actor: actor!.name, action: 'admission.settings', target: `group:${g.id}`, detail: body });
          })
          .catch(admissionApiError);
        return settingsView((await groupAdmission(s.db, g.id))!);
      },
    }),
    defineRoute<z.infer<typeof IdParams>, Record<string, never>, z.infer<typeof FormBody>>({
      method: 'POST',
      path: '/api/groups/:id/admission/form',
      tag,
      summary: "Open the group's public application form with a new address (the old one stops working), or close it",
      permission: 'groups.write',
      params: IdParams,
      body: FormBody,
      returns: 'the settings, as GET',
      async handler({ params, body, actor }) {
        const g = await group(s.db, params.id);
        await s.db.transaction().execute(async (trx) => {
          await setFormCode(trx, g.id, body.open, actor!.name);
          await audit(trx, { actor: actor!.name, action: body.open ? 'admission.form_open' : 'admission.form_close', target: `group:${g.id}`, detail: {} });
        });
        return settingsView((await groupAdmission(s.db, g.id))!);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/blacklist',
      tag,
      summary: 'The blacklist: members with the reason, who and when',
      permission: 'members.manage',
      returns: '{blacklist: [{member, name, reason, by, at, identities: [{channel, externalId}]}]}',
      async handler() {
        return { blacklist: await listBlacklist(s.db) };
      },
    }),
    defineRoute<Record<string, never>, Record<string, never>, z.infer<typeof MemberBody>>({
      method: 'POST',
      path: '/api/blacklist',
      tag,
      summary: 'Blacklist a member: removed (banned where the platform can) from every group they are in, their applications declined',
      permission: 'members.manage',
      body: MemberBody,
      status: 201,
      returns: '{member, groups, declined}',
      async handler({ body, actor, reply }) {
        const result = await s.db
          .transaction()
          .execute(async (trx) => {
            const member = await resolveMember(trx, body.member);
            const r = await addToBlacklist(trx, member, body.reason, actor!.name);
            await audit(trx, { actor: actor!.name, action: 'blacklist.add', target: `member:${member}`, detail: { reason: body.reason } });
            return { member, ...r };
          })
          .catch(admissionApiError);
        s.wake?.();
        return reply.status(201).send(result);
      },
    }),
    defineRoute<z.infer<typeof MemberParams>>({
      method: 'DELETE',
      path: '/api/blacklist/:member',
      tag,
      summary: 'Take a member off the blacklist; bans Chorus placed are lifted where the platform can',
      permission: 'members.manage',
      params: MemberParams,
      returns: '{member, unbanned}',
      async handler({ params, actor }) {
        const result = await s.db
          .transaction()
          .execute(async (trx) => {
            const member = await resolveMember(trx, params.member);
            const r = await removeFromBlacklist(trx, member, actor!.name);
            await audit(trx, { actor: actor!.name, action: 'blacklist.remove', target: `member:${member}`, detail: {} });
            return { member, ...r };
          })
          .catch(admissionApiError);
        s.wake?.();
        return result;
      },
    }),
  ];
}
