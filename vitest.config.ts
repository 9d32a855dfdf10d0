import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/pglite-template.ts'],
    // Browser and worker tests wait for states with expect.poll; on a busy 2-core CI machine the
    // 1 s default is too short to tell slow from broken.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
