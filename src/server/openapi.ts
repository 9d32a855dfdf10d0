// The OpenAPI 3.1 document, generated from the route registry: every route with its permission,
// its leader scoping and the JSON Schema of its params, query and body (zod 4's toJSONSchema; the
// input side, as a caller writes it). Nothing is written by hand, so it cannot drift.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Route } from './registry.ts';

type Json = Record<string, unknown>;

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function schemaOf(s: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

/** `/api/runs/:id` → `/api/runs/{id}` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(r: Route): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    if (!schema) continue;
    const js = schemaOf(schema);
    const props = (js.properties ?? {}) as Record<string, Json>;
    const required = new Set((js.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: s, ...(s.description ? { description: s.description } : {}) });
    }
  }
  return out;
}

const ERROR = { $ref: '#/components/schemas/Error' };

export function openApiDocument(routes: readonly Route[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const p = openApiPath(r.path);
    paths[p] ??= {};
    const status = String(r.status ?? 200);
    const responses: Record<string, Json> = {
      [status]: { description: r.returns ?? 'OK' },
      '400': { description: 'The request is not valid: `field` and `reason` say where and what', content: { 'application/json': { schema: ERROR } } },
    };
    if (r.permission !== 'public') {
      responses['401'] = { description: 'Not signed in, or the token is not valid', content: { 'application/json': { schema: ERROR } } };
      responses['403'] = { description: 'The role may not do this (or, signed in by cookie, the x-csrf-token header is missing)', content: { 'application/json': { schema: ERROR } } };
    }
    if (r.rateLimit) responses['429'] = { description: 'Too many failed attempts: `retryAfterSeconds`', content: { 'application/json': { schema: ERROR } } };
    paths[p][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-permission': r.permission,
      ...(r.scoped ? { 'x-leader-scoped': true } : {}),
      ...(r.permission === 'public' ? { security: [] } : {}),
      parameters: parameters(r),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chorus API',
      version: VERSION,
      description:
        'Every route names the permission it needs (x-permission). Leaders see only the groups they lead (x-leader-scoped). ' +
        'Sign in with the chorus_session cookie (then send x-csrf-token on every non-GET request) or with a bearer token.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: "The data folder's admin token, or a personal token (POST /api/tokens)" },
        session: { type: 'apiKey', in: 'cookie', name: 'chorus_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                field: { type: 'string' },
                reason: { type: 'string' },
                problems: { type: 'array', items: {} },
                retryAfterSeconds: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  };
}
