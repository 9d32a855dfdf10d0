// The pacing form's decisions: what the fields show, and the change they ask for. Pure.

export interface PacingSettings {
  intervalMs: number;
  jitterMs: number;
  dailyCap: number | null;
  perChatDailyCap: number | null;
}

export type PacingField = keyof PacingSettings;

export interface PacingAnswer {
  channel: string;
  name: string;
  kind: string;
  pacing: PacingSettings;
  defaults: PacingSettings;
  changed: PacingField[];
  bounds: Record<PacingField, { min: number; max: number }>;
}

export type PacingFormValues = Record<PacingField, string>;
export type PacingPatch = Partial<Record<PacingField, number | 'default'>>;

const SECONDS: ReadonlySet<PacingField> = new Set(['intervalMs', 'jitterMs']);

function shown(field: PacingField, v: number | null): string {
  if (v === null) return '';
  return SECONDS.has(field) ? String(v / 1000) : String(v);
}

/** A field the channel did not change is empty (its placeholder shows the platform default). */
export function formValues(a: PacingAnswer): PacingFormValues {
  const out = {} as PacingFormValues;
  for (const f of Object.keys(a.pacing) as PacingField[]) out[f] = a.changed.includes(f) ? shown(f, a.pacing[f]) : '';
  return out;
}

export function defaultText(field: PacingField, a: PacingAnswer, noCap: string): string {
  const v = a.defaults[field];
  return v === null ? noCap : shown(field, v);
}

/**
 * The change the form asks for: an empty field goes back to the default (when it was changed), a
 * number is set (seconds → ms). Returns the first field that is not a number instead.
 */
export function pacingPatch(values: PacingFormValues, a: PacingAnswer): { patch: PacingPatch } | { invalid: PacingField } {
  const patch: PacingPatch = {};
  for (const f of Object.keys(values) as PacingField[]) {
    const text = values[f].trim();
    if (text === '') {
      if (a.changed.includes(f)) patch[f] = 'default';
      continue;
    }
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) return { invalid: f };
    const value = SECONDS.has(f) ? Math.round(n * 1000) : n;
    if (value !== a.pacing[f] || !a.changed.includes(f)) patch[f] = value;
  }
  return { patch };
}
