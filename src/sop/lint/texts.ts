// The words of a sheet as the text rules read them: `{{ names }}`, links and paragraphs, and
// where each one sits in the YAML file, down to the line inside a block text.

import type { Pos, Step } from '../types.ts';

/** A field whose value is rendered and shown to people, with its dotted path. */
export interface RenderedField {
  path: string;
  value: string;
  /** The variant whose text this is (a step with `variants:`). */
  variant?: string;
}

/** Every rendered field of a step: text (or each variant's), name, link, image, file and each survey question. */
export function renderedFields(step: Step): RenderedField[] {
  const base = `steps.${step.index}`;
  const out: RenderedField[] = [];
  for (const f of ['text', 'name', 'link', 'image', 'file'] as const) {
    const v = step[f];
    if (v) out.push({ path: `${base}.${f}`, value: v });
    if (f === 'text') step.variants?.forEach((variant, i) => {
      if (variant.text) out.push({ path: `${base}.variants.${i}.text`, value: variant.text, variant: variant.id });
    });
  }
  step.questions?.forEach((q, i) => {
    out.push({ path: `${base}.questions.${i}`, value: q });
  });
  return out;
}

/** The message texts of a step: its `text`, or each variant's. */
export function messageTexts(step: Step): RenderedField[] {
  return renderedFields(step).filter((f) => f.path.endsWith('.text'));
}

export interface Placeholder {
  /** As written, braces included: `{{ course }}`. */
  raw: string;
  /** The name inside, trimmed: `course`. */
  name: string;
  /** How many times this exact `raw` occurred before in the same value (to find it in the file). */
  nth: number;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export function placeholders(value: string): Placeholder[] {
  if (!value.includes('{{')) return [];
  const out: Placeholder[] = [];
  const seen = new Map<string, number>();
  for (const m of value.matchAll(PLACEHOLDER)) {
    const nth = seen.get(m[0]) ?? 0;
    seen.set(m[0], nth + 1);
    out.push({ raw: m[0], name: m[1].trim(), nth });
  }
  return out;
}

/** `{{` with no `}}` after it: the text would be shown with the braces in it. */
export function unclosedPlaceholder(value: string): boolean {
  return value.replace(PLACEHOLDER, '').includes('{{');
}

// A URL ends at whitespace, quotes, angle brackets or CJK punctuation; trailing sentence
// punctuation belongs to the sentence, not the link.
const URL = /\bhttps?:\/\/[^\s<>"'`，。；！？、）】」]+/gi;

export function linksIn(value: string): string[] {
  if (!value.includes('://')) return [];
  return [...value.matchAll(URL)].map((m) => m[0].replace(/[.,;:!?)\]]+$/, ''));
}

export interface Paragraph {
  text: string;
  /** Characters as people count them (a Chinese character is one). */
  length: number;
}

export function paragraphs(value: string): Paragraph[] {
  return value
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((text) => ({ text, length: [...text].length }));
}

/** Turns file offsets into positions and finds words inside field values. */
export class SourceText {
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  private starts(): number[] {
    if (!this.lineStarts) {
      const s = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) s.push(i + 1);
      this.lineStarts = s;
    }
    return this.lineStarts;
  }

  /** Like String.indexOf over the whole file; -1 when not found. */
  indexOf(needle: string, fromOffset: number): number {
    return this.text.indexOf(needle, fromOffset);
  }

  offsetOf(pos: Pos): number {
    const s = this.starts();
    return (s[pos.line - 1] ?? this.text.length) + pos.column - 1;
  }

  posOf(offset: number): Pos {
    const s = this.starts();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - s[lo] + 1 };
  }

  /**
   * The position of the `nth` (0-based) occurrence of `needle` at or after `from`, the start of a
   * field's value. Block and quoted texts keep `{{ names }}` and links as written, so the word is
   * found verbatim; when it is not (a name folded across two lines), undefined.
   */
  find(from: Pos, needle: string, nth = 0): Pos | undefined {
    let at = this.offsetOf(from) - 1;
    for (let k = 0; k <= nth; k++) {
      at = this.text.indexOf(needle, at + 1);
      if (at < 0) return undefined;
    }
    return this.posOf(at);
  }
}
