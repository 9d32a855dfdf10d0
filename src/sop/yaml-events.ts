// Values and positions from one pass of js-yaml's event parser: the events carry source offsets,
// so the dotted path of every value (`steps.3.at`) and key (`steps.3.txt#key`) is known without a
// second parse. (`yaml` is kept for the messages about broken files, which it words best.)

import { CORE_SCHEMA, constructFromEvents, type Event, EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE } from 'js-yaml';

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

/** Throws js-yaml's YAMLException for text that is not YAML, or holds more than one document. */
export function readYaml(text: string, file: string): ReadYaml {
  const events = parseEvents(text, { filename: file });
  const docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, filename: file });
  if (docs.length > 1) throw new Error('the file holds more than one YAML document; a sheet is one document');
  return { value: docs[0] ?? null, offsets: offsetsOf(events, text) };
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
