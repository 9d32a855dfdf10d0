import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/pglite-template.ts'],
    // Browser and worker tests wait for states with expect.poll; on a busy 2-core CI machine the
    // 1 s default is too short to tell slow from broken.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    projects: [
      {
        extends: true,
        // Vitest's default is one fewer than the cores: one file at a time on a 2-core machine.
        // Most files wait on servers, timers and the database more than they compute, so two run
        // at once.
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'], maxWorkers: 2 },
      },
      {
        extends: true,
        // The browser tests after the rest, one at a time: Chromium and a server each, and timed
        // waits that a second browser beside them would only make flaky.
        test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
