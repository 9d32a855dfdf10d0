// The people rules over HTTP (docs/people-rules.md): read them with their defaults and their JSON
// schema, change them (checked field by field; every member is then recomputed in the
// background), and follow that recompute.

import { z } from 'zod';
import { msg } from '../../i18n/index.ts';
import { loadRules, recomputeStatus, saveRules, startRecompute } from '../../community/standing/apply.ts';
import { DEFAULT_RULES, readRules, RulesError, rulesJsonSchema } from '../../community/standing/rules.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../errors.ts';
import { defineRoute, type Route } from '../registry.ts';
import type { Services } from '../services.ts';

const tag = 'people';

export function peopleSettingsRoutes(s: Pick<Services, 'db'> & { log?: (line: string) => void }): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/settings/people',
      tag,
      summary: 'The people rules (stages, levels, rule-based tags, points rules) and their defaults',
      returns: '{rules, defaults, updatedAt, updatedBy, recompute: {state, done, total}}',
      permission: 'members.read',
      // The rules are the workspace's, not any group's: a leader reads the same document.
      scoped: true,
      async handler() {
        const stored = await loadRules(s.db);
        const status = recomputeStatus(s.db);
        return {
          rules: stored.rules,
          defaults: DEFAULT_RULES,
          updatedAt: stored.updatedAt?.toISOString() ?? null,
          updatedBy: stored.updatedBy ?? null,
          recompute: { state: status.state, done: status.done, total: status.total },
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/settings/people',
      tag,
      summary: 'Replace the people rules (a partial document is laid over the defaults); every member is recomputed in the background',
      returns: '{rules, defaults, recompute: {state, done, total}}; 400 rules_invalid with field and problems: [{field, message}]',
      permission: 'members.manage',
      // Checked by readRules, which names every wrong field (the registry's check would stop at the first).
      body: z.unknown(),
      async handler({ body, actor }) {
        let rules: ReturnType<typeof readRules>;
        try {
          rules = readRules(body);
        } catch (e) {
          if (!(e instanceof RulesError)) throw e;
          const first = e.problems[0]!;
          throw new ApiError(400, 'rules_invalid', msg('standing.rules.rejected', { count: e.problems.length, field: first.field, problem: first.message }), {
            field: first.field,
            problems: e.problems.map((p) => ({ field: p.field, message: p.message })),
          });
        }
        await s.db.transaction().execute(async (trx) => {
          await saveRules(trx, rules, actor!.name);
          await audit(trx, { actor: actor!.name, action: 'settings.people', target: 'settings:people', detail: {} });
        });
        const status = startRecompute(s.db, s.log ? { log: s.log } : {});
        return { rules, defaults: DEFAULT_RULES, recompute: { state: status.state, done: status.done, total: status.total } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/settings/people/recompute',
      tag,
      summary: 'How far the recompute after the last rules change is',
      returns: '{state: idle|running|done|failed, done, total, startedAt?, finishedAt?, error?}',
      permission: 'members.read',
      scoped: true,
      async handler() {
        const { result: _result, ...status } = recomputeStatus(s.db);
        return status;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/settings/people/schema',
      tag,
      summary: 'The JSON schema of the people rules document',
      returns: 'a JSON schema (draft 2020-12)',
      permission: 'members.read',
      scoped: true,
      async handler() {
        return rulesJsonSchema();
      },
    }),
  ];
}
