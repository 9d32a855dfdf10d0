// Links people are sent to: http and https only. A `javascript:` or `data:` link in a message is
// a way to run code in, or phish from, whoever taps it; a link without a scheme is not a link on
// any platform. Pure.

/** A link ready to send: http(s)://, no spaces. */
export function isWebLink(value: string): boolean {
  return /^https?:\/\/[^\s/]+\S*$/i.test(value.trim());
}

/** What a sheet may write as `link:` — a web link, or a {{ placeholder }} that gives one when planned. */
export function isSheetLink(value: string): boolean {
  const v = value.trim();
  return v.startsWith('{{') || /^https?:\/\//i.test(v);
}

// The rule in words: `parse.link` (sheets), `validate.linkStarts`, `validate.httpLink` (requests) in src/i18n.
