// Members and orders from CSV over HTTP: POST /api/members/import and POST /api/orders/import.
// The file comes as base64 in JSON, as the sheet import's does (routes/sop.ts), with a body
// limit sized to the people import's file cap. The answer is always {created|imported, updated,
// errors}: with errors nothing was written (see src/community/member-import.ts), and each error
// names its row (as Excel numbers it) in the request's language.

import { z } from 'zod';
import { workspaceTimezone } from '../../config.ts';
import { PEOPLE_IMPORT_LIMITS, type RowProblem, readMemberCsv, readOrderCsv } from '../../community/imports/people-csv.ts';
import { importMembers } from '../../community/member-import.ts';
import { importOrders } from '../../community/orders.ts';
import { type Locale, render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { audit } from '../audit.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';

/** The largest file, base64 (4 bytes per 3), in JSON. */
export const PEOPLE_IMPORT_BODY_LIMIT = Math.ceil((PEOPLE_IMPORT_LIMITS.MAX_BYTES * 4) / 3) + 64 * 1024;

const ImportBody = z.strictObject({
  fileName: z.string().max(255).regex(/\.(csv|txt|tsv)$/i, 'validate.csvName').optional(),
  contentBase64: z.string().min(1),
});

const tag = 'members';

const file = (name: string | undefined) => (name ? { file: name } : {});

export function wordErrors(errors: readonly RowProblem[], locale: Locale): { row: number; message: string }[] {
  return errors.map((e) => ({ row: e.row, message: render(locale, e.message) }));
}

export function peopleImportRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/members/import',
      tag,
      summary: 'Import members from CSV (base64): identity by member, phone or e-mail; name; attribute columns. All or nothing',
      returns: '{created, updated, errors: [{row, message}]} — with errors, nothing was written',
      permission: 'members.manage',
      body: ImportBody,
      bodyLimit: PEOPLE_IMPORT_BODY_LIMIT,
      async handler({ req, body, actor }) {
        const data = new Uint8Array(Buffer.from(body.contentBase64, 'base64'));
        const result = await importMembers(s.db, readMemberCsv(data), {
          at: s.now(),
          actor: actor?.name,
          inTransaction: (trx, o) => audit(trx, { actor: actor?.name ?? 'unknown', action: 'members.import', detail: { ...file(body.fileName), created: o.created, updated: o.updated } }),
        });
        return { created: result.created, updated: result.updated, errors: wordErrors(result.errors, requestLocale(req.headers, req.query)) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/orders/import',
      tag,
      summary: 'Import orders from CSV (base64), idempotent by order id; local times in the workspace zone (CHORUS_TIMEZONE). All or nothing',
      returns: '{imported, updated, errors: [{row, message}]} — with errors, nothing was written',
      permission: 'members.manage',
      body: ImportBody,
      bodyLimit: PEOPLE_IMPORT_BODY_LIMIT,
      async handler({ req, body, actor }) {
        const data = new Uint8Array(Buffer.from(body.contentBase64, 'base64'));
        const result = await importOrders(s.db, readOrderCsv(data, workspaceTimezone()), 'csv', (trx, o) =>
          audit(trx, { actor: actor?.name ?? 'unknown', action: 'orders.import', detail: { ...file(body.fileName), imported: o.imported, updated: o.updated } }),
        );
        return { imported: result.imported, updated: result.updated, errors: wordErrors(result.errors, requestLocale(req.headers, req.query)) };
      },
    }),
  ];
}
