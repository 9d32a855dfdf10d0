// The console's strings: English and Chinese have the same keys and the same placeholders in
// every area file, and t()'s choice of text (plural "_one", fallback, interpolation) holds.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, collect, interpolate, pick, placeholders } from '../../web/src/i18n/format.ts';

const dir = join(import.meta.dirname, '../../web/src/i18n');

async function load(locale: 'en' | 'zh'): Promise<{ files: string[]; catalog: Catalog }> {
  const files = readdirSync(join(dir, locale)).filter((f) => f.endsWith('.ts')).sort();
  const modules: Record<string, { default: Record<string, string> }> = {};
  for (const f of files) modules[`./${locale}/${f}`] = await import(join(dir, locale, f));
  return { files, catalog: collect(modules) };
}

describe('console strings', async () => {
  const en = await load('en');
  const zh = await load('zh');

  it('every area file exists in both languages', () => {
    expect(zh.files).toEqual(en.files);
    expect(en.files).toEqual(expect.arrayContaining(['common.ts', 'session.ts', 'home.ts', 'sheets.ts', 'groups.ts', 'channels.ts']));
  });

  it('both languages have exactly the same keys', () => {
    const missingInZh = Object.keys(en.catalog).filter((k) => !(k in zh.catalog));
    const extraInZh = Object.keys(zh.catalog).filter((k) => !(k in en.catalog));
    expect({ missingInZh, extraInZh }).toEqual({ missingInZh: [], extraInZh: [] });
  });

  it('a key has the same placeholders in both languages, and no text is empty', () => {
    const mismatched = Object.keys(en.catalog).filter((k) => placeholders(en.catalog[k]).join() !== placeholders(zh.catalog[k] ?? '').join());
    expect(mismatched).toEqual([]);
    const empty = [...Object.entries(en.catalog), ...Object.entries(zh.catalog)].filter(([, v]) => !v.trim()).map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('the Chinese texts are Chinese (a string left in English is a missed translation)', () => {
    // Brand and platform names may stay as they are: Telegram, WeCom field names, EN/CorpID …
    const latinOnly = Object.entries(zh.catalog).filter(([, v]) => {
      const words = v.replace(/\{\w+\}/g, '');
      return /[A-Za-z]/.test(words) && !/[\u4e00-\u9fff]/.test(words);
    });
    const allowed = new Set(['common.kind_telegram', 'channels.field_wecom_aesKey', 'channels.field_wechaty_puppet', 'channels.field_wechaty_puppetToken']);
    expect(latinOnly.map(([k]) => k).filter((k) => !allowed.has(k))).toEqual([]);
  });

  it('uses the "_one" text for a count of 1, the plain one otherwise, and fills placeholders', () => {
    expect(pick(en.catalog, en.catalog, 'sheets.stepCount', { count: 1 })).toBe('1 step');
    expect(pick(en.catalog, en.catalog, 'sheets.stepCount', { count: 7 })).toBe('7 steps');
    expect(pick(zh.catalog, en.catalog, 'sheets.stepCount', { count: 7 })).toBe('7 个步骤');
    expect(pick(zh.catalog, en.catalog, 'groups.showing', { shown: 3, total: 12 })).toBe('显示 3 / 12 个群');
  });

  it('falls back to English, then to the key itself, so nothing is blank', () => {
    expect(pick({}, en.catalog, 'common.save')).toBe('Save');
    expect(pick({}, {}, 'no.such.key')).toBe('no.such.key');
  });

  it('leaves an unknown placeholder visible', () => {
    expect(interpolate('Hi {name}, {missing}', { name: 'Ann' })).toBe('Hi Ann, {missing}');
    expect(interpolate('no vars {x}')).toBe('no vars {x}');
  });
});
