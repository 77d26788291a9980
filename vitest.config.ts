import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `stack` runs against the real local stack (Kafka, collector,
// Jaeger, Prometheus, PostgreSQL), which its global setup brings up once for the run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: ['**/*.stack.test.ts', '**/node_modules/**'],
          globalSetup: ['packages/devstack/test/system-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'stack',
          include: ['packages/*/test/**/*.stack.test.ts'],
          globalSetup: ['packages/devstack/test/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
