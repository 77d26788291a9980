// deploy/helm/genops installed with Helm 4 into a real Kubernetes v1.37 control plane (kube-apiserver, etcd and
// kube-controller-manager built from the Go module proxy, on loopback): every namespace enforces Pod Security
// "restricted". For the default values and each documented variant: `helm install` succeeds without a Pod Security
// warning, every rendered object reads back from the server carrying its values plus the server's defaults, and the
// controllers create every replica's Pod (admitted; no kubelet runs them). Then upgrade, a refused root variant,
// rollback and uninstall leaving nothing behind.
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureKubernetesTools,
  startKubernetes,
  stderrProgress,
  type KubeCluster,
  type KubernetesTools,
} from '@genops/devstack';
import { until, type UntilOptions } from '@genops/fakes';
import { chart, runHelm, valuesFile, VARIANTS, type K8sObject } from './support/helm-chart.js';
import {
  apiPath,
  currentRevision,
  listLeftovers,
  ownedPods,
  replicaFailures,
} from './support/kube-objects.js';

/** How the test waits on the controllers: a read that fails while the server settles is "not yet". */
const POLL: UntilOptions = { timeoutMs: 30_000, intervalMs: 200, retryErrors: true };

let tools: KubernetesTools;
let cluster: KubeCluster;

function helm(args: string[]): { status: number | null; out: string } {
  return runHelm(tools.helm, ['--kubeconfig', cluster.kubeconfig, ...args]);
}

async function restrictedNamespace(name: string): Promise<void> {
  const created = await cluster.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}

