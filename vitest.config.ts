import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Multi-process tests run on their own (npm run test:cluster, npm run test:multinode): each
    // starts three processes, and next to the rest of the suite two cores starve them.
    exclude: ['test/e2e/**', 'test/integration/cluster/**', 'test/integration/multi-node/**', 'node_modules/**'],
    pool: 'forks',
    setupFiles: ['test/support/dom-testing-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
