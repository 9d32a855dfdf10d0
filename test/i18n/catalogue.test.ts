// The server's words: English and Chinese have exactly the same keys and the same placeholders,
// no text is empty, the Chinese is Chinese, and translate() renders nested texts and plurals.

import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en.ts';
import { msg, placeholders, render, translate } from '../../src/i18n/index.ts';
import { fromAcceptLanguage, requestLocale } from '../../src/i18n/locale.ts';
import zh from '../../src/i18n/zh.ts';

describe('server catalogue', () => {
  it('both languages have exactly the same keys', () => {
    const missingInZh = Object.keys(en).filter((k) => !(k in zh));
    const extraInZh = Object.keys(zh).filter((k) => !(k in en));
    expect({ missingInZh, extraInZh }).toEqual({ missingInZh: [], extraInZh: [] });
  });

  it('a key has the same placeholders in both languages, and no text is empty', () => {
    const mismatched = Object.keys(en).filter((k) => placeholders(en[k]).join() !== placeholders(zh[k] ?? '').join());
    expect(mismatched).toEqual([]);
    const empty = [...Object.entries(en), ...Object.entries(zh)].filter(([, v]) => !v.trim()).map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('a `_one` variant has its plain key', () => {
    expect(Object.keys(en).filter((k) => k.endsWith('_one') && !(k.slice(0, -4) in en))).toEqual([]);
  });

  it('the Chinese texts are Chinese (a text left in English is a missed translation)', () => {
    // Codes and states English operators know by name stay as they are only in English.
    const latinOnly = Object.entries(zh).filter(([, v]) => {
      const words = v.replace(/\{\w+\}/g, '').replace(/`[^`]*`/g, '');
      return /[A-Za-z]/.test(words) && !/[\u4e00-\u9fff]/.test(words);
    });
    expect(latinOnly.map(([k]) => k)).toEqual([]);
  });

  it('renders nested texts and the `_one` variant in the same language', () => {
    const refusal = msg('access.refusal', { who: msg('access.who.viewer'), what: msg('access.can.runs.write') });
    expect(render('en', refusal)).toBe('You are signed in as a viewer, which cannot start or change runs and broadcasts. Ask an owner or admin if you need it.');
    expect(render('zh', refusal)).toBe('你当前的身份是只读成员，不能发起或修改活动和群发。如确实需要，请联系所有者或管理员。');
    expect(translate('en', 'error.tooManySignIns', { count: 1 })).toBe('Too many failed sign-ins; try again in 1 minute.');
    expect(translate('en', 'error.tooManySignIns', { count: 3 })).toBe('Too many failed sign-ins; try again in 3 minutes.');
    expect(translate('zh', 'no.such.key')).toBe('no.such.key');
  });

  it('picks the language: header, then ?lang=, then Accept-Language, else English', () => {
    expect(requestLocale({ 'x-chorus-locale': 'zh' }, { lang: 'en' })).toBe('zh');
    expect(requestLocale({}, { lang: 'zh-CN' })).toBe('zh');
    expect(requestLocale({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' })).toBe('zh');
    expect(requestLocale({ 'accept-language': 'fr-FR, en;q=0.5, zh;q=0.4' })).toBe('en');
    expect(requestLocale({ 'accept-language': 'fr-FR' })).toBe('en');
    expect(requestLocale({ 'x-chorus-locale': 'de' })).toBe('en');
    expect(fromAcceptLanguage('en;q=0, zh-TW')).toBe('zh');
  });
});

describe('every text the server asks for exists', () => {
  it('each literal msg("key") in src/ is in the catalogue', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('i18n'));
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(join('src', f), 'utf8');
      for (const m of text.matchAll(/\bmsg\(\s*'([^']+)'/g)) if (!(m[1] in en)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('the keys built from names (roles, permissions, states) exist for every name', async () => {
    const { PERMISSIONS, ROLES } = await import('../../src/access/roles.ts');
    const { LEDGER_STATES } = await import('../../src/run/states.ts');
    const { NOTICE_ACTIONS } = await import('../../src/run/notices.ts');
    const keys = [
      ...ROLES.map((r) => `access.who.${r}`),
      ...PERMISSIONS.map((p) => `access.can.${p}`),
      ...LEDGER_STATES.map((s) => `ledger.state.${s}`),
      ...['running', 'paused', 'cancelled', 'completed'].map((s) => `run.state.${s}`),
      ...['running', 'paused', 'cancelled'].map((s) => `run.action.${s}`),
      ...[...NOTICE_ACTIONS].map((a) => `notice.what.${a}`),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it("the fields' descriptions say in English exactly what schema.ts says", async () => {
    const { FIELD_CHOICES, FIELD_HINTS } = await import('../../src/sop/schema.ts');
    for (const [field, words] of Object.entries(FIELD_HINTS)) {
      const values = FIELD_CHOICES[field];
      expect(translate('en', `parse.field.${field}`, values ? { values: values.join(', ') } : undefined)).toBe(words);
    }
  });
});
