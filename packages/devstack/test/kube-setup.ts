// Vitest global setup for the `kube` project: Helm 4 and a Kubernetes control plane (kube-apiserver,
// kube-controller-manager, etcd), built from the Go module proxy into the cache once — a cold build takes minutes,
// more than a hook's timeout, so it happens here.
import { ensureControlPlane, ensureKubernetesTools, stderrProgress } from '../src/index.js';

export default async function setup(): Promise<void> {
  await ensureKubernetesTools(stderrProgress);
  await ensureControlPlane(stderrProgress);
}
