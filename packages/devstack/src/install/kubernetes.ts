// What the Helm chart's tests need, from the Go module proxy: Helm 4 (go install), the Kubernetes OpenAPI schema of
// a current release (api/openapi-spec/swagger.json in the k8s.io/kubernetes module) and the Prometheus Operator's
// CRDs (their openAPIV3Schema). The control plane the chart is installed into is kube-apiserver.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import { goBuildEnv } from './go-env.js';

export const HELM_VERSION = 'v4.3.1';
export const KUBERNETES_VERSION = 'v1.37.2';
export const PROMETHEUS_OPERATOR_VERSION = 'v0.85.0';

export interface KubernetesTools {
  helm: string;
  /** Swagger 2.0 definitions of every built-in kind. */
  swagger: string;
  /** CRD manifests by kind. */
  crds: { ServiceMonitor: string; PrometheusRule: string };
}

async function moduleDir(module: string, progress: Progress): Promise<string> {
  progress(
    `kubernetes schemas: ${module} (Go's module cache; downloaded from the module proxy the first time)`,
  );
  const info = JSON.parse(
    await runCommand('go', ['mod', 'download', '-json', module], { env: goBuildEnv() }),
  ) as {
    Dir: string;
  };
  return info.Dir;
}

export async function ensureKubernetesTools(progress: Progress): Promise<KubernetesTools> {
  const bin = join(cacheDir(), 'helm', HELM_VERSION);
  const helm = join(bin, 'helm');
  if (!existsSync(helm)) {
    progress(`helm: building helm.sh/helm/v4 ${HELM_VERSION} from the Go module proxy (once, a few minutes)`);
    await runCommand(
      'go',
      ['install', '-trimpath', '-ldflags=-s -w', `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`],
      { env: { ...goBuildEnv(), GOBIN: bin } },
    );
  }
  const kubernetes = await moduleDir(`k8s.io/kubernetes@${KUBERNETES_VERSION}`, progress);
  const operator = await moduleDir(
    `github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}`,
    progress,
  );
  const crd = (name: string) =>
    join(operator, 'example', 'prometheus-operator-crd', `monitoring.coreos.com_${name}.yaml`);
  return {
    helm,
    swagger: join(kubernetes, 'api', 'openapi-spec', 'swagger.json'),
    crds: { ServiceMonitor: crd('servicemonitors'), PrometheusRule: crd('prometheusrules') },
  };
}
