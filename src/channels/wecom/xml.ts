// A minimal reader for the XML WeCom sends to callback URLs: one `<xml>` root, elements holding
// text or CDATA, and at most a shallow nesting (`<MemChangeList><Item>…</Item></MemChangeList>`).
// No attributes are used by WeCom; DOCTYPE and custom entities are refused outright, so no
// entity-expansion tricks can reach us even before the signature is checked.

export interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    const v = ENTITIES[name];
    if (v === undefined) throw new XmlError(`unknown XML entity ${whole}`);
    return v;
  });
}

/** Parses a document and returns its root element. Throws XmlError on anything malformed. */
export function parseXml(input: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(input)) throw new XmlError('XML with a DOCTYPE or entity declarations is not accepted');
  let pos = 0;
  const src = input.replace(/^\uFEFF/, '');

  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(src.slice(pos));
      pos += ws ? ws[0].length : 0;
      if (src.startsWith('<?', pos)) {
        const end = src.indexOf('?>', pos);
        if (end < 0) throw new XmlError('unterminated XML declaration');
        pos = end + 2;
      } else if (src.startsWith('<!--', pos)) {
        const end = src.indexOf('-->', pos);
        if (end < 0) throw new XmlError('unterminated XML comment');
        pos = end + 3;
      } else return;
    }
  };

  const element = (depth: number): XmlNode => {
    if (depth > 8) throw new XmlError('XML nested too deeply');
    const open = /^<([A-Za-z_][\w.-]*)\s*(\/?)>/.exec(src.slice(pos));
    if (!open) throw new XmlError(`expected an element at offset ${pos}`);
    const name = open[1];
    pos += open[0].length;
    const node: XmlNode = { name, text: '', children: [] };
    if (open[2] === '/') return node;
    for (;;) {
      if (pos >= src.length) throw new XmlError(`element <${name}> is not closed`);
      if (src.startsWith('<![CDATA[', pos)) {
        const end = src.indexOf(']]>', pos);
        if (end < 0) throw new XmlError('unterminated CDATA section');
        node.text += src.slice(pos + 9, end);
        pos = end + 3;
      } else if (src.startsWith('<!--', pos)) {
        const end = src.indexOf('-->', pos);
        if (end < 0) throw new XmlError('unterminated XML comment');
        pos = end + 3;
      } else if (src.startsWith('</', pos)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(src.slice(pos));
        if (!close || close[1] !== name) throw new XmlError(`element <${name}> is closed by the wrong tag`);
        pos += close[0].length;
        return node;
      } else if (src[pos] === '<') {
        node.children.push(element(depth + 1));
      } else {
        const next = src.indexOf('<', pos);
        const end = next < 0 ? src.length : next;
        node.text += decodeEntities(src.slice(pos, end));
        pos = end;
      }
    }
  };

  skipMisc();
  const root = element(0);
  skipMisc();
  if (pos !== src.length) throw new XmlError('unexpected content after the root element');
  return root;
}

/** The trimmed text of a direct child (WeCom's values never carry meaningful edge spaces). */
export function childText(node: XmlNode, name: string): string | undefined {
  const child = node.children.find((c) => c.name === name);
  return child === undefined ? undefined : child.text.trim();
}

/** The texts of `<Item>` children of a list element such as `<MemChangeList>`. */
export function childItems(node: XmlNode, name: string): string[] | undefined {
  const list = node.children.find((c) => c.name === name);
  if (!list) return undefined;
  return list.children.filter((c) => c.name === 'Item').map((c) => c.text.trim());
}
