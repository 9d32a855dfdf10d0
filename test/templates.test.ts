import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { lintText } from '../src/sop/lint/index.ts';
import { parseSheet } from '../src/sop/parse.ts';
import { plan } from '../src/sop/plan.ts';
import { findTemplate, listTemplates, readTemplate, TEMPLATE_LANGUAGES, type TemplateLanguage, templatesDir } from '../src/sop/templates.ts';
import type { Community, Sheet } from '../src/sop/types.ts';

/** The templates the library promises (issue 2), with the community each one is for. */
const REQUIRED: Record<string, Community | Community[]> = {
  'fission-48h': 'lead',
  'newcomer-7d': 'newcomer',
  'camp-7d': 'training_camp',
  'delivery-group': 'delivery',
  'fans-monthly': 'fans',
  'local-event-month': 'local',
  'three-day-conversion': ['training_camp', 'lead'],
  'event-announcement-50': ['lead', 'newcomer', 'training_camp', 'delivery', 'fans', 'local'],
};

const yamlFiles = readdirSync(templatesDir()).filter((f) => f.endsWith('.yaml'));
const zhFiles = readdirSync(templatesDir('zh')).filter((f) => f.endsWith('.yaml'));
/** `[language, file]` for every template file. */
const allFiles: [TemplateLanguage, string][] = [...yamlFiles.map((f) => ['en', f] as [TemplateLanguage, string]), ...zhFiles.map((f) => ['zh', f] as [TemplateLanguage, string])];

function load(id: string, language: TemplateLanguage = 'en'): Sheet {
  return parseSheet(readTemplate(id, language), `${id}.yaml`).sheet;
}

const CJK = /[\u4e00-\u9fff]/;

/** A plausible value for every variable a run must supply: links look like links, the rest like words. */
function requiredVars(sheet: Sheet): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, spec] of Object.entries(sheet.vars)) {
    if (!spec.required) continue;
    vars[name] = /link$/.test(name) ? `https://example.com/${name}` : `Sample ${name.replace(/_/g, ' ')}`;
  }
  return vars;
}

