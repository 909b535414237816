import { defineConfig } from 'vitest/config';

/**
 * The many-machines tests: two real server processes sharing one PostgreSQL database, one Redis
 * and one files folder. Several processes each, so one file at a time after the main suite.
 */
export default defineConfig({
  test: {
    include: ['test/integration/multi-node/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
});
