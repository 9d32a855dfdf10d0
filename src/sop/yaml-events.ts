// Values and positions from one pass of js-yaml's event parser: the events carry source offsets,
// so the dotted path of every value (`steps.3.at`) and key (`steps.3.txt#key`) is known without a
// second parse. (`yaml` is kept for the messages about broken files, which it words best.)

import { CORE_SCHEMA, constructFromEvents, type Event, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, YAMLException } from 'js-yaml';
import type { Pos } from './types.ts';

interface Frame {
  kind: 'map' | 'seq';
  path: string;
  index: number;
  expectingKey: boolean;
  key: string;
}

export interface ReadYaml {
  value: unknown;
  /** Source offset of each value by dotted path, and of each key as `path#key`. */
  offsets: Map<string, number>;
}

/** YAML the reader refuses to expand: nested too deep, or aliases that multiply it; `pos` is where. */
export class YamlLimitError extends Error {
  constructor(
    readonly pos: Pos,
    message: string,
  ) {
    super(message);
    this.name = 'YamlLimitError';
  }
}

/**
 * Values read through aliases (`*name`) count as often as they are used: ten aliases of a list of
 * ten aliases of … is a few lines that expand to billions of values for anything walking the result.
 */
export const MAX_EXPANDED_VALUES = 200_000;

/**
 * Throws js-yaml's YAMLException for text that is not YAML, or holds more than one document;
 * YamlDepthError when collections nest deeper than `maxDepth` (the parser stops there, so a deep
 * file never reaches a recursive step).
 */
export function readYaml(text: string, file: string, maxDepth = 32): ReadYaml {
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth });
  } catch (e) {
    if (e instanceof YAMLException && e.reason.startsWith('nesting exceeded')) {
      const pos = { line: (e.mark?.line ?? 0) + 1, column: (e.mark?.column ?? 0) + 1 };
      throw new YamlLimitError(pos, `the YAML is nested more than ${maxDepth} levels deep here; a sheet needs only a few levels (steps, a step, its fields)`);
    }
    throw e;
  }
  checkExpansion(events, text);
  const docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, filename: file });
  if (docs.length > 1) throw new Error('the file holds more than one YAML document; a sheet is one document');
  return { value: docs[0] ?? null, offsets: offsetsOf(events, text) };
}

/** Refuses alias use that expands past MAX_EXPANDED_VALUES values (a YAML "billion laughs"). */
function checkExpansion(events: Event[], text: string): void {
  // Without an alias every value is written out, and the size cap bounds them.
  if (!text.includes('*') || !events.some((ev) => ev.type === EVENT_ID.ALIAS)) return;
  const sizes = new Map<string, number>();
  // Open collections: their expanded size so far and their anchor name, if any.
  const open: { size: number; anchor: string | undefined }[] = [];
  let total = 0;
  const add = (n: number, at: number) => {
    total += n;
    if (open.length) open[open.length - 1].size += n;
    if (total > MAX_EXPANDED_VALUES) {
      const pos = { line: lineOf(text, at) + 1, column: at - text.lastIndexOf('\n', at - 1) };
      throw new YamlLimitError(pos, `the aliases (*name) used up to here expand the sheet to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values; write the values out or use fewer aliases`);
    }
  };
  const anchorOf = (ev: { anchorStart: number; anchorEnd: number }) => (ev.anchorStart >= 0 ? text.slice(ev.anchorStart, ev.anchorEnd) : undefined);
  for (const ev of events) {
    if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
      open.push({ size: 0, anchor: anchorOf(ev) });
      add(1, ev.start);
    } else if (ev.type === EVENT_ID.POP) {
      const done = open.pop();
      if (done?.anchor !== undefined) sizes.set(done.anchor, done.size);
      if (done && open.length) open[open.length - 1].size += done.size;
    } else if (ev.type === EVENT_ID.SCALAR) {
      const a = anchorOf(ev);
      if (a !== undefined) sizes.set(a, 1);
      add(1, ev.valueStart);
    } else if (ev.type === EVENT_ID.ALIAS) {
      add(sizes.get(text.slice(ev.anchorStart, ev.anchorEnd)) ?? 1, ev.anchorStart);
    }
  }
}

function lineOf(text: string, at: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function startOf(ev: Event, text: string): number {
  let at = -1;
  if (ev.type === EVENT_ID.SCALAR) {
    at = ev.valueStart;
    // Quoted scalars start at their opening quote.
    if (ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED) at -= 1;
    // A block scalar's value starts on the next line; point at its `|` or `>` like an editor would.
    if ((ev.style === SCALAR_STYLE.LITERAL_BLOCK || ev.style === SCALAR_STYLE.FOLDED_BLOCK) && at > 0) {
      let i = at - 1;
      while (i > 0 && text[i] !== '|' && text[i] !== '>') i--;
      at = i;
    }
  } else if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
    at = ev.start;
  } else if (ev.type === EVENT_ID.ALIAS) {
    at = ev.anchorStart - 1;
  }
  // A tag (`!!str x`) or an anchor (`&a x`) written first is where the value starts.
  if (ev.type === EVENT_ID.SCALAR || ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
    for (const other of [ev.tagStart, ev.anchorStart >= 0 ? ev.anchorStart - 1 : -1]) {
      if (other >= 0 && (at < 0 || other < at)) at = other;
    }
  }
  return at;
}

function offsetsOf(events: Event[], text: string): Map<string, number> {
  const out = new Map<string, number>();
  const stack: Frame[] = [];
  let docSeen = false;
  for (const ev of events) {
    if (ev.type === EVENT_ID.DOCUMENT) {
      if (docSeen) break;
      docSeen = true;
      continue;
    }
    if (ev.type === EVENT_ID.POP) {
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    let path = '';
    if (top?.kind === 'seq') path = join(top.path, top.index++);
    else if (top?.kind === 'map') {
      if (top.expectingKey) {
        top.expectingKey = false;
        const start = startOf(ev, text);
        top.key = ev.type === EVENT_ID.SCALAR ? getScalarValue(text, ev) : '?';
        if (start >= 0) out.set(`${join(top.path, top.key)}#key`, start);
        // A complex (collection) key: follow its events without recording them as values.
        if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: ev.type === EVENT_ID.MAPPING ? 'map' : 'seq', path: '\u0000key', index: 0, expectingKey: true, key: '' });
        continue;
      }
      top.expectingKey = true;
      path = join(top.path, top.key);
    }
    const start = startOf(ev, text);
    const empty = ev.type === EVENT_ID.SCALAR && ev.valueStart === ev.valueEnd && ev.style === SCALAR_STYLE.PLAIN;
    if (start >= 0 && !empty) out.set(path, start);
    else if (top?.kind === 'map' && out.has(`${path}#key`)) out.set(path, out.get(`${path}#key`)!);
    if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) {
      stack.push({ kind: ev.type === EVENT_ID.MAPPING ? 'map' : 'seq', path, index: 0, expectingKey: true, key: '' });
    }
  }
  return out;
}