describe('template library', () => {
  it('has at least eight templates, including every one the issue asks for', () => {
    const ids = listTemplates().map((t) => t.id);
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(ids).toEqual(expect.arrayContaining(Object.keys(REQUIRED)));
  });

  it('lists every YAML file in templates/ and templates/zh/, each language sorted by id, with what the sheet says', () => {
    const list = listTemplates();
    const en = list.filter((t) => t.language === 'en');
    const zh = list.filter((t) => t.language === 'zh');
    expect(en.map((t) => `${t.id}.yaml`).sort()).toEqual([...yamlFiles].sort());
    expect(zh.map((t) => `${t.id}.yaml`).sort()).toEqual([...zhFiles].sort());
    expect(list).toHaveLength(en.length + zh.length);
    for (const part of [en, zh]) expect(part.map((t) => t.id)).toEqual([...part.map((t) => t.id)].sort());
    for (const t of list) {
      const { sheet } = parseSheet(readFileSync(t.file, 'utf8'), t.file);
      expect(isAbsolute(t.file)).toBe(true);
      expect(t).toEqual({
        id: sheet.sop,
        title: sheet.title,
        description: sheet.description,
        community: sheet.community,
        steps: sheet.steps.length,
        file: join(templatesDir(t.language), `${sheet.sop}.yaml`),
        language: t.language,
      });
    }
  });

  it("lists the reader's language first", () => {
    expect(listTemplates('zh').slice(0, zhFiles.length).every((t) => t.language === 'zh')).toBe(true);
    expect(listTemplates('en').slice(0, yamlFiles.length).every((t) => t.language === 'en')).toBe(true);
    expect(listTemplates()[0].language).toBe('en');
    expect(TEMPLATE_LANGUAGES).toEqual(['en', 'zh']);
  });

  it('has every template in Chinese too, with the same id, community, steps and variables', () => {
    expect([...zhFiles].sort()).toEqual([...yamlFiles].sort());
    for (const file of yamlFiles) {
      const id = file.slice(0, -'.yaml'.length);
      const en = load(id, 'en');
      const zh = load(id, 'zh');
      expect(zh.community, id).toBe(en.community);
      expect(zh.steps.map((s) => `${s.id} ${s.do} ${s.whenText} ${s.kind ?? ''} ${s.by ?? ''}`), id).toEqual(
        en.steps.map((s) => `${s.id} ${s.do} ${s.whenText} ${s.kind ?? ''} ${s.by ?? ''}`),
      );
      expect(Object.keys(zh.vars).sort(), id).toEqual(Object.keys(en.vars).sort());
      expect(findTemplate(id, 'zh')?.language).toBe('zh');
    }
  });

  it('writes the Chinese templates in Chinese: title, description, anchor, every text and every variable description', () => {
    for (const file of zhFiles) {
      const sheet = load(file.slice(0, -'.yaml'.length), 'zh');
      expect(sheet.title, file).toMatch(CJK);
      expect(sheet.description ?? '', file).toMatch(CJK);
      expect(sheet.anchor, file).toMatch(CJK);
      for (const [name, spec] of Object.entries(sheet.vars)) expect(spec.description ?? '', `${file} ${name}`).toMatch(CJK);
      for (const s of sheet.steps) {
        for (const t of [s.text, s.note, ...(s.questions ?? [])]) if (t) expect(t, `${file} ${s.id}`).toMatch(CJK);
      }
    }
  });

  it('gives every variable of every template a description', () => {
    for (const [language, file] of allFiles) {
      const sheet = load(file.slice(0, -'.yaml'.length), language);
      for (const [name, spec] of Object.entries(sheet.vars)) expect(spec.description, `${language}/${file} ${name}`).toBeTruthy();
    }
  });

  it('never tells operators about the source articles ("seed 000") in what they read', () => {
    for (const t of listTemplates()) {
      expect(`${t.title} ${t.description}`, t.file).not.toMatch(/seed\s*\d/i);
      expect(readFileSync(t.file, 'utf8'), t.file).not.toMatch(/seed 0\d\d/i);
    }
  });

  it.each(yamlFiles)('%s parses, and its file name is its sop id', (file) => {
    const text = readFileSync(join(templatesDir(), file), 'utf8');
    const { sheet } = parseSheet(text, file);
    expect(`${sheet.sop}.yaml`).toBe(file);
  });

  it.each(allFiles)('%s/%s has a description of one or two sentences', (language, file) => {
    const { sheet } = parseSheet(readFileSync(join(templatesDir(language), file), 'utf8'), file);
    expect(sheet.description ?? '').not.toBe('');
    const sentences = (sheet.description ?? '').split(/[.!?](?:\s|$)|[。！？]/).filter((s) => s.trim());
    expect(sentences.length).toBeGreaterThanOrEqual(1);
    expect(sentences.length).toBeLessThanOrEqual(2);
  });

  it('gives each required template the community it is for, in both languages', () => {
    for (const [id, community] of Object.entries(REQUIRED)) {
      const allowed = Array.isArray(community) ? community : [community];
      expect(allowed, id).toContain(load(id).community);
      expect(allowed, id).toContain(load(id, 'zh').community);
    }
  });
});

describe('readTemplate', () => {
  it('returns the YAML text of a template, as stored, in its language', () => {
    for (const t of listTemplates()) {
      expect(readTemplate(t.id, t.language)).toBe(readFileSync(t.file, 'utf8'));
    }
    expect(readTemplate('camp-7d', 'zh')).toMatch(/训练营/);
  });

  it('throws a plain error naming an unknown id and the ids that exist', () => {
    expect(() => readTemplate('camp-70d')).toThrow(/no template called "camp-70d".*camp-7d/);
  });

  it('never reads outside templates/', () => {
    expect(() => readTemplate('../package')).toThrow(/no template called/);
    expect(() => readTemplate('camp-7d.yaml')).toThrow(/no template called/);
    expect(() => readTemplate('')).toThrow(/no template called/);
  });
});

