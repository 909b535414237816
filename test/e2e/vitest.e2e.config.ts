import { defineConfig } from 'vitest/config';

/**
 * End-to-end scenarios: the real server (with the built web app and a fake Ollama) driven through
 * Debian's Chromium by playwright-core. One file at a time: each runs a browser, and the machine
 * may have two cores.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.scenario.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
