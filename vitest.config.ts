import { defineConfig } from 'vitest/config';

// Five projects: `unit` needs nothing but Node and installs nothing; `tools` runs what users run on the shipped
// files (promtool, amtool: built into the cache by its global setup); `stack` runs against the real local stack
// (Kafka, collector, Jaeger, Prometheus, PostgreSQL), which its global setup brings up once for the run; `compose`
// runs the shipped docker-compose.yml on a Docker engine it starts itself, once the others are done; `kube` installs
// the Helm chart into a Kubernetes API server built from the Go module proxy.
const TEMP_DIR_SETUP = 'packages/devstack/test/temp-dir-setup.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          globalSetup: [TEMP_DIR_SETUP],
          include: ['packages/*/test/**/*.test.ts'],
          exclude: [
            '**/*.stack.test.ts',
            '**/*.compose.test.ts',
            '**/*.tools.test.ts',
            '**/*.kube.test.ts',
            '**/node_modules/**',
          ],
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'tools',
          include: ['packages/*/test/**/*.tools.test.ts'],
          globalSetup: [TEMP_DIR_SETUP, 'packages/devstack/test/system-setup.ts'],
          sequence: { groupOrder: 0 },
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'stack',
          include: ['packages/*/test/**/*.stack.test.ts'],
          // Browser tests poll what the page shows while a 1,000,000-event ledger answers.
          expect: { poll: { timeout: 20_000 } },
          globalSetup: [TEMP_DIR_SETUP, 'packages/devstack/test/global-setup.ts'],
          sequence: { groupOrder: 0 },
          testTimeout: 240_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // The Helm chart installed into a real kube-apiserver (with etcd and kube-controller-manager) on loopback.
        test: {
          name: 'kube',
          include: ['packages/*/test/**/*.kube.test.ts'],
          globalSetup: [TEMP_DIR_SETUP, 'packages/devstack/test/kube-setup.ts'],
          sequence: { groupOrder: 0 },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        // `docker compose up` on a Docker engine of its own, after the other projects (fixed published ports).
        test: {
          name: 'compose',
          include: ['packages/*/test/**/*.compose.test.ts'],
          globalSetup: [TEMP_DIR_SETUP, 'packages/devstack/test/system-setup.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 600_000,
          hookTimeout: 3_600_000,
        },
      },
    ],
  },
});
