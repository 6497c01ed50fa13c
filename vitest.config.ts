import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism modest so real PostgreSQL/Redis tests stay deterministic.
    maxWorkers: 2,
    // Refuses any connection that is not loopback (test/helpers/network-guard.ts).
    setupFiles: ['test/helpers/network-guard.ts'],
  },
});
