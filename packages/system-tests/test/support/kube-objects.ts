// Reading what a Helm release made in a namespace of the test's Kubernetes API server.
import type { KubeCluster } from '@genops/devstack';

/** k8s kind → its resource name (ConfigMap → configmaps, NetworkPolicy → networkpolicies, Ingress → ingresses). */
function plural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}

/** REST path of a namespaced object (or of the collection, without `name`). */
export function apiPath(apiVersion: string, kind: string, namespace: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}/namespaces/${namespace}/${plural(kind)}${name ? `/${name}` : ''}`;
}

interface Owned {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
}

export interface Pod extends Owned {
  spec: {
    serviceAccountName: string;
    volumes: { name: string }[];
    tolerations: unknown[];
    securityContext: { runAsUser?: number };
  };
  status: { phase: string };
}

interface ReplicaSet extends Owned {
  metadata: Owned['metadata'] & { annotations?: Record<string, string> };
  spec: { replicas: number };
  status: { conditions?: { type: string; status: string; message: string }[] };
}

async function list<T>(
  cluster: KubeCluster,
  apiVersion: string,
  kind: string,
  namespace: string,
): Promise<T[]> {
  const r = await cluster.request<{ items: T[] }>('GET', apiPath(apiVersion, kind, namespace));
  if (r.status !== 200) throw new Error(`list ${kind}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.items;
}

const ownedBy = (object: Owned, kind: string, names: string[]) =>
  (object.metadata.ownerReferences ?? []).some((o) => o.kind === kind && names.includes(o.name));

async function replicaSets(
  cluster: KubeCluster,
  namespace: string,
  deployment: string,
): Promise<ReplicaSet[]> {
  return (await list<ReplicaSet>(cluster, 'apps/v1', 'ReplicaSet', namespace)).filter((rs) =>
    ownedBy(rs, 'Deployment', [deployment]),
  );
}

async function podsOf(cluster: KubeCluster, namespace: string, sets: ReplicaSet[]): Promise<Pod[]> {
  const names = sets.map((rs) => rs.metadata.name);
  return (await list<Pod>(cluster, 'v1', 'Pod', namespace)).filter((p) => ownedBy(p, 'ReplicaSet', names));
}

/** The Pods of a Deployment's ReplicaSets. */
export async function ownedPods(cluster: KubeCluster, namespace: string, deployment: string): Promise<Pod[]> {
  return podsOf(cluster, namespace, await replicaSets(cluster, namespace, deployment));
}

/**
 * The Deployment's current revision: its newest ReplicaSet's wanted replicas and the Pods it has. With no kubelet no
 * Pod becomes ready, so a rolling update stops after its first surge; a fresh install wants every replica at once.
 */
export async function currentRevision(
  cluster: KubeCluster,
  namespace: string,
  deployment: string,
): Promise<{ wanted: number; pods: Pod[]; failures: string[] }> {
  const revision = (rs: ReplicaSet) =>
    Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  const sets = await replicaSets(cluster, namespace, deployment);
  const newest = sets.reduce((a, b) => (revision(b) > revision(a) ? b : a));
  return {
    wanted: newest.spec.replicas,
    pods: await podsOf(cluster, namespace, [newest]),
    failures: failuresOf(newest),
  };
}

const failuresOf = (rs: ReplicaSet) =>
  (rs.status.conditions ?? [])
    .filter((c) => c.type === 'ReplicaFailure' && c.status === 'True')
    .map((c) => c.message);

/** The messages of ReplicaSets that could not create their Pods (ReplicaFailure). */
export async function replicaFailures(cluster: KubeCluster, namespace: string): Promise<string[]> {
  return (await list<ReplicaSet>(cluster, 'apps/v1', 'ReplicaSet', namespace)).flatMap(failuresOf);
}

/** Every kind the chart or its controllers can make, and what a namespace has by itself. */
const KINDS: [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['v1', 'Endpoints'],
  ['v1', 'ServiceAccount'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'Pod'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'StatefulSet'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['monitoring.coreos.com/v1', 'ServiceMonitor'],
  ['monitoring.coreos.com/v1', 'PrometheusRule'],
];
const NAMESPACE_OWN = new Set(['ServiceAccount/default', 'ConfigMap/kube-root-ca.crt']);

/** `Kind/name` of everything in the namespace but what every namespace has. */
export async function listLeftovers(cluster: KubeCluster, namespace: string): Promise<string[]> {
  const found: string[] = [];
  for (const [apiVersion, kind] of KINDS)
    for (const item of await list<Owned>(cluster, apiVersion, kind, namespace))
      found.push(`${kind}/${item.metadata.name}`);
  return found.filter((f) => !NAMESPACE_OWN.has(f));
}
