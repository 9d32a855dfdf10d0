// The pure half of the console's strings: locales, `{name}` interpolation and the choice of a
// text for a key. No DOM and no bundler features here, so tests and other pure modules can use it.

export type Locale = 'en' | 'zh';
export const LOCALES: Locale[] = ['en', 'zh'];
export type Vars = Record<string, string | number>;
export type Catalog = Record<string, string>;

/** Fills `{name}` placeholders; an unknown placeholder stays visible so a mistake is noticed. */
export function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/**
 * The text for a key: the locale's, else English's, else the key itself (visible, so a missing
 * string is noticed). With `count` = 1 a `<key>_one` variant wins when it exists.
 */
export function pick(catalog: Catalog, fallback: Catalog, key: string, vars?: Vars): string {
  const one = vars?.count === 1 ? (catalog[`${key}_one`] ?? fallback[`${key}_one`]) : undefined;
  const text = one ?? catalog[key] ?? fallback[key];
  return text === undefined ? key : interpolate(text, vars);
}

/** Area files as a flat catalog: `en/sheets.ts` → `save` becomes `sheets.save`. */
export function collect(modules: Record<string, { default: Record<string, string> }>): Catalog {
  const out: Catalog = {};
  for (const [path, mod] of Object.entries(modules)) {
    const area = /\/([\w-]+)\.ts$/.exec(path)?.[1];
    if (!area) continue;
    for (const [k, v] of Object.entries(mod.default)) out[`${area}.${k}`] = v;
  }
  return out;
}

/** The `{name}` placeholders of a text, sorted (both languages must use the same ones). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
