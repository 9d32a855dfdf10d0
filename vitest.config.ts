import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one fewer than the cores: one file at a time on a 2-core machine. Most
    // files wait on servers, timers and the database more than they compute, so two run at once.
    maxWorkers: 2,
    globalSetup: ['test/support/pglite-template.ts'],
    // Browser and worker tests wait for states with expect.poll; on a busy 2-core CI machine the
    // 1 s default is too short to tell slow from broken.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
