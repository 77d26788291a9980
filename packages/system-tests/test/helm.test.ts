// deploy/helm/genops: `helm lint` and `helm template` (Helm 4 built from the Go module proxy) for the default values
// and each documented variant, every rendered object validated against the Kubernetes v1.37 OpenAPI schema (strict:
// unknown fields are errors) and the Prometheus Operator CRD schemas; security defaults; the chart's copies of the
// collector config, overlays, rules and dashboards equal to their sources. Installing it into a real API server is
// helm-install.kube.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKubernetesTools, repoRoot, stderrProgress, type KubernetesTools } from '@genops/devstack';
import { chart, runHelm, valuesFile, VARIANTS, type K8sObject } from './support/helm-chart.js';

const root = repoRoot();
let tools: KubernetesTools;
let validateObject: (object: K8sObject) => string[];

type Schema = Record<string, unknown>;

interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: { securityContext?: Record<string, unknown>; env?: { name: string; valueFrom?: unknown }[] }[];
}

const podSpec = (workload: K8sObject) => (workload.spec as { template: { spec: PodSpec } }).template.spec;

/**
 * kubectl's strict field validation: an object schema that lists its properties accepts no others. Go regexps
 * JavaScript cannot compile (`(?i)…` in the operator's CRDs) are dropped: the API server checks those.
 */
function strict(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as Schema;
  if (typeof s.pattern === 'string') {
    try {
      new RegExp(s.pattern, 'u');
    } catch {
      delete s.pattern;
    }
  }
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields'])
    s.additionalProperties = false;
  for (const value of Object.values(s)) {
    if (Array.isArray(value)) value.forEach(strict);
    else if (value && typeof value === 'object') strict(value);
  }
}

function helm(args: string[]): { status: number | null; out: string } {
  return runHelm(tools.helm, args);
}

function render(values: Record<string, unknown> = {}): K8sObject[] {
  const r = helm(['template', 'genops', chart, '-f', valuesFile(values)]);
  expect(r.status, r.out).toBe(0);
  return parseAllDocuments(r.out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

beforeAll(async () => {
  tools = await ensureKubernetesTools(stderrProgress);
  const swagger = JSON.parse(readFileSync(tools.swagger, 'utf8')) as { definitions: Record<string, Schema> };
  const defs = swagger.definitions;
  // int-or-string and quantities are strings or numbers in manifests.
  defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = {
    anyOf: [{ type: 'string' }, { type: 'integer' }],
  };
  defs['io.k8s.apimachinery.pkg.api.resource.Quantity'] = { anyOf: [{ type: 'string' }, { type: 'number' }] };
  strict(defs);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'k8s.json', definitions: defs });
  // Compiled on first use (a schema per kind seen), from the definition that declares the kind.
  const byKind = new Map<string, () => ValidateFunction>();
  for (const [name, def] of Object.entries(defs)) {
    const gvks =
      (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[]) ?? [];
    for (const gvk of gvks) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      let compiled: ValidateFunction | undefined;
      byKind.set(
        `${apiVersion} ${gvk.kind}`,
        () => (compiled ??= ajv.compile({ $ref: `k8s.json#/definitions/${name}` })),
      );
    }
  }
  for (const [kind, file] of Object.entries(tools.crds)) {
    const crd = parseYaml(readFileSync(file, 'utf8')) as {
      spec: { group: string; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
    };
    for (const version of crd.spec.versions) {
      strict(version.schema.openAPIV3Schema);
      const compiled = ajv.compile(version.schema.openAPIV3Schema);
      byKind.set(`${crd.spec.group}/${version.name} ${kind}`, () => compiled);
    }
  }
  validateObject = (object) => {
    const schema = byKind.get(`${object.apiVersion} ${object.kind}`);
    if (!schema) return [`no schema for ${object.apiVersion} ${object.kind}`];
    const validate = schema();
    const valid: boolean = validate(object);
    if (valid) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${object.kind}/${object.metadata.name}${e.instancePath}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  };
}, 900_000);

