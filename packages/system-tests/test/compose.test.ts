// docker-compose.yml, validated without a Docker engine: against the Compose Specification's JSON schema
// (fixtures/compose-spec.json, from github.com/compose-spec/compose-go/v2@v2.16.2 schema/), every mounted file and
// build context exists, every host:port the configs use names a compose service on a port it listens on, and
// every environment variable the configs read is set or documented.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@genops/processor';
import { repoRoot } from '@genops/devstack';

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const composeText = read('docker-compose.yml');

/** `.env.example` as a map: the values a user starts from. */
const envExample = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

/** Compose's variable interpolation (`${VAR}`, `${VAR:-default}`, `${VAR:?error}`) with `.env.example`. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Z_][A-Z0-9_]*)(?::?([-?])([^}]*))?\}/g,
    (_m, name: string, kind, arg: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (kind === '?') throw new Error(`${name} is required: ${arg}`);
      return kind === '-' ? arg : '';
    },
  );
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  hostname?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  secrets?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { environment?: string; file?: string }>;
  volumes: Record<string, unknown>;
}
const compose = parse(interpolate(composeText, envExample)) as Compose;
const services = compose.services;
const env = (name: string) =>
  Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * Ports each service listens on inside the compose network, read from the configs that decide them; where the
 * port is an image's built-in default it is named as such.
 */
