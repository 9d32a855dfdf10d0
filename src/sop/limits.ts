// How big a sheet may be. Checked first, before any heavy work, by every path that reads a sheet
// (CLI, API, console, import), so one oversized request cannot stall or exhaust the server. The
// caps are far above real SOPs (the biggest are a few hundred steps over a few weeks) and are
// documented in docs/sop-format.md; changing one here changes the contract.

/** Bytes of the sheet text (UTF-8). */
export const MAX_SHEET_BYTES = 512 * 1024;
/** Steps in one sheet. */
export const MAX_STEPS = 1000;
/** Planned times of one sheet: a fixed step counts once, a repeating step once per day in from..until. */
export const MAX_PLANNED_TIMES = 10_000;
/** Days from the anchor a sheet may reach (D-3650..D3650, T±3650d, `after:` up to 3650d): ten years. */
export const MAX_DAYS = 3650;
/** Levels of nested fields and lists in the YAML; a sheet needs about four. */
export const MAX_YAML_DEPTH = 32;

/** UTF-8 length of a string, without building the bytes. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** `512 KB`, `1.5 MB`: sizes as people read them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** The size of something over `cap`, told so that it never reads the same as the cap. */
export function formatOver(n: number, cap: number): string {
  const shown = formatBytes(n);
  return shown === formatBytes(cap) ? `${n.toLocaleString('en')} bytes` : shown;
}
