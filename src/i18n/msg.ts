// A text not yet in words: a catalogue key and its values. Apart from the catalogues (index.ts)
// so that a pure module the console also loads (the member selector, src/sop/audience.ts) can
// name its messages without bringing the server's word lists into the browser.

/** A value for a placeholder: plain, or itself a text to render in the same language. */
export type Value = string | number | Msg;
export type Vars = Readonly<Record<string, Value>>;

/** A text not yet rendered: a catalogue key and its values. */
export interface Msg {
  readonly key: string;
  readonly vars?: Vars;
}

/** Something to show a person: already words (kept as is), or a catalogue text. */
export type Text = string | Msg;

export function msg(key: string, vars?: Vars): Msg {
  return vars ? { key, vars } : { key };
}

export function isMsg(v: unknown): v is Msg {
  return typeof v === 'object' && v !== null && typeof (v as Msg).key === 'string';
}
