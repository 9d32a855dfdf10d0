// The sheet engine over HTTP: lint, plan, import a spreadsheet, the template library.

import { z } from 'zod';
import { IMPORT_LIMITS } from '../../sop/import/index.ts';
import { PlanError } from '../../sop/plan.ts';
import { findTemplate, listTemplates, readTemplate, TEMPLATE_LANGUAGES, type TemplateLanguage, templateLanguageOf } from '../../sop/templates.ts';
import { COMMUNITIES } from '../../sop/types.ts';
import { getSheetVersion } from '../../store/sheets.ts';
import type { Services } from '../services.ts';
import { msg } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/locale.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import { sheetWork } from '../sheet-work/index.ts';

/**
 * The upload route's own body limit: the largest workbook, base64 (4 bytes per 3), in JSON, with
 * room for the options. Every other route keeps the server's default (app.ts).
 */
export const IMPORT_BODY_LIMIT = Math.ceil((IMPORT_LIMITS.MAX_IMPORT_FILE_BYTES * 4) / 3) + 64 * 1024;

/** A preview is for people to read; runs (not previews) handle thousands of groups. */
const MAX_PREVIEW_GROUPS = 500;

const TemplateParams = z.object({ id: z.string().min(1) });
const TemplateQuery = z.object({ language: z.enum(TEMPLATE_LANGUAGES).optional() });

/** The reader's language: asked for, else the signed-in person's, else the browser's, else English. */
function readerLanguage(asked: TemplateLanguage | undefined, call: { actor?: { user?: { locale?: string } }; req: { headers: Record<string, unknown> } }): TemplateLanguage {
  const header = call.req.headers['accept-language'];
  return asked ?? templateLanguageOf(call.actor?.user?.locale) ?? templateLanguageOf(typeof header === 'string' ? header : undefined) ?? 'en';
}
const tag = 'sheets';

const LintBody = z.strictObject({ yaml: z.string(), file: z.string().optional() });

const PlanBody = z
  .strictObject({
    yaml: z.string().optional(),
    sheet: z.strictObject({ id: z.string(), version: z.number().int().positive().optional() }).optional(),
    anchor: z.string().min(1),
    groups: z
      .array(z.strictObject({ id: z.string().min(1), name: z.string().min(1), attrs: z.record(z.string(), z.string()).optional() }))
      .max(MAX_PREVIEW_GROUPS)
      .optional(),
    vars: z.record(z.string(), z.string()).optional(),
    timezone: z.string().optional(),
  })
  .refine((b) => (b.yaml === undefined) !== (b.sheet === undefined), {
    message: 'validate.yamlOrSheet',
    path: ['yaml'],
  });

const ImportBody = z.strictObject({
  fileName: z.string().regex(/\.(csv|xlsx)$/i, 'validate.spreadsheetName'),
  contentBase64: z.string().min(1),
  options: z
    .strictObject({
      sop: z.string().optional(),
      title: z.string().optional(),
      community: z.enum(COMMUNITIES).optional(),
      timezone: z.string().optional(),
      anchor: z.string().optional(),
      anchorDate: z.string().optional(),
    })
    .optional(),
});

export function sopRoutes(s: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/lint',
      tag,
      summary: 'Check a sheet: findings with rule, severity, line and a fix hint',
      returns: '{parsed, findings: [{rule, severity, line, column, message, hint}]}',
      permission: 'sheets.read',
      body: LintBody,
      async handler({ req, body }) {
        return sheetWork('lint', { yaml: body.yaml, file: body.file ?? 'sheet.yaml', locale: requestLocale(req.headers, req.query) });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/plan',
      tag,
      summary: 'Plan a sheet for up to 500 groups without starting anything',
      returns: '{sop, anchor, count, actions: [{step, occurrence, group, due, action, executor, text}]}',
      permission: 'sheets.read',
      body: PlanBody,
      async handler({ body }) {
        let yaml = body.yaml;
        let file = 'sheet.yaml';
        if (body.sheet) {
          const v = await getSheetVersion(s.db, body.sheet.id, body.sheet.version);
          if (!v) throw notFound(body.sheet.version ? msg('thing.sheetVersion', { id: body.sheet.id, version: body.sheet.version }) : msg('thing.sheet', { id: body.sheet.id }));
          yaml = v.yaml;
          file = `${v.id}@${v.version}.yaml`;
        }
        const groups = body.groups ?? [{ id: 'group-1', name: 'group-1' }];
        try {
          return await sheetWork('plan', { yaml: yaml ?? '', file, anchor: body.anchor, groups, vars: body.vars, timezone: body.timezone });
        } catch (e) {
          if (e instanceof PlanError) throw new ApiError(422, 'plan_failed', e.message, { problems: e.problems });
          throw e;
        }
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/import',
      tag,
      summary: 'Turn a spreadsheet (CSV or XLSX, base64) into a sheet; every unreadable row is reported',
      returns: '{yaml, notes, sop, steps}; 422 import_failed with problems per row',
      permission: 'sheets.read',
      body: ImportBody,
      bodyLimit: IMPORT_BODY_LIMIT,
      async handler({ body }) {
        const data = new Uint8Array(Buffer.from(body.contentBase64, 'base64'));
        const result = await sheetWork('import', { data, fileName: body.fileName, options: body.options });
        if (!result.ok) {
          const n = result.errors.length;
          throw new ApiError(422, 'import_failed', msg('error.importFailed', { count: n }), { problems: result.errors });
        }
        return { yaml: result.yaml, notes: result.notes, sop: result.sop, steps: result.steps };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/templates',
      tag,
      summary: "The template library, the reader's language first",
      returns: '{templates: [{id, title, description, community, steps, file, language}], language}',
      permission: 'sheets.read',
      query: TemplateQuery,
      async handler(call) {
        const language = readerLanguage(call.query.language, call);
        return { templates: listTemplates(language), language };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/templates/:id',
      tag,
      summary: "One template with its YAML, in the reader's language when it is written in it",
      permission: 'sheets.read',
      params: TemplateParams,
      query: TemplateQuery,
      async handler(call) {
        const { params } = call;
        const wanted = readerLanguage(call.query.language, call);
        // A template not (yet) translated is still offered in the language it exists in.
        const info = findTemplate(params.id, wanted) ?? TEMPLATE_LANGUAGES.map((l) => findTemplate(params.id, l)).find(Boolean);
        if (!info) throw notFound(msg('thing.template', { id: params.id }));
        return { ...info, yaml: readTemplate(params.id, info.language) };
      },
    }),
  ];
}
