// Item 8 of issue 7: `chorus serve --trust-proxy / --public-url` (and their environment
// variables) refuse a value they cannot read with a plain sentence and exit code 2, before
// anything starts.

import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('chorus serve address settings', () => {
  afterEach(() => {
    delete process.env.CHORUS_TRUST_PROXY;
    delete process.env.CHORUS_PUBLIC_URL;
  });

  it('refuses a trust-proxy value that is not true, a hop count or addresses', async () => {
    const r = await cli('serve', '--trust-proxy', 'my-proxy', '--data', '/nonexistent/never-made');
    expect(r.code).toBe(2);
    expect(r.err).toContain('"my-proxy" is not an address or a CIDR range');
  });

  it('refuses a public URL that is not http(s), also from the environment', async () => {
    process.env.CHORUS_PUBLIC_URL = 'ftp://chorus.example.com';
    const r = await cli('serve', '--data', '/nonexistent/never-made');
    expect(r.code).toBe(2);
    expect(r.err).toContain('should start with https://');
  });
});
