import { defineConfig } from 'vitest/config';

/**
 * The multi-process tests (`--workers N`): each starts a cluster primary with its workers and a fake
 * Ollama, so they run one file at a time after the main suite instead of beside it on two cores.
 */
export default defineConfig({
  test: {
    include: ['test/integration/cluster/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
