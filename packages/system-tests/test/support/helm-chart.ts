// The Helm chart under test (deploy/helm/genops), its documented value variants, and Helm itself as a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@genops/devstack';

export const chart = join(repoRoot(), 'deploy', 'helm', 'genops');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** The README's variants: each documented way of installing the chart. */
export const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  'everything on': {
    collector: { autoscaling: { enabled: true }, overlay: 'langfuse.yaml', saasSecretName: 'genops-saas' },
    processor: {
      replicas: 3,
      budgets: [{ team: 'growth', period: 'weekly', limitUsd: 50, enforcement: 'hard' }],
      env: { GENOPS_RECONCILE_SAMPLE: '0.2', GENOPS_RECONCILE_RATE: '10' },
    },
    prometheusOperator: { enabled: true, labels: { release: 'kube-prometheus' } },
    grafanaDashboards: { enabled: true },
    networkPolicy: { enabled: true, clientLabels: { 'genops.io/client': 'true' } },
  },
  'queue on a volume': {
    collector: { replicas: 1, persistence: { enabled: true, storageClassName: 'standard' } },
  },
  'all destinations': { collector: { overlay: 'all-destinations.yaml', saasSecretName: 'genops-saas' } },
  'console on an ingress': {
    processor: {
      ingress: {
        enabled: true,
        className: 'nginx',
        host: 'genops.internal.example',
        tlsSecretName: 'genops-tls',
      },
    },
  },
};

/** Values written to a file for `-f` (JSON is YAML). */
export function valuesFile(values: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'genops-values-')), 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

/** Runs Helm; `out` is stdout then stderr. */
export function runHelm(helm: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(helm, args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
