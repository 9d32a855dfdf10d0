// A poster that cannot be made, and why, as a catalogue text with a stable code: the route turns
// it into a 400 (413 for an oversized image), the CLI prints it.

import { english, type Text } from '../../i18n/index.ts';

export type PosterErrorCode = 'invalid_layout' | 'invalid_text' | 'invalid_link' | 'invalid_background' | 'background_too_large';

export class PosterError extends Error {
  readonly code: PosterErrorCode;
  readonly text: Text;
  /** The input at fault: `layout`, `title`, `subtitle`, `name`, `url` or `background`. */
  readonly field: string;
  constructor(code: PosterErrorCode, field: string, text: Text) {
    super(english(text));
    this.name = 'PosterError';
    this.code = code;
    this.field = field;
    this.text = text;
  }
}