function listeningPorts(): Record<string, number[]> {
  const collectorConfig = read('collector/config.yaml');
  const collectorDefault = (name: string) => {
    const m = collectorConfig.match(new RegExp(`\\$\\{env:${name}:-[^}]*:(\\d+)\\}`));
    if (!m) throw new Error(`collector/config.yaml has no default port for ${name}`);
    return Number(m[1]);
  };
  const collectorTelemetry = collectorConfig.match(/\$\{env:GENOPS_COLLECTOR_TELEMETRY_PORT:-(\d+)\}/);
  const kafka = env('kafka');
  return {
    kafka: [...kafka.KAFKA_LISTENERS!.matchAll(/:(\d+)/g)].map((m) => Number(m[1])),
    collector: [
      collectorDefault('GENOPS_OTLP_GRPC_ENDPOINT'),
      collectorDefault('GENOPS_OTLP_HTTP_ENDPOINT'),
      collectorDefault('GENOPS_PROMETHEUS_EXPORTER_ENDPOINT'),
      collectorDefault('GENOPS_COLLECTOR_HEALTH_ENDPOINT'),
      Number(collectorTelemetry![1]),
    ],
    processor: [Number(env('processor').GENOPS_HTTP_PORT)],
    'fake-openrouter': [Number(env('fake-openrouter').FAKE_OPENROUTER_PORT)],
    'example-service': [Number(env('example-service').PORT)],
    // Image defaults: Jaeger v2 all-in-one (OTLP 4317/4318, UI 16686, health 13133), Prometheus 9090,
    // Alertmanager 9093, Grafana 3000, PostgreSQL 5432.
    jaeger: [4317, 4318, 16686, 13133],
    prometheus: [9090],
    alertmanager: [9093],
    grafana: [3000],
    postgres: [5432],
  };
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, 'fixtures', 'compose-spec.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('would notice an invalid file', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, 'fixtures', 'compose-spec.json'), 'utf8'),
    ) as object;
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
    expect(
      validate({ services: { x: { image: 'a', depends_on: { y: { condition: 'when_ready' } } } } }),
    ).toBe(false);
  });

  it('runs the whole pipeline: every component of the issue is a service', () => {
    expect(Object.keys(services).sort()).toEqual([
      'alertmanager',
      'collector',
      'example-service',
      'fake-openrouter',
      'grafana',
      'jaeger',
      'kafka',
      'postgres',
      'processor',
      'prometheus',
    ]);
  });

  it('mounts only files and folders that exist, and builds from existing contexts, Dockerfiles and targets', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(root, source)), `${name}: ${v}`).toBe(true);
        else expect(compose.volumes, `${name}: named volume ${source}`).toHaveProperty(source);
      }
      if (!s.build) continue;
      const context = join(root, s.build.context);
      const dockerfile = join(context, s.build.dockerfile ?? 'Dockerfile');
      expect(statSync(context).isDirectory(), name).toBe(true);
      const text = readFileSync(dockerfile, 'utf8');
      if (s.build.target)
        expect(text, `${name}: target`).toMatch(new RegExp(`^FROM .* AS ${s.build.target}$`, 'm'));
      // Every COPY source from the build context exists.
      for (const m of text.matchAll(/^COPY (?!--from)((?:\S+ )+)\S+$/gm))
        for (const src of m[1]!.trim().split(' '))
          expect(existsSync(join(context, src)), `${name}: ${dockerfile} COPY ${src}`).toBe(true);
    }
  });

  it('publishes only container ports the service listens on, and only on loopback', () => {
    const ports = listeningPorts();
    for (const [name, s] of Object.entries(services))
      for (const p of s.ports ?? []) {
        const [host, , container] = p.split(':');
        expect(host, `${name}: ${p}`).toBe('127.0.0.1');
        expect(ports[name], `${name}: ${p}`).toContain(Number(container));
      }
  });

  it('points every host:port in the service configs at a service listening there', () => {
    const ports = listeningPorts();
    const sources: Record<string, string> = {
      'compose environment': Object.values(services)
        .flatMap((s) => Object.values(s.environment ?? {}))
        .join('\n'),
      'deploy/prometheus/prometheus.yml': read('deploy/prometheus/prometheus.yml'),
      'grafana datasources': read('dashboards/grafana/provisioning/datasources/genops.yml'),
      'collector/config.yaml defaults': read('collector/config.yaml'),
    };
    const names = Object.keys(services).join('|');
    const found: string[] = [];
    for (const [where, text] of Object.entries(sources))
      for (const m of text.matchAll(new RegExp(`(?<![\\w.-])(${names}):(\\d+)`, 'g'))) {
        found.push(`${m[1]}:${m[2]}`);
        expect(ports[m[1]!], `${where}: ${m[0]}`).toContain(Number(m[2]));
        expect(services[m[1]!]!.hostname ?? m[1], `${where}: ${m[0]}`).toBe(m[1]);
      }
    expect([...new Set(found)].sort()).toEqual([
      'alertmanager:9093',
      'collector:4317',
      'collector:8888',
      'collector:8889',
      'fake-openrouter:8090',
      'jaeger:16686',
      'jaeger:4317',
      'kafka:9092',
      'kafka:9094',
      'postgres:5432',
      'processor:8080',
      'prometheus:9090',
    ]);
  });

  it('starts services after their dependencies are healthy, each of which has a health check', () => {
    for (const [name, s] of Object.entries(services))
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck?.test, `${dep}`).toBeDefined();
      }
    expect(services.processor!.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    });
  });

  it('documents in .env.example every variable it interpolates, and ignores .env', () => {
    const used = [...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
    const secretsEnv = Object.values(compose.secrets).flatMap((s) => (s.environment ? [s.environment] : []));
    for (const name of [...used, ...secretsEnv]) expect(Object.keys(envExample), name).toContain(name);
    expect(read('.gitignore').split('\n')).toContain('.env');
    expect(() => interpolate(composeText, {})).toThrow(/^[A-Z_]+ is required: set [A-Z_]+ in .env$/);
  });

  it('sets or defaults every environment variable collector/config.yaml reads, and documents each', () => {
    const config = read('collector/config.yaml');
    const readme = read('collector/README.md');
    const set = env('collector');
    for (const m of config.matchAll(/\$\{env:([A-Z_0-9]+)(:-)?/g)) {
      expect(m[2] === ':-' || m[1]! in set, `${m[1]} is neither set nor defaulted`).toBe(true);
      expect(readme, `${m[1]} in collector/README.md`).toContain(`\`${m[1]}\``);
    }
    const overlay = services.collector!.command!.at(-1)!.split('/').at(-1)!;
    expect(existsSync(join(root, 'collector', 'overlays', overlay)), overlay).toBe(true);
  });

  it('gives the processor a configuration it accepts (listening beyond loopback with a token)', () => {
    const config = loadConfig(env('processor'));
    expect(config).toMatchObject({
      kafkaBrokers: ['kafka:9092'],
      httpHost: '0.0.0.0',
      httpPort: 8080,
      budgetsFile: '/etc/genops/budgets.yaml',
    });
    // One token with every role for every team.
    expect(config.apiTokens.map((t) => [t.secret, [...t.roles], t.teams])).toEqual([
      [envExample.GENOPS_API_TOKEN, ['read', 'manage', 'reserve', 'metrics'], undefined],
    ]);
    expect(config.ledgerUrl).toBe(`postgres://genops:${envExample.POSTGRES_PASSWORD}@postgres:5432/genops`);
    const mounted = services.processor!.volumes!.find((v) => v.endsWith(':/etc/genops/budgets.yaml:ro'));
    expect(mounted).toBe('./deploy/genops/budgets.yaml:/etc/genops/budgets.yaml:ro');
    // Prices synced daily from OpenRouter into the image's /var/lib/genops, kept on a volume.
    expect(config.priceSync).toEqual({ source: 'openrouter', intervalMs: 86_400_000 });
    expect(services.processor!.volumes).toContain('processor-prices:/var/lib/genops');
    expect(read('Dockerfile')).toContain('GENOPS_PRICES_FILE=/var/lib/genops/prices.json');
  });

  it('loads the shipped rules and dashboards into Prometheus and Grafana', () => {
    expect(services.prometheus!.volumes).toContain(
      './alerts/genops.rules.yml:/etc/prometheus/rules/genops.rules.yml:ro',
    );
    const prom = parse(read('deploy/prometheus/prometheus.yml')) as { rule_files: string[] };
    expect(prom.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
    expect(services.grafana!.volumes).toContain('./dashboards/grafana:/var/lib/grafana/dashboards/genops:ro');
  });
});
