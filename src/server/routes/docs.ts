// The API's documentation: the OpenAPI document at /api/openapi.json and a readable page at
// /api/docs, both made from the route registry. The page is plain HTML with no outside assets,
// so it works on a server without internet access.

import type { Services } from '../services.ts';
import { openApiDocument } from '../openapi.ts';
import { defineRoute, type Route } from '../registry.ts';

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

type Op = { summary: string; tags: string[]; 'x-permission': string; 'x-leader-scoped'?: boolean; parameters: { name: string; in: string; required: boolean }[]; requestBody?: { content: { 'application/json': { schema: unknown } } }; responses: Record<string, { description: string }> };

/** The page: one section per tag, one entry per route, with its input schemas folded away. */
export function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const paths = doc.paths as Record<string, Record<string, Op>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters.map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})`).join(', ');
      const body = op.requestBody ? `<details><summary>body schema</summary><pre>${esc(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2))}</pre></details>` : '';
      const ok = Object.entries(op.responses).find(([code]) => code.startsWith('2'));
      const entry = `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>
<p class="meta">permission: <b>${esc(op['x-permission'])}</b>${op['x-leader-scoped'] ? ' · a leader sees only their own groups' : ''}${params ? ` · parameters: ${params}` : ''}</p>
${ok ? `<p class="meta">answer: ${esc(ok[1].description)}</p>` : ''}${body}</section>`;
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
    }
  }
  const info = doc.info as { title: string; version: string; description: string };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h2{border-bottom:1px solid #ddd;margin-top:2.5rem}h3{margin:1.2rem 0 .2rem;font-size:1rem}.meta{color:#555;margin:.1rem 0}
.m{display:inline-block;min-width:4.2rem;font-size:.8rem;padding:.1rem .4rem;border-radius:4px;color:#fff;background:#555;text-align:center}
.get{background:#2b7a3d}.post{background:#1f5fbf}.patch{background:#a36200}.delete{background:#b3261e}
pre{background:#f5f5f7;padding:.6rem;overflow:auto;font-size:.8rem}code{font-size:.9em}</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p><p>Errors: <code>{"error": {"code", "message", "field"?, "reason"?, "problems"?}}</code>. Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
${[...byTag].map(([tag, entries]) => `<h2>${esc(tag)}</h2>${entries.join('\n')}`).join('\n')}
</body></html>`;
}

export function docsRoutes(_s: Services, table: () => readonly Route[]): Route[] {
  let cached: ReturnType<typeof openApiDocument> | undefined;
  const doc = () => {
    cached ??= openApiDocument(table());
    return cached;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/openapi.json',
      tag: 'documentation',
      summary: 'This API as an OpenAPI 3.1 document',
      permission: 'public',
      async handler() {
        return doc();
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/docs',
      tag: 'documentation',
      summary: 'This API as a readable page',
      permission: 'public',
      async handler({ reply }) {
        return reply.type('text/html; charset=utf-8').send(docsPage(doc()));
      },
    }),
  ];
}