describe('templates follow the articles', () => {
  it('newcomer-7d reaches each member relative to their own join time', () => {
    const sheet = load('newcomer-7d');
    const after = sheet.steps.flatMap((s) =>
      s.when.kind === 'event' && s.when.event === 'member_join' ? [s.whenText] : [],
    );
    expect(after).toEqual(
      expect.arrayContaining(['on member_join after 10m', 'on member_join after 1d at 19:30', 'on member_join after 3d at 19:30']),
    );
    expect(sheet.steps.some((s) => s.kind === 'conversion')).toBe(false);
  });

  it('camp-7d gives the teaching assistant tasks with words to paste, and ends with a survey', () => {
    const sheet = load('camp-7d');
    const assistant = sheet.steps.filter((s) => s.by === 'assistant' && s.do === 'task');
    expect(assistant.length).toBeGreaterThanOrEqual(3);
    for (const s of assistant) expect(s.text, s.id).toMatch(/["“].+["”]/s);
    expect(sheet.steps.some((s) => s.do === 'checkin')).toBe(true);
    expect(sheet.steps.at(-1)?.do).toBe('survey');
  });

  it('fans-monthly has a weekly Friday post and sells nothing', () => {
    const sheet = load('fans-monthly');
    expect(sheet.steps.some((s) => s.when.kind === 'every' && Array.isArray(s.when.days) && s.when.days.join() === '5')).toBe(true);
    expect(sheet.steps.some((s) => s.kind === 'conversion')).toBe(false);
  });

  it('event-announcement-50 has every group message done by the leader within a window', () => {
    const sheet = load('event-announcement-50');
    const inGroup = sheet.steps.filter((s) => s.do === 'post' || s.do === 'announce');
    expect(inGroup.length).toBeGreaterThanOrEqual(5);
    for (const s of inGroup) {
      expect(s.by, s.id).toBe('leader');
      expect(s.windowMinutes, s.id).toBeGreaterThan(0);
    }
  });

  it('fission-48h disbands its group within 48 hours of creating it', () => {
    const sheet = load('fission-48h');
    const at = (action: string) => {
      const w = sheet.steps.find((s) => s.do === action)?.when;
      if (w?.kind !== 'day') throw new Error(`fission-48h needs a ${action} step at a fixed day and time`);
      return w.day * 1440 + w.minute;
    };
    const hours = (at('disband') - at('create_group')) / 60;
    expect(hours).toBeGreaterThanOrEqual(12);
    expect(hours).toBeLessThanOrEqual(48);
  });
});

describe.each(listTemplates().map((t) => [t.language, t.id] as const))('%s/%s with the linter and the planner', (language, id) => {
  it('lints with no finding at all', () => {
    const { parsed, findings } = lintText(readTemplate(id, language), `${id}.yaml`);
    expect(parsed).toBe(true);
    expect(findings.map((f) => `${f.line}:${f.column} ${f.rule}: ${f.message}`)).toEqual([]);
  });

  it('plans for one group with its required variables, nothing in quiet hours', () => {
    const sheet = load(id, language);
    const anchorTime = sheet.anchorTime ?? 20 * 60;
    const anchor = DateTime.fromObject(
      { year: 2026, month: 6, day: 6, hour: Math.floor(anchorTime / 60), minute: anchorTime % 60 },
      { zone: sheet.timezone },
    ).toJSDate();
    const group = { id: 'g1', name: 'Hangzhou 1', attrs: { city: 'Hangzhou' } };
    // `quiet_policy: error` makes the planner refuse any step that would land in the quiet hours,
    // instead of quietly moving or dropping it.
    const strict: Sheet = { ...sheet, quietPolicy: 'error' };
    const actions = plan({ sheet: strict, anchor, groups: [group], vars: requiredVars(sheet) });

    // Every step with a fixed time is planned at least once; member-triggered ones wait for their event.
    const timed = sheet.steps.filter((s) => s.when.kind !== 'event').map((s) => s.id);
    expect(new Set(actions.map((a) => a.step))).toEqual(new Set(timed));
    for (const a of actions) {
      expect(a.group).toBe('g1');
      // Only member names stay open; they are filled in when the message goes to each person.
      expect(a.text.replace(/\{\{\s*member\.\w+\s*\}\}/g, ''), a.step).not.toMatch(/\{\{|\}\}/);
    }
  });
});
