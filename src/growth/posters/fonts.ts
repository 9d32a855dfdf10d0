// The poster fonts: Noto Sans SC (SIL Open Font License), regular and bold, from the npm package
// @expo-google-fonts/noto-sans-sc, so `npm install` alone brings it to any machine — no system
// font is needed, and none is relied on. It covers Chinese, Latin and digits. Nicknames are full of
// emoji, which it lacks: Noto Emoji (monochrome, same licence, @expo-google-fonts/noto-emoji)
// follows it in the font list. Registered once per process under family names of our own, so no
// installed font of the same name can stand in.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

export const POSTER_FONT = 'Chorus Poster Sans';
const EMOJI_FONT = 'Chorus Poster Emoji';

const FILES: readonly { pkg: string; file: string; family: string }[] = [
  { pkg: '@expo-google-fonts/noto-sans-sc', file: '400Regular/NotoSansSC_400Regular.ttf', family: POSTER_FONT },
  { pkg: '@expo-google-fonts/noto-sans-sc', file: '700Bold/NotoSansSC_700Bold.ttf', family: POSTER_FONT },
  { pkg: '@expo-google-fonts/noto-emoji', file: '400Regular/NotoEmoji_400Regular.ttf', family: EMOJI_FONT },
  { pkg: '@expo-google-fonts/noto-emoji', file: '700Bold/NotoEmoji_700Bold.ttf', family: EMOJI_FONT },
];

let registered: string[] | undefined;

/** Registers the fonts' files (once); returns their paths. Throws when a package is missing. */
export function registerPosterFonts(): readonly string[] {
  if (registered) return registered;
  const require = createRequire(import.meta.url);
  const paths: string[] = [];
  for (const f of FILES) {
    const path = join(dirname(require.resolve(`${f.pkg}/package.json`)), f.file);
    if (!GlobalFonts.registerFromPath(path, f.family)) throw new Error(`cannot load the poster font ${path}; run npm install`);
    paths.push(path);
  }
  registered = paths;
  return paths;
}

/** The CSS font shorthand for the canvas: our text font, then our emoji font. */
export const fontOf = (size: number, weight: 400 | 700) => `${weight} ${size}px "${POSTER_FONT}", "${EMOJI_FONT}"`;
