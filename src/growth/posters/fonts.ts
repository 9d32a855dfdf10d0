// The poster font: Noto Sans SC (SIL Open Font License), regular and bold, from the npm package
// @expo-google-fonts/noto-sans-sc, so `npm install` alone brings it to any machine — no system
// font is needed, and none is relied on. It covers Chinese, Latin and digits. Registered once per
// process under a family name of our own, so no installed font of the same name can stand in.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

export const POSTER_FONT = 'Chorus Poster Sans';

const FILES = { 400: '400Regular/NotoSansSC_400Regular.ttf', 700: '700Bold/NotoSansSC_700Bold.ttf' } as const;

let registered: string[] | undefined;

/** Registers the font's files (once); returns their paths. Throws when the package is missing. */
export function registerPosterFonts(): readonly string[] {
  if (registered) return registered;
  const dir = dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  const paths = Object.values(FILES).map((f) => join(dir, f));
  for (const path of paths) {
    if (!GlobalFonts.registerFromPath(path, POSTER_FONT)) throw new Error(`cannot load the poster font ${path}; run npm install`);
  }
  registered = paths;
  return paths;
}

/** The CSS font shorthand for the canvas. */
export const fontOf = (size: number, weight: 400 | 700) => `${weight} ${size}px "${POSTER_FONT}"`;
