// Fitting text into a box, the decisions only (pure): where lines break, which font size is used
// and where an overlong text is cut with an ellipsis. Widths come from the caller's `measure`
// (the drawing adapter asks the real font), so the same rules can be tested with any widths.
//
// Chinese has no spaces: every Han character (and kana, hangul, full-width sign) may end a line.
// Latin words break at spaces and are split by character only when one word is wider than the
// line. Closing punctuation never starts a line and opening punctuation never ends one (the
// common 避头尾 rule), so "你好，" keeps its comma.

/** The width in pixels of `text` at a font size (the adapter measures it with the real font). */
export type Measure = (text: string, size: number) => number;

export const ELLIPSIS = '…';

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
const CLOSING = /^[，。、！？；：）」』》〉】〕…”’,.!?;:)\]}%]$/u;
const OPENING = /^[（「『《〈【〔“‘([{]$/u;

const graphemes = (() => {
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return (text: string) => Array.from(seg.segment(text), (s) => s.segment);
})();

/**
 * The pieces a line may break between: a wide character alone, a Latin word with its trailing
 * space, punctuation glued to its neighbour.
 */
export function breakUnits(text: string): string[] {
  const units: string[] = [];
  let word = '';
  let glueNext = '';
  const push = (u: string) => {
    units.push(glueNext + u);
    glueNext = '';
  };
  const flushWord = () => {
    if (word) push(word);
    word = '';
  };
  for (const g of graphemes(text)) {
    if (g === ' ') {
      // A space ends the word and stays with it (trimmed at the end of a line).
      if (word) word += g;
      else if (units.length) units[units.length - 1] += g;
      flushWord();
    } else if (CLOSING.test(g) && (word || units.length)) {
      if (word) word += g;
      else units[units.length - 1] += g;
    } else if (OPENING.test(g)) {
      flushWord();
      glueNext += g;
    } else if (WIDE.test(g)) {
      flushWord();
      push(g);
    } else {
      word += g;
    }
  }
  flushWord();
  if (glueNext) units.push(glueNext);
  return units;
}

/** Greedy lines no wider than `width`; a paragraph break (`\n`) always starts a new line. */
export function wrapLines(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const unit of breakUnits(paragraph.replace(/\s+/g, ' ').trim())) {
      const candidate = line + unit;
      if (measure(candidate.trimEnd()) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line.trimEnd());
      line = '';
      // A unit wider than the whole line (a long word or link) is split by character.
      for (const g of measure(unit.trimEnd()) <= width ? [unit] : graphemes(unit)) {
        if (line && measure((line + g).trimEnd()) > width) {
          lines.push(line.trimEnd());
          line = '';
        }
        line += g;
      }
    }
    if (line.trim() || !lines.length) lines.push(line.trimEnd());
  }
  return lines;
}

/** `text` cut at the end so that it and an ellipsis fit in `width`; unchanged when it fits. */
export function ellipsize(text: string, width: number, measure: (s: string) => number, force = false): string {
  if (!force && measure(text) <= width) return text;
  const gs = graphemes(text.trimEnd());
  while (gs.length && measure(gs.join('').trimEnd() + ELLIPSIS) > width) gs.pop();
  return gs.join('').trimEnd() + ELLIPSIS;
}

export interface FitBox {
  width: number;
  /** Font sizes to try, largest first; the first at which the text fits in `maxLines` wins. */
  sizes: readonly number[];
  maxLines: number;
}

export interface Fitted {
  size: number;
  lines: string[];
  /** Part of the text did not fit and the last line ends with an ellipsis. */
  cut: boolean;
}

/**
 * The largest size at which `text` wraps into `maxLines`; failing that, the smallest size with
 * the last line ending in an ellipsis.
 */
export function fitText(text: string, box: FitBox, measure: Measure): Fitted {
  if (!box.sizes.length || box.maxLines < 1) throw new Error('fitText needs at least one size and one line');
  let lines: string[] = [];
  let size = box.sizes[0];
  for (size of box.sizes) {
    const at = (s: string) => measure(s, size);
    lines = wrapLines(text, box.width, at);
    if (lines.length <= box.maxLines) return { size, lines, cut: false };
  }
  const at = (s: string) => measure(s, size);
  const kept = lines.slice(0, box.maxLines);
  kept[kept.length - 1] = ellipsize(kept[kept.length - 1], box.width, at, true);
  return { size, lines: kept, cut: true };
}
