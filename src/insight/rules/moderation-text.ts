// What moderation looks for in a message's text, pure: the text normalized (full-width to
// half-width, lower case, zero-width characters dropped) with a map back to the original, links
// written in the text, contact-hunting (Chinese mobile numbers, "加V", WeChat and QQ ids, e-mail
// addresses) and banned words. Each finder returns the fragment of the original text it matched.

/** A normalized text and, for each of its characters, where it came from in the original. */
export interface Normalized {
  text: string;
  from: number[];
  original: string;
}

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/;

/** NFKC (`ＡＢＣ１２３：` → `abc123:`) and lower case, one character at a time so each keeps its place. */
export function normalize(original: string, drop: RegExp = INVISIBLE): Normalized {
  let text = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of original) {
    if (!drop.test(ch)) {
      const n = ch.normalize('NFKC').toLowerCase();
      text += n;
      for (let k = 0; k < n.length; k++) from.push(i);
    }
    i += ch.length;
  }
  return { text, from, original };
}

/** The original text behind normalized positions [start, end). */
export function fragment(n: Normalized, start: number, end: number): string {
  if (end <= start) return '';
  const last = n.from[end - 1];
  const cp = n.original.codePointAt(last) ?? 0;
  return n.original.slice(n.from[start], last + (cp > 0xffff ? 2 : 1));
}

// --- links ---

// Where a link written in a text ends: a space, a bracket or quote, a comma, Chinese text or punctuation.
const STOP = `\\s<>"'()\\[\\]{},!\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef`;
const TLDS = 'com|cn|net|org|io|me|cc|xyz|top|vip|info|co|shop|link|ly|app|site|club|online|tv|ink|fun|store|wang|ltd|biz|work|live|pro|tech|hk|tw|jp|us|uk|ru|de';
const LINK = new RegExp(
  [
    `\\b[a-z][a-z0-9+.-]*:\\/\\/[^${STOP}]+`,
    `(?<![\\w@.])www\\.[^${STOP}]+`,
    // A bare domain with a known ending (t.me/x, abc.cn): no letter, @ or dot before it (not part of an e-mail or a file name).
    `(?<![\\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?![a-z0-9-])(?:[/:?#][^${STOP}]*)?`,
  ].join('|'),
  'g',
);

/** The links written in a text (http(s)://…, www.…, or a bare domain such as t.me/x). */
export function linksIn(original: string): string[] {
  const n = normalize(original);
  return [...n.text.matchAll(LINK)].map((m) => fragment(n, m.index, m.index + m[0].length).replace(/[.,!?;:]+$/, ''));
}

// --- contacts ---

// A Chinese mobile number: 11 digits from 13x to 19x, whole or as 3-4-4 with spaces or dashes,
// optionally +86; never part of a longer number (an order number, an id card, a price list).
const MOBILE = /(?<!\d)(?<!\d[\s-])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![\s-]?\d)/g;
// Numbers right after these words are orders, parcels, invoices, not phones.
const NOT_A_PHONE = /(?:订单|单号|运单|快递|物流|发票|流水|学号|工号|编号|order|no\.|#)\s*(?:号)?\s*[:：]?\s*$/;
// A WeChat id (6–20, a letter first, with a digit, _ or -: a plain word is not taken for one) or a QQ number.
const ID = '(?:(?=[a-z0-9_-]*[\\d_-])[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])|[1-9]\\d{4,10}(?!\\d))';
// Words that hunt for contacts on their own.
const ASKS = [
  '加\\s*(?:我|个|一下)?\\s*(?:vx|wx|v(?![a-z])|微(?!博)|薇|威信|扣扣|qq|企鹅)',
  '[+➕]\\s*(?:vx|wx|v(?![a-z])|微信|qq)',
  '(?:薇|威|嶶|徽|维)信|v信|微x',
  '(?<![a-z])(?:vx|wx)(?![a-z])',
  'wxid_[a-z0-9_-]{3,}',
  '\\badd\\s+(?:me\\s+)?(?:on\\s+)?(?:wechat|weixin|qq|whatsapp|telegram|line)\\b',
];
// Words that hunt for contacts when an id follows them.
const BEFORE_ID = `(?:微信号?|wechat(?:\\s*id)?|weixin|qq号?|扣扣号?|企鹅号?|v(?=\\s*[:：])|联系我|加我|\\badd(?:\\s+me)?(?=\\s*[:：]))\\s*(?:号|id)?\\s*(?:是|为)?\\s*[:：]?\\s*${ID}`;
const CONTACT = new RegExp([...ASKS, BEFORE_ID, '[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}'].join('|'), 'g');

/** The first contact-hunting fragment of a text, or null. */
export function contactIn(original: string): string | null {
  const n = normalize(original);
  for (const m of n.text.matchAll(MOBILE)) {
    if (NOT_A_PHONE.test(n.text.slice(Math.max(0, m.index - 12), m.index))) continue;
    return fragment(n, m.index, m.index + m[0].length);
  }
  const m = CONTACT.exec(n.text);
  CONTACT.lastIndex = 0;
  return m ? fragment(n, m.index, m.index + m[0].length) : null;
}

// --- banned words ---

// Characters people put between the letters of a banned word to slip past a filter (代 购, 代-购).
const FILLER = /[\s\u200b-\u200d\u2060\ufeff\u00ad*._\-|/\\~·•,，。、]/;

/** The first banned word in a text (case, width and fillers between its characters ignored), as the operator wrote it, or null. */
export function bannedWordIn(original: string, words: readonly string[]): string | null {
  if (!words.length) return null;
  const plain = normalize(original).text;
  const squashed = normalize(original, FILLER).text;
  for (const w of words) {
    const nw = normalize(w).text.trim();
    if (!nw) continue;
    if (plain.includes(nw)) return w;
    const sw = normalize(nw, FILLER).text;
    if (sw.length >= 2 && squashed.includes(sw)) return w;
  }
  return null;
}