/** The objects of a release as Helm sent them. */
function manifest(release: string, namespace: string): K8sObject[] {
  const r = helm(['get', 'manifest', release, '-n', namespace]);
  expect(r.status, r.out).toBe(0);
  return parseAllDocuments(r.out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

async function read(object: K8sObject, namespace: string): Promise<Record<string, unknown>> {
  const r = await cluster.request(
    'GET',
    apiPath(object.apiVersion, object.kind, namespace, object.metadata.name),
  );
  expect(r.status, `${object.kind}/${object.metadata.name}`).toBe(200);
  return r.body;
}

/**
 * Every Deployment's current revision has its Pods, made by its ReplicaSet: the server admitted each. A fresh install
 * wants all replicas; a rolling update (no Pod ever ready without a kubelet) at least its first.
 */
async function expectPodsAdmitted(namespace: string, objects: K8sObject[], fresh: boolean): Promise<void> {
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const { wanted, pods, failures } = await until(
      `the pods of ${d.metadata.name}`,
      () => currentRevision(cluster, namespace, d.metadata.name),
      (current) => current.wanted > 0 && current.pods.length === current.wanted,
      POLL,
    );
    // Without a replicas field (the HPA's Deployment) the HorizontalPodAutoscaler controller sets it: to minReplicas.
    if (fresh) expect(wanted).toBe(d.spec!.replicas ?? 2);
    expect(pods.map((p) => p.status.phase)).toEqual(Array<string>(wanted).fill('Pending'));
    expect(failures).toEqual([]);
  }
}

beforeAll(async () => {
  tools = await ensureKubernetesTools(stderrProgress);
  cluster = await startKubernetes(mkdtempSync(join(tmpdir(), 'genops-kube-')), stderrProgress);
  // The Prometheus Operator's CRDs from its published definitions, as a cluster running the operator has them.
  for (const file of Object.values(tools.crds)) {
    const crd = parseYaml(readFileSync(file, 'utf8')) as K8sObject;
    const r = await cluster.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await until(
      `established CRD ${crd.metadata.name}`,
      () =>
        cluster.request<{ status?: { conditions?: { type: string; status: string }[] } }>(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
        ),
      (got) =>
        got.body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false,
      POLL,
    );
  }
});

afterAll(async () => {
  await cluster?.stop();
});

describe('deploy/helm/genops in a Kubernetes v1.37 API server, Pod Security "restricted"', () => {
  const variants = Object.entries(VARIANTS);
  for (const [index, [name, values]] of variants.entries()) {
    it(`installs, admitted, and reads back with its values: ${name}`, async () => {
      const namespace = `variant-${index}`;
      await restrictedNamespace(namespace);
      const r = helm(['install', 'genops', chart, '-n', namespace, '-f', valuesFile(values)]);
      expect(r.status, r.out).toBe(0);
      expect(r.out).toContain('STATUS: deployed');
      expect(r.out).not.toContain('PodSecurity');
      const objects = manifest('genops', namespace);
      expect(objects.length).toBeGreaterThan(0);
      for (const object of objects) expect(await read(object, namespace)).toMatchObject(object);
      await expectPodsAdmitted(namespace, objects, true);
    });
  }

  it("reads back the server's defaults on what it admitted", async () => {
    const processor = await read(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'genops-processor' } },
      'variant-0',
    );
    expect(processor.spec).toMatchObject({
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: {
        spec: {
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          terminationGracePeriodSeconds: 30,
        },
      },
    });
    const [pod] = await ownedPods(cluster, 'variant-0', 'genops-processor');
    // Admission filled in the ServiceAccount, its token volume and the not-ready/unreachable tolerations.
    expect(pod!.spec.serviceAccountName).toBe('default');
    expect(pod!.spec.volumes.map((v) => v.name)).toEqual([
      'budgets',
      'tmp',
      'prices',
      expect.stringMatching(/^kube-api-access-/),
    ]);
    expect(pod!.spec.tolerations).toEqual([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    const service = await read(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'genops-processor' } },
      'variant-0',
    );
    expect(service.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None' });
    expect((service.spec as { clusterIP: string }).clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    const claim = await read(
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'genops-collector-queue' } },
      'variant-2',
    );
    expect(claim.spec).toMatchObject({ volumeMode: 'Filesystem', storageClassName: 'standard' });
  });

  describe('one release through its lifecycle', () => {
    const namespace = 'lifecycle';
    const processor = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'genops-processor' } };
    const upgrade = (values: Record<string, unknown>, ...flags: string[]) =>
      helm(['upgrade', 'genops', chart, '-n', namespace, ...flags, '-f', valuesFile(values)]);
    const env = async () =>
      (
        (await read(processor, namespace)) as {
          spec: { template: { spec: { containers: { env: unknown[] }[] } } };
        }
      ).spec.template.spec.containers[0]!.env;

    it('upgrades with changed values', async () => {
      await restrictedNamespace(namespace);
      expect(helm(['install', 'genops', chart, '-n', namespace]).status).toBe(0);
      const r = upgrade({ processor: { replicas: 3, env: { GENOPS_RECONCILE_SAMPLE: '0.5' } } });
      expect(r.status, r.out).toBe(0);
      expect(r.out).toContain('REVISION: 2');
      expect(((await read(processor, namespace)).spec as { replicas: number }).replicas).toBe(3);
      expect(await env()).toContainEqual({ name: 'GENOPS_RECONCILE_SAMPLE', value: '0.5' });
      await expectPodsAdmitted(namespace, manifest('genops', namespace), false);
    });

    it('has a root variant refused by Pod Security: no Pod of it is admitted', async () => {
      const r = upgrade({ podSecurityContext: { runAsNonRoot: false, runAsUser: 0 } }, '--reuse-values');
      expect(r.status, r.out).toBe(0);
      // Helm shows the server's warning for each Deployment's pod template…
      expect(
        r.out.match(/Warning: would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true/g),
      ).toHaveLength(2);
      // …and the server refuses the Pods themselves.
      const failures = await until(
        'the ReplicaSets refused',
        () => replicaFailures(cluster, namespace),
        (found) => found.length === 2,
        POLL,
      );
      for (const failure of failures)
        expect(failure).toMatch(
          /^pods "genops-(collector|processor)-\w+-\w+" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true \(pod must not set securityContext.runAsNonRoot=false\), runAsUser=0 \(pod must not set runAsUser=0\)$/,
        );
      // The pods of revision 2 keep running: no root pod exists.
      const pods = await ownedPods(cluster, namespace, 'genops-processor');
      expect(pods.length).toBeGreaterThan(0);
      expect(new Set(pods.map((p) => p.spec.securityContext.runAsUser))).toEqual(new Set([65532]));
    });

    it('rolls back to the first revision', async () => {
      const r = helm(['rollback', 'genops', '1', '-n', namespace]);
      expect(r.status, r.out).toBe(0);
      expect(((await read(processor, namespace)).spec as { replicas: number }).replicas).toBe(2);
      expect(await env()).not.toContainEqual({ name: 'GENOPS_RECONCILE_SAMPLE', value: '0.5' });
      const history = helm(['history', 'genops', '-n', namespace, '-o', 'json']);
      expect(
        (JSON.parse(history.out) as { revision: number; status: string; description: string }[]).map((h) => [
          h.revision,
          h.status,
          h.description,
        ]),
      ).toEqual([
        [1, 'superseded', 'Install complete'],
        [2, 'superseded', 'Upgrade complete'],
        [3, 'superseded', 'Upgrade complete'],
        [4, 'deployed', 'Rollback to 1'],
      ]);
      await expectPodsAdmitted(namespace, manifest('genops', namespace), false);
    });

    it('uninstalls leaving nothing behind', async () => {
      const r = helm(['uninstall', 'genops', '-n', namespace]);
      expect(r.status, r.out).toBe(0);
      // Garbage collection removes the ReplicaSets and Pods the Deployments made.
      await expect.poll(() => listLeftovers(cluster, namespace), { timeout: 30_000 }).toEqual([]);
    });
  });

  it('stops the control plane cleanly: its ports closed, its state folder gone', async () => {
    const port = Number(new URL(cluster.server).port);
    const dir = cluster.dir;
    await cluster.stop();
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    expect(open).toBe(false);
    expect(() => readFileSync(join(dir, 'kubeconfig.yaml'))).toThrow('ENOENT');
  });
});
