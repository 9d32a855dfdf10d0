// Step drafts + header fields → the YAML text of a v1 sheet, laid out the way a person would write
// it: header fields first, a blank line between steps, `|` blocks for multi-line texts, times quoted.

import { Document, isMap, isScalar, isSeq, Pair, Scalar, type YAMLMap } from 'yaml';
import type { HeaderFields } from './meta.ts';
import type { StepDraft } from './rows.ts';

const STEP_ORDER: (keyof StepDraft)[] = [
  'id',
  'every',
  'from',
  'until',
  'at',
  'do',
  'by',
  'to',
  'kind',
  'name',
  'text',
  'variants',
  'link',
  'tag',
  'into',
  'window',
  'note',
];

export function toYaml(fields: HeaderFields, steps: StepDraft[], source: string): string {
  const header: Record<string, string> = {
    sop: fields.sop,
    title: fields.title,
    ...(fields.description ? { description: fields.description } : {}),
    community: fields.community,
    ...(fields.industry ? { industry: fields.industry } : {}),
    timezone: fields.timezone,
    anchor: fields.anchor,
    ...(fields.anchorTime ? { anchor_time: fields.anchorTime } : {}),
  };
  const body = {
    ...header,
    steps: steps.map((s) => {
      const out: Record<string, string | { id: string; text: string }[]> = {};
      for (const key of STEP_ORDER) {
        const v = s[key];
        if (key === 'variants') {
          if (s.variants?.length) out.variants = s.variants.map((x) => ({ id: x.id, text: x.text }));
        } else if (v !== undefined && v !== '') out[key] = String(v);
      }
      return out;
    }),
  };
  const doc = new Document(body);
  doc.commentBefore = ` Imported from ${source} by chorus sop import.\n The comment after each step id is the spreadsheet row it came from.`;
  const root = doc.contents as YAMLMap;
  for (const pair of root.items) styleValue(pair);
  const seq = root.get('steps', true);
  if (!isSeq(seq)) return doc.toString({ lineWidth: 0 });
  seq.items.forEach((item, i) => {
    if (!isMap(item)) return;
    if (i > 0) item.spaceBefore = true;
    for (const pair of item.items) styleValue(pair);
    // Each variant's text is laid out like a step's (`|` for several lines).
    const variants = item.get('variants', true);
    if (isSeq(variants)) for (const v of variants.items) if (isMap(v)) for (const pair of v.items) styleValue(pair);
    const id = item.get('id', true);
    if (isScalar(id)) id.comment = ` row ${steps[i].row}`;
  });
  return doc.toString({ lineWidth: 0 });
}

function styleValue(pair: unknown): void {
  if (!(pair instanceof Pair) || !isScalar(pair.value)) return;
  const v = pair.value as Scalar;
  if (typeof v.value !== 'string') return;
  const key = isScalar(pair.key) ? String(pair.key.value) : '';
  if (v.value.includes('\n')) {
    v.type = Scalar.BLOCK_LITERAL;
  } else if (/^\d{1,2}:\d{2}$/.test(v.value) || key === 'anchor_time') {
    // `07:00` is a string in YAML 1.2 but the number 420 in YAML 1.1 tools; quoting is safe in both.
    v.type = Scalar.QUOTE_DOUBLE;
  }
}
