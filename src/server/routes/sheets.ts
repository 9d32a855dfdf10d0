// Sheets in the database, versioned: save, list, read one version, list versions.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { lintText } from '../../sop/lint/index.ts';
import { getSheetVersion, listSheets, listVersions, saveSheet } from '../../store/sheets.ts';
import type { AppContext } from '../app.ts';
import { notFound, validate } from '../errors.ts';

const SaveBody = z.strictObject({ yaml: z.string().min(1), file: z.string().optional() });
const IdParams = z.object({ id: z.string().min(1) });
const VersionParams = z.object({ id: z.string().min(1), version: z.coerce.number().int().positive() });

export function registerSheetRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;

  app.post('/api/sheets', async (req, reply) => {
    const body = validate(SaveBody, req.body, 'body');
    const saved = await saveSheet(db, { yaml: body.yaml, file: body.file, actor: req.actor?.name });
    const { findings } = lintText(body.yaml, body.file ?? `${saved.id}.yaml`);
    return reply.status(saved.created ? 201 : 200).send({ ...saved, findings });
  });

  app.get('/api/sheets', async () => ({ sheets: await listSheets(db) }));

  app.get('/api/sheets/:id', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const v = await getSheetVersion(db, id);
    if (!v) throw notFound(`Sheet "${id}"`);
    return v;
  });

  app.get('/api/sheets/:id/versions', async (req) => {
    const { id } = validate(IdParams, req.params, 'params');
    const versions = await listVersions(db, id);
    if (!versions.length) throw notFound(`Sheet "${id}"`);
    return { versions };
  });

  app.get('/api/sheets/:id/versions/:version', async (req) => {
    const { id, version } = validate(VersionParams, req.params, 'params');
    const v = await getSheetVersion(db, id, version);
    if (!v) throw notFound(`Version ${version} of sheet "${id}"`);
    return v;
  });
}
