// React runs whatever an effect returns as its cleanup. An effect written as `() => expr` returns
// the expression's value without anyone deciding it should: `scrollIntoView()` returns a Promise
// in current Chromium, and closing the group editor then blanked the console ("l is not a
// function", issue 7 item 13). Every effect in the console has a block body, so a cleanup is
// always an explicit `return`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB = fileURLToPath(new URL('../../web/src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** `useEffect(` / `useLayoutEffect(` whose callback is an arrow with an expression body, with its line. */
function conciseEffects(text: string): number[] {
  const lines: number[] = [];
  const re = /\buse(?:Layout|Insertion)?Effect\(\s*(?:async\s*)?\([^)]*\)\s*=>(?!\s*\{)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) lines.push(text.slice(0, m.index).split('\n').length);
  return lines;
}

describe('effects in the console', () => {
  it('finds an effect that returns what its expression gives', () => {
    expect(conciseEffects("useEffect(() => panel.current?.scrollIntoView({ block: 'nearest' }), []);")).toEqual([1]);
    expect(conciseEffects('a\nuseLayoutEffect(\n  () =>\n    subscribe(x),\n  [],\n);')).toEqual([2]);
    expect(conciseEffects('useEffect(() => {\n  el.scrollIntoView();\n}, []);')).toEqual([]);
  });

  it('every effect has a block body, so a cleanup is always an explicit return', () => {
    const found = sources(WEB).flatMap((file) => conciseEffects(readFileSync(file, 'utf8')).map((line) => `${relative(WEB, file)}:${line}`));
    expect(found).toEqual([]);
  });
});
