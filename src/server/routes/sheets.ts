// Sheets in the database, versioned: save, list, read one version, list versions.

import { z } from 'zod';
import { requestLocale } from '../../i18n/locale.ts';
import { getSheetVersion, listSheets, listVersions, saveSheet } from '../../store/sheets.ts';
import type { Services } from '../services.ts';
import { audit } from '../audit.ts';
import { msg } from '../../i18n/index.ts';
import { notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { sheetWork } from '../sheet-work/index.ts';

const SaveBody = z.strictObject({ yaml: z.string().min(1), file: z.string().optional() });
const IdParams = z.object({ id: z.string().min(1) });
const VersionParams = z.object({ id: z.string().min(1), version: z.coerce.number().int().positive() });
const tag = 'sheets';

export function sheetRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/sheets',
      tag,
      summary: 'Save a sheet: a new version when the text changed',
      returns: '201 {id, version, created: true, findings} — or 200 with created: false when the text is unchanged',
      permission: 'sheets.write',
      body: SaveBody,
      status: 201,
      async handler({ req, body, actor, reply }) {
        // Parsed and linted in the worker pool; a sheet that cannot be read fails there with the
        // problems saveSheet would give, and nothing is stored.
        const { summary, findings } = await sheetWork('check', { yaml: body.yaml, file: body.file, locale: requestLocale(req.headers, req.query) });
        const saved = await saveSheet(s.db, {
          yaml: body.yaml,
          file: body.file,
          actor: actor?.name,
          checked: summary,
          onSaved: (trx, v) => audit(trx, { actor: actor!.name, action: 'sheet.save', target: `sheet:${v.id}@${v.version}`, detail: { id: v.id, version: v.version } }),
        });
        return reply.status(saved.created ? 201 : 200).send({ ...saved, findings });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sheets',
      tag,
      summary: 'The sheets with their latest version',
      returns: '{sheets: [{id, title, community, latestVersion, …}]}',
      permission: 'sheets.read',
      async handler() {
        return { sheets: await listSheets(s.db) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sheets/:id',
      tag,
      summary: 'The latest version of a sheet, with its YAML',
      permission: 'sheets.read',
      params: IdParams,
      async handler({ params }) {
        const v = await getSheetVersion(s.db, params.id);
        if (!v) throw notFound(msg('thing.sheet', { id: params.id }));
        return v;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sheets/:id/versions',
      tag,
      summary: 'The versions of a sheet, newest first',
      permission: 'sheets.read',
      params: IdParams,
      async handler({ params }) {
        const versions = await listVersions(s.db, params.id);
        if (!versions.length) throw notFound(msg('thing.sheet', { id: params.id }));
        return { versions };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sheets/:id/versions/:version',
      tag,
      summary: 'One version of a sheet, with its YAML',
      permission: 'sheets.read',
      params: VersionParams,
      async handler({ params }) {
        const v = await getSheetVersion(s.db, params.id, params.version);
        if (!v) throw notFound(msg('thing.versionOfSheet', { id: params.id, version: params.version }));
        return v;
      },
    }),
  ];
}
