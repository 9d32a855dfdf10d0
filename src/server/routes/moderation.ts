// Moderation and keyword alerts over HTTP (docs/insight.md#moderation, #keyword-alerts): the
// settings per community type or group, the moderation log (a leader: their groups') and its
// undo (a leader: in their groups), the keyword alerts, their hits and the command-center group.

import { z } from 'zod';
import { SelectorError } from '../../community/groups.ts';
import { msg } from '../../i18n/index.ts';
import { AlertError, addAlert, alertSettings, forgetCachedAlerts, listAlertHits, listAlerts, removeAlert, setAlertSettings } from '../../insight/alerts.ts';
import { forgetStoredScopes, listModeration, listModerationLog, ModerationScopeError, setModeration } from '../../insight/moderation.ts';
import { ModerationUndoError, undoModeration } from '../../insight/moderation-actions.ts';
import { DEFAULT_MODERATION, ModerationSettingsError } from '../../insight/rules/moderation-rules.ts';
import { MEMBER_ROLES } from '../../sop/audience.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';
import { sendTable, tableFormat } from '../table-export.ts';
import { alertHitsTable, moderationTable } from '../views/insight-tables.ts';

const tag = 'insight';
const SetBody = z.strictObject({
  groups: z.string().trim().min(1).max(500),
  /** A partial settings document (docs/insight.md#moderation), checked field by field. */
  settings: z.record(z.string(), z.unknown()).default({}),
  exemptRoles: z.array(z.enum(MEMBER_ROLES)).max(MEMBER_ROLES.length).optional(),
});
const LogQuery = z.object({ group: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(5000).optional(), format: tableFormat });
const IdParams = z.object({ id: z.coerce.number().int().min(1) });
const AlertBody = z.strictObject({ keyword: z.string().max(100), groups: z.string().trim().max(500).optional() });
const AlertParams = z.object({ id: z.string().min(1).max(100) });
const HitsQuery = z.object({ group: z.string().max(100).optional(), format: tableFormat });
const AlertSettingsBody = z.strictObject({ commandCenter: z.string().trim().max(200).nullable() });

function apiError(e: unknown): never {
  if (e instanceof ModerationSettingsError) {
    const first = e.problems[0]!;
    throw new ApiError(400, 'invalid_settings', msg('moderation.rejected', { count: e.problems.length, field: first.field, problem: first.message }), {
      field: first.field,
      problems: e.problems.map((p) => ({ field: p.field, message: p.message })),
    });
  }
  if (e instanceof SelectorError) throw new ApiError(400, 'invalid_selector', e.text, { field: 'groups' });
  if (e instanceof ModerationScopeError) throw new ApiError(400, 'no_groups', msg('moderation.noGroups', { selector: e.selector }), { field: 'groups' });
  if (e instanceof ModerationUndoError) throw new ApiError(e.status, e.code, e.text);
  if (e instanceof AlertError) throw new ApiError(400, 'invalid_alert', e.text, { field: e.field });
  throw e;
}

