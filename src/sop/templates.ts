// The SOP template library that ships with Chorus: one v1 sheet per file, the file named after its
// `sop:` id, in each language it is written in — English in `templates/`, Chinese in
// `templates/zh/`, with the same ids (a template and its translation are the same sheet for two
// audiences, so a run or a saved sheet never depends on which one was picked). Each file is parsed
// in full when listed, so a broken template shows up as a SheetError naming its file and line,
// never as a half-filled entry.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSheet } from './parse.ts';
import type { Community } from './types.ts';

/** The languages templates are written in. */
export const TEMPLATE_LANGUAGES = ['en', 'zh'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
  community: Community;
  /** Number of steps in the sheet. */
  steps: number;
  /** Absolute path of the YAML file. */
  file: string;
  /** The language the template's texts are written in. */
  language: TemplateLanguage;
}

const EXTENSION = '.yaml';
/** Where each language's files live, under `templates/`. */
const FOLDER: Record<TemplateLanguage, string> = { en: '', zh: 'zh/' };

/** Absolute path of the `templates/` folder at the root of the package (the English templates). */
export function templatesDir(language: TemplateLanguage = 'en'): string {
  return fileURLToPath(new URL(`../../templates/${FOLDER[language]}`, import.meta.url));
}

/** `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans` → zh; anything else that names English → en; otherwise undefined. */
export function templateLanguageOf(tag: string | undefined | null): TemplateLanguage | undefined {
  const t = (tag ?? '').trim().toLowerCase();
  if (/^zh\b|^zh[-_]/.test(t)) return 'zh';
  if (/^en\b|^en[-_]/.test(t)) return 'en';
  return undefined;
}

function templateFile(id: string, language: TemplateLanguage): string {
  return `${templatesDir(language)}${id}${EXTENSION}`;
}

function templateIds(language: TemplateLanguage): string[] {
  const dir = templatesDir(language);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(EXTENSION))
    .map((name) => name.slice(0, -EXTENSION.length))
    .sort();
}

function info(id: string, language: TemplateLanguage): TemplateInfo {
  const file = templateFile(id, language);
  const { sheet } = parseSheet(readFileSync(file, 'utf8'), file);
  if (sheet.sop !== id) {
    throw new Error(`The template file ${file} says \`sop: ${sheet.sop}\`; the file name and the id must be the same (${id}).`);
  }
  return { id, title: sheet.title, description: sheet.description ?? '', community: sheet.community, steps: sheet.steps.length, file, language };
}

/**
 * Every template in every language: those in `first` (the reader's language) before the others,
 * each language sorted by id. Throws a SheetError if a template file is not a valid sheet.
 */
export function listTemplates(first: TemplateLanguage = 'en'): TemplateInfo[] {
  const order = [first, ...TEMPLATE_LANGUAGES.filter((l) => l !== first)];
  return order.flatMap((language) => templateIds(language).map((id) => info(id, language)));
}

/** One template's entry in a language, or undefined. */
export function findTemplate(id: string, language: TemplateLanguage = 'en'): TemplateInfo | undefined {
  return templateIds(language).includes(id) ? info(id, language) : undefined;
}

/** The YAML text of one template. Throws when no template has this id in this language. */
export function readTemplate(id: string, language: TemplateLanguage = 'en'): string {
  const ids = templateIds(language);
  // Only known ids reach the file system, so `../` and other path tricks cannot read outside templates/.
  if (!ids.includes(id)) {
    throw new Error(`There is no template called "${id}"${language === 'en' ? '' : ` in ${language}`}. The templates are: ${ids.join(', ')}.`);
  }
  return readFileSync(templateFile(id, language), 'utf8');
}