describe('deploy/helm/genops', () => {
  it('passes helm lint for the default values and every variant', () => {
    for (const [name, values] of Object.entries(VARIANTS)) {
      const r = helm(['lint', chart, '-f', valuesFile(values)]);
      expect(r.out, name).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  for (const [name, values] of Object.entries(VARIANTS)) {
    it(`renders objects the Kubernetes ${'v1.37'} and Prometheus Operator schemas accept: ${name}`, () => {
      const objects = render(values);
      expect(objects.length).toBeGreaterThan(0);
      expect(objects.flatMap(validateObject)).toEqual([]);
    });
  }

  it('renders what each variant asks for', () => {
    const kinds = (values: Record<string, unknown>) =>
      render(values)
        .map((o) => o.kind)
        .sort();
    expect(kinds({})).toEqual([
      'ConfigMap',
      'ConfigMap',
      'Deployment',
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'Service',
    ]);
    expect(kinds(VARIANTS['everything on']!)).toEqual([
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'Deployment',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Service',
      'Service',
      'ServiceMonitor',
    ]);
    expect(kinds(VARIANTS['queue on a volume']!)).toContain('PersistentVolumeClaim');
    const ingress = render(VARIANTS['console on an ingress']!).find(
      (o) => o.kind === 'Ingress',
    ) as unknown as {
      spec: {
        ingressClassName: string;
        tls: unknown[];
        rules: { host: string; http: { paths: unknown[] } }[];
      };
    };
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['genops.internal.example'], secretName: 'genops-tls' }],
      rules: [
        {
          host: 'genops.internal.example',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'genops-processor', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
  });

  it('fails the check on a wrong field, so the schemas really bind (negative case)', () => {
    const deployment = render().find((o) => o.kind === 'Deployment')!;
    const broken = JSON.parse(JSON.stringify(deployment)) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    broken.spec.template.spec.containers[0]!.imagee = 'typo';
    expect(validateObject(broken as unknown as K8sObject)).toEqual([
      `Deployment/${deployment.metadata.name}/spec/template/spec/containers/0: must NOT have additional properties (imagee)`,
    ]);
  });

  it('refuses values that cannot work, saying which', () => {
    const shared = helm([
      'template',
      'genops',
      chart,
      '-f',
      valuesFile({ collector: { replicas: 2, persistence: { enabled: true } } }),
    ]);
    expect(shared.status).toBe(1);
    expect(shared.out).toContain('collector.persistence.enabled needs collector.replicas: 1');
    const overlay = helm([
      'template',
      'genops',
      chart,
      '-f',
      valuesFile({ collector: { overlay: 'nope.yaml' } }),
    ]);
    expect(overlay.status).toBe(1);
    expect(overlay.out).toContain("values don't meet the specifications of the schema");
    expect(overlay.out).toContain(
      "- at '/collector/overlay': value must be one of 'without-saas.yaml', 'all-destinations.yaml', 'langfuse.yaml'",
    );
    // A secret is not a plain setting: processor.env refuses it (and anything not GENOPS_*).
    for (const name of ['GENOPS_API_TOKENS', 'NODE_OPTIONS']) {
      const secret = helm([
        'template',
        'genops',
        chart,
        '-f',
        valuesFile({ processor: { env: { [name]: 'x' } } }),
      ]);
      expect(secret.status, name).toBe(1);
      expect(secret.out, name).toContain(`invalid propertyName '${name}'`);
    }
  });

  it('runs non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile', () => {
    for (const d of render(VARIANTS['everything on']!).filter((o) => o.kind === 'Deployment')) {
      const pod = podSpec(d);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const c of pod.containers)
        expect(c.securityContext, d.metadata.name).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
    }
  });

  it('puts no secret in values or ConfigMaps: keys and the ledger URL come from existing Secrets', () => {
    const objects = render(VARIANTS['everything on']!);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const env = objects
      .filter((o) => o.kind === 'Deployment')
      .flatMap((d) => podSpec(d).containers.flatMap((c) => c.env ?? []));
    // Each from the Secret its value names (the SaaS keys once rendered the chart's whole context as the name).
    for (const [name, secret] of [
      ['GENOPS_LEDGER_URL', 'genops-processor'],
      ['GENOPS_API_TOKENS', 'genops-processor'],
      ['DD_API_KEY', 'genops-saas'],
      ['HONEYCOMB_API_KEY', 'genops-saas'],
      ['LANGFUSE_SECRET_KEY', 'genops-saas'],
    ])
      expect(
        env.find((e) => e.name === name),
        name,
      ).toMatchObject({ valueFrom: { secretKeyRef: { name: secret, key: name } } });
    // processor.env: settings as plain values.
    for (const [name, value] of [
      ['GENOPS_RECONCILE_SAMPLE', '0.2'],
      ['GENOPS_RECONCILE_RATE', '10'],
    ])
      expect(env.find((e) => e.name === name)).toEqual({ name, value });
    // Reconciliation's OpenRouter key: from the processor's Secret when it has one, else off.
    expect(env.find((e) => e.name === 'GENOPS_OPENROUTER_API_KEY')).toEqual({
      name: 'GENOPS_OPENROUTER_API_KEY',
      valueFrom: {
        secretKeyRef: { name: 'genops-processor', key: 'GENOPS_OPENROUTER_API_KEY', optional: true },
      },
    });
  });

  it('carries collector/config.yaml, its overlays, alerts/genops.rules.yml and the Grafana dashboards unchanged', () => {
    const same = (copy: string, source: string) =>
      expect(readFileSync(join(chart, 'files', copy), 'utf8'), copy).toBe(
        readFileSync(join(root, source), 'utf8'),
      );
    same('collector/config.yaml', 'collector/config.yaml');
    expect(readdirSync(join(chart, 'files', 'collector', 'overlays')).sort()).toEqual(
      readdirSync(join(root, 'collector', 'overlays')).sort(),
    );
    for (const f of readdirSync(join(root, 'collector', 'overlays')))
      same(`collector/overlays/${f}`, `collector/overlays/${f}`);
    same('alerts/genops.rules.yml', 'alerts/genops.rules.yml');
    expect(readdirSync(join(chart, 'files', 'dashboards')).sort()).toEqual(
      readdirSync(join(root, 'dashboards', 'grafana'))
        .filter((f) => f.endsWith('.json'))
        .sort(),
    );
    for (const f of readdirSync(join(chart, 'files', 'dashboards')))
      same(`dashboards/${f}`, `dashboards/grafana/${f}`);
    // …and renders them: the PrometheusRule holds the rule groups, the ConfigMap the config.
    const objects = render(VARIANTS['everything on']!);
    const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
    expect(rule.spec).toEqual(parseYaml(readFileSync(join(root, 'alerts', 'genops.rules.yml'), 'utf8')));
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'genops-collector')!;
    expect(config.data!['config.yaml']).toBe(readFileSync(join(root, 'collector', 'config.yaml'), 'utf8'));
  });
});
