// Posters (docs/growth-posters.md): what the rest of Chorus may use. A campaign renders one per
// participant with `renderPoster`; the console lists `POSTER_LAYOUTS` and previews over HTTP
// (src/server/routes/posters.ts).

export { checkBackground, decodeBackground, MAX_BACKGROUND_BYTES, MAX_BACKGROUND_SIDE } from './background.ts';
export { PosterError, type PosterErrorCode } from './errors.ts';
export { POSTER_FONT, registerPosterFonts } from './fonts.ts';
export { DEFAULT_LAYOUT, POSTER_HEIGHT, POSTER_LAYOUTS, POSTER_WIDTH } from './layouts.ts';
export { MAX_NAME, MAX_SUBTITLE, MAX_TITLE, MAX_URL, type PosterSpec, renderPoster } from './render.ts';
