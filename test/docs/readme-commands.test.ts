// Every command the README's quick start shows must run as written (issue 7, item 21): a reader
// copies them first. The `sh` blocks made only of `npx chorus …` lines use files in the repo alone,
// so each command is run from the repo root (through `sh`, for the globs and quotes) and must exit 0.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The commands of the README's `sh` blocks that hold nothing but `npx chorus` commands. */
function readmeChorusCommands(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    // Lines ending in `\` continue on the next one; a `#` after a space starts a comment.
    const commands = m[1]
      .replace(/[ \t]*\\\n[ \t]*/g, ' ')
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => l && !l.startsWith('#'));
    if (commands.length && commands.every((c) => c.startsWith('npx chorus '))) out.push(...commands);
  }
  return out;
}

const commands = readmeChorusCommands(readFileSync('README.md', 'utf8'));

describe("the README's quick-start commands", () => {
  it('are found: the library, lint and plan', () => {
    expect(commands.map((c) => c.split(/\s+/).slice(2, 4).join(' '))).toEqual(expect.arrayContaining(['templates', 'sop lint', 'sop plan']));
  });

  it.each(commands)('%s exits 0', (command) => {
    // `npx chorus` is bin/chorus.mjs; calling it directly skips npx's start-up.
    const r = spawnSync('sh', ['-c', command.replace(/^npx chorus /, `"${process.execPath}" bin/chorus.mjs `)], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});

describe('readmeChorusCommands', () => {
  it('joins continued lines, drops comments, and skips blocks with other commands', () => {
    const md = '```sh\nnpm start   # the server\nnpx chorus templates\n```\n\n```sh\nnpx chorus sop plan a.yaml \\\n  --var x=1   # plan\n# a note\nnpx chorus templates --json\n```\n';
    expect(readmeChorusCommands(md)).toEqual(['npx chorus sop plan a.yaml --var x=1', 'npx chorus templates --json']);
  });
});
