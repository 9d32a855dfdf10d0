// The SOP template library that ships with Chorus: one v1 sheet per file in `templates/`,
// the file named after its `sop:` id. Each file is parsed in full when listed, so a broken
// template shows up as a SheetError naming its file and line, never as a half-filled entry.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSheet } from './parse.ts';
import type { Community } from './types.ts';

export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
  community: Community;
  /** Number of steps in the sheet. */
  steps: number;
  /** Absolute path of the YAML file. */
  file: string;
}

const EXTENSION = '.yaml';

/** Absolute path of the `templates/` folder at the root of the package. */
export function templatesDir(): string {
  return fileURLToPath(new URL('../../templates/', import.meta.url));
}

function templateFile(id: string): string {
  return `${templatesDir()}${id}${EXTENSION}`;
}

function templateIds(): string[] {
  return readdirSync(templatesDir())
    .filter((name) => name.endsWith(EXTENSION))
    .map((name) => name.slice(0, -EXTENSION.length))
    .sort();
}

/** Every template, sorted by id. Throws a SheetError if a template file is not a valid sheet. */
export function listTemplates(): TemplateInfo[] {
  return templateIds().map((id) => {
    const file = templateFile(id);
    const { sheet } = parseSheet(readFileSync(file, 'utf8'), file);
    if (sheet.sop !== id) {
      throw new Error(`The template file ${file} says \`sop: ${sheet.sop}\`; the file name and the id must be the same (${id}).`);
    }
    return {
      id,
      title: sheet.title,
      description: sheet.description ?? '',
      community: sheet.community,
      steps: sheet.steps.length,
      file,
    };
  });
}

/** The YAML text of one template. Throws when no template has this id. */
export function readTemplate(id: string): string {
  const ids = templateIds();
  // Only known ids reach the file system, so `../` and other path tricks cannot read outside templates/.
  if (!ids.includes(id)) {
    throw new Error(`There is no template called "${id}". The templates are: ${ids.join(', ')}.`);
  }
  return readFileSync(templateFile(id), 'utf8');
}
