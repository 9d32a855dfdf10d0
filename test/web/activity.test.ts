// The activity log in words: every action the server records has words in both languages, and a
// target reads by name (a task: its group and run), never as `ledger:111`.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../web/src/i18n/en/activity.ts';
import enRuns from '../../web/src/i18n/en/runs.ts';
import { pick } from '../../web/src/i18n/format.ts';
import zh from '../../web/src/i18n/zh/activity.ts';
import zhRuns from '../../web/src/i18n/zh/runs.ts';
import { type AuditEntry, actionKey, actionText, targetText } from '../../web/src/pages/team/team-access.ts';

const catalog = (a: Record<string, string>, r: Record<string, string>) => ({
  ...Object.fromEntries(Object.entries(a).map(([k, v]) => [`activity.${k}`, v])),
  ...Object.fromEntries(Object.entries(r).map(([k, v]) => [`runs.${k}`, v])),
});
const EN = catalog(en, enRuns);
const ZH = catalog(zh, zhRuns);
const tEn = (key: string, vars?: Record<string, string | number>) => pick(EN, EN, key, vars);
const tZh = (key: string, vars?: Record<string, string | number>) => pick(ZH, EN, key, vars);

/** The action codes the server writes to the audit log (`action: 'x.y'` in an audit(...) call). */
function auditedActions(): string[] {
  const found = new Set<string>();
  for (const f of readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.ts'))) {
    const text = readFileSync(join('src', f), 'utf8');
    for (const m of text.matchAll(/audit\([^;]*?action: '([a-z]+\.[a-z_]+)'/gs)) found.add(m[1]);
  }
  return [...found].sort();
}

const entry = (over: Partial<AuditEntry>): AuditEntry => ({ id: 1, at: '2026-11-22T10:00:00.000Z', actor: 'linwei', action: 'task.done', target: 'ledger:111', detail: null, ...over });

describe('activity log words', () => {
  it('every audited action has words in English and Chinese', () => {
    const actions = auditedActions();
    expect(actions).toEqual(expect.arrayContaining(['task.done', 'run.start', 'broadcast.create', 'user.role']));
    const key = (a: string) => actionKey(a).slice('activity.'.length);
    expect(actions.filter((a) => !(key(a) in en) || !(key(a) in zh))).toEqual([]);
  });

  it('says what was done, and shows an unknown action by its code', () => {
    expect(actionText(tEn, 'task.done')).toEqual({ text: 'marked a task done', known: true });
    expect(actionText(tZh, 'task.done')).toEqual({ text: '完成了任务', known: true });
    expect(actionText(tZh, 'ledger.frobnicate')).toEqual({ text: 'ledger.frobnicate', known: false });
  });

  it('names the target: a task by its group and run, a broadcast as one, a gone target by its id', () => {
    const task = entry({ targetName: { kind: 'task', name: 'Beijing fans 3', context: 'Camp 7 days', runKind: 'run' } });
    expect(targetText(tEn, task)).toEqual({ kind: 'Task in group', name: 'Beijing fans 3 · Camp 7 days' });
    expect(targetText(tZh, task)).toEqual({ kind: '群内任务', name: 'Beijing fans 3 · Camp 7 days' });
    const bc = entry({ targetName: { kind: 'task', name: 'G1', context: 'Pin the rules', runKind: 'broadcast' } });
    expect(targetText(tZh, bc)?.name).toBe('G1 · 群发：Pin the rules');
    expect(targetText(tEn, entry({ action: 'user.role', target: 'user:linwei', targetName: { kind: 'user', name: 'Lin Wei' } }))).toEqual({ kind: 'Person', name: 'Lin Wei' });
    expect(targetText(tZh, entry({ targetName: null }))).toEqual({ kind: '已不存在', name: 'ledger:111' });
    expect(targetText(tEn, entry({ target: null, targetName: null }))).toBeNull();
  });
});
