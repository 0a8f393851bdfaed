// Test projects: unit (pure, fast), integration (real PostgreSQL + real Temporal), browser (Chromium).
import { defineConfig } from 'vitest/config';

const services = ['test/support/global-setup.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'runtime/**/*.test.ts',
            'platform/**/*.test.ts',
            'workflows/**/*.test.ts',
            'templates/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: services,
          // The Temporal native bridge is not thread-safe across vitest threads.
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: services,
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