export function moderationRoutes(s: Pick<Services, 'db' | 'wake'>): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/moderation',
      tag,
      summary: 'Moderation settings per community type and group, with the groups each applies to (a leader: those of their groups)',
      permission: 'groups.read',
      scoped: true,
      returns: '{scopes: [{scope, groups, settings, exemptRoles}], defaults}',
      async handler({ leader }) {
        return { scopes: await listModeration(s.db, leader !== undefined ? { leader } : {}), defaults: DEFAULT_MODERATION };
      },
    }),
    defineRoute<Record<string, never>, Record<string, never>, z.infer<typeof SetBody>>({
      method: 'PUT',
      path: '/api/moderation',
      tag,
      summary: 'Set moderation for the groups a selector picks (`community:<type>` alone: the community type, now and later); a partial document keeps the rest',
      permission: 'groups.write',
      body: SetBody,
      returns: '{scopes: [{scope, groups, settings, exemptRoles}]}; 400 invalid_settings with field and problems: [{field, message}]',
      async handler({ body, actor }) {
        const scopes = await s.db
          .transaction()
          .execute(async (trx) => {
            const r = await setModeration(trx, body.groups, body.settings, { ...(body.exemptRoles ? { exemptRoles: body.exemptRoles } : {}), actor: actor!.name });
            await audit(trx, { actor: actor!.name, action: 'moderation.set', target: `groups:${body.groups}`, detail: body.settings });
            return r;
          })
          .catch(apiError);
        // Ingest in this process reads the new settings with its next message.
        forgetStoredScopes();
        return { scopes };
      },
    }),
    defineRoute<Record<string, never>, z.infer<typeof LogQuery>>({
      method: 'GET',
      path: '/api/moderation/log',
      tag,
      summary: 'The moderation log, newest first: every warning, mute, removal and undo (a leader: their groups)',
      permission: 'groups.read',
      scoped: true,
      query: LogQuery,
      returns:
        '{log: [{id, at, group, groupName, member, memberName, rule, action, deleted, text, match, blacklisted, undoneAt, undoneBy, undoes, undoable}]}; with format=csv|xlsx the same entries as a file',
      async handler({ query, leader, req, reply }) {
        const { format, ...filter } = query;
        const log = await listModerationLog(s.db, { ...filter, ...(format ? { limit: 5000 } : {}), ...(leader !== undefined ? { leader } : {}) });
        return format ? sendTable(reply, format, moderationTable(requestLocale(req.headers, req.query), log)) : { log };
      },
    }),
    defineRoute<z.infer<typeof IdParams>>({
      method: 'POST',
      path: '/api/moderation/log/:id/undo',
      tag,
      summary: 'Undo a moderation action: unmute, unban (and off the blacklist), or a warning that no longer counts; a deleted message cannot come back',
      permission: 'members.write',
      scoped: true,
      params: IdParams,
      returns: '{id, action, undo, note}',
      async handler({ params, actor, leader }) {
        const r = await s.db
          .transaction()
          .execute(async (trx) => {
            const done = await undoModeration(trx, params.id, { actor: actor!.name, ...(leader !== undefined ? { leader } : {}) });
            await audit(trx, { actor: actor!.name, action: 'moderation.undo', target: `moderation:${params.id}`, detail: { undo: done.undo } });
            return done;
          })
          .catch(apiError);
        s.wake?.();
        return r;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts',
      tag,
      summary: 'Keyword alerts with their hit counts, and the command-center group (a leader: the words, without the command-center group)',
      permission: 'groups.read',
      scoped: true,
      returns: '{alerts: [{id, keyword, groups, createdBy, createdAt, hits}], commandCenter}',
      async handler({ leader }) {
        const alerts = await listAlerts(s.db);
        return leader !== undefined ? { alerts, commandCenter: null } : { alerts, ...(await alertSettings(s.db)) };
      },
    }),
    defineRoute<Record<string, never>, Record<string, never>, z.infer<typeof AlertBody>>({
      method: 'POST',
      path: '/api/alerts',
      tag,
      summary: 'Add a keyword alert: a member message holding the word (case and width ignored) in the selected groups notifies the operators',
      permission: 'groups.write',
      body: AlertBody,
      status: 201,
      returns: '{id, keyword, groups, createdBy, createdAt, hits}',
      async handler({ body, actor, reply }) {
        const a = await s.db
          .transaction()
          .execute(async (trx) => {
            const made = await addAlert(trx, { keyword: body.keyword, ...(body.groups ? { groups: body.groups } : {}), actor: actor!.name });
            await audit(trx, { actor: actor!.name, action: 'alert.add', target: `alert:${made.id}`, detail: { keyword: made.keyword, groups: made.groups } });
            return made;
          })
          .catch(apiError);
        forgetCachedAlerts();
        return reply.status(201).send(a);
      },
    }),
    defineRoute<z.infer<typeof AlertParams>>({
      method: 'DELETE',
      path: '/api/alerts/:id',
      tag,
      summary: 'Remove a keyword alert',
      permission: 'groups.write',
      params: AlertParams,
      returns: '{ok: true}',
      async handler({ params, actor }) {
        const gone = await s.db.transaction().execute(async (trx) => {
          const r = await removeAlert(trx, params.id);
          if (r) await audit(trx, { actor: actor!.name, action: 'alert.remove', target: `alert:${params.id}`, detail: {} });
          return r;
        });
        forgetCachedAlerts();
        if (!gone) throw notFound(msg('thing.alert', { id: params.id }));
        return { ok: true };
      },
    }),
    defineRoute<Record<string, never>, z.infer<typeof HitsQuery>>({
      method: 'GET',
      path: '/api/alerts/hits',
      tag,
      summary: 'The messages that raised an alert, newest first (a leader: in their groups)',
      permission: 'groups.read',
      scoped: true,
      query: HitsQuery,
      returns: '{hits: [{alert, keyword, group, groupName, member, memberName, text, at, link}]}; with format=csv|xlsx the same hits as a file',
      async handler({ query, leader, req, reply }) {
        const hits = await listAlertHits(s.db, { ...(query.group ? { group: query.group } : {}), ...(leader !== undefined ? { leader } : {}) });
        return query.format ? sendTable(reply, query.format, alertHitsTable(requestLocale(req.headers, req.query), hits)) : { hits };
      },
    }),
    defineRoute<Record<string, never>, Record<string, never>, z.infer<typeof AlertSettingsBody>>({
      method: 'PUT',
      path: '/api/alerts/settings',
      tag,
      summary: 'Set (or with null clear) the command-center group that receives a message for every alert',
      permission: 'groups.write',
      body: AlertSettingsBody,
      returns: '{commandCenter}',
      async handler({ body, actor }) {
        return s.db
          .transaction()
          .execute(async (trx) => {
            const r = await setAlertSettings(trx, { commandCenter: body.commandCenter || null }, actor!.name);
            await audit(trx, { actor: actor!.name, action: 'alert.settings', target: 'settings:alerts', detail: { commandCenter: r.commandCenter } });
            return r;
          })
          .catch(apiError);
      },
    }),
  ];
}
