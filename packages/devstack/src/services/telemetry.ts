// Service specs for the telemetry side: our collector, Jaeger, Prometheus and the SaaS intake fakes.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { StackPorts } from '../endpoints.js';
import { assetsDir, repoRoot } from '../paths.js';
import type { ServiceSpec } from '../supervisor.js';

/** Test keys the fakes see in their headers: never real secrets. */
export const FAKE_HONEYCOMB_KEY = 'devstack-honeycomb-key';
export const FAKE_HONEYCOMB_METRICS_DATASET = 'genops-metrics';
export const FAKE_DATADOG_KEY = 'devstack-datadog-key';
export const FAKE_LANGFUSE_PUBLIC_KEY = 'pk-lf-devstack';
export const FAKE_LANGFUSE_SECRET_KEY = 'sk-lf-devstack';

/** The environment that points the shipped collector/config.yaml at this stack. */
export function collectorEnv(stateDir: string, p: StackPorts): Record<string, string> {
  const at = (port: number) => `127.0.0.1:${port}`;
  return {
    GENOPS_OTLP_GRPC_ENDPOINT: at(p.otlpGrpc),
    GENOPS_OTLP_HTTP_ENDPOINT: at(p.otlpHttp),
    GENOPS_PROMETHEUS_EXPORTER_ENDPOINT: at(p.collectorPrometheus),
    GENOPS_COLLECTOR_HEALTH_ENDPOINT: at(p.collectorHealth),
    GENOPS_COLLECTOR_PPROF_ENDPOINT: at(p.collectorPprof),
    GENOPS_COLLECTOR_ZPAGES_ENDPOINT: at(p.collectorZpages),
    GENOPS_COLLECTOR_TELEMETRY_HOST: '127.0.0.1',
    GENOPS_COLLECTOR_TELEMETRY_PORT: String(p.collectorTelemetry),
    GENOPS_COLLECTOR_STORAGE_DIR: join(stateDir, 'collector', 'storage'),
    GENOPS_ENVIRONMENT: 'devstack',
    GENOPS_BATCH_TIMEOUT: '200ms',
    GENOPS_JAEGER_OTLP_ENDPOINT: at(p.jaegerOtlpGrpc),
    GENOPS_JAEGER_TLS_INSECURE: 'true',
    GENOPS_KAFKA_BROKERS: at(p.kafka),
    HONEYCOMB_OTLP_ENDPOINT: at(p.fakeHoneycomb),
    HONEYCOMB_TLS_INSECURE: 'true',
    HONEYCOMB_API_KEY: FAKE_HONEYCOMB_KEY,
    HONEYCOMB_METRICS_DATASET: FAKE_HONEYCOMB_METRICS_DATASET,
    DD_API_KEY: FAKE_DATADOG_KEY,
    DD_HOSTNAME: 'devstack-collector',
    DD_HOST_METADATA_ENABLED: 'false',
    // The Datadog exporter probes every cloud's metadata service in parallel (EC2, Azure, GCP at
    // 169.254.169.254 / metadata.google.internal) even with a fixed hostname. The devstack talks to loopback
    // only: EC2's client is disabled, GCP's is pointed at a closed loopback port, and any other plain HTTP goes
    // to a closed loopback "proxy" (Go never proxies loopback; the Datadog agent's transport matches NO_PROXY
    // entries exactly, host and port, so its fake intake is listed as such).
    AWS_EC2_METADATA_DISABLED: 'true',
    GCE_METADATA_HOST: '127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: `127.0.0.1,localhost,${at(p.fakeDatadog)}`,
    DD_METRICS_ENDPOINT: `http://${at(p.fakeDatadog)}`,
    DD_TRACES_ENDPOINT: `http://${at(p.fakeDatadog)}`,
    DD_LOGS_ENDPOINT: `http://${at(p.fakeDatadog)}`,
    // overlays/langfuse.yaml, to the fake Langfuse on the same loopback intake.
    LANGFUSE_HOST: `http://${at(p.fakeDatadog)}`,
    LANGFUSE_PUBLIC_KEY: FAKE_LANGFUSE_PUBLIC_KEY,
    LANGFUSE_SECRET_KEY: FAKE_LANGFUSE_SECRET_KEY,
  };
}

export function collectorSpec(stateDir: string, p: StackPorts, binary: string): ServiceSpec {
  mkdirSync(join(stateDir, 'collector', 'storage'), { recursive: true });
  return {
    name: 'collector',
    command: binary,
    // The shipped config with every destination the project supports, Langfuse included (overlays/langfuse.yaml).
    args: [
      '--config',
      join(repoRoot(), 'collector', 'config.yaml'),
      '--config',
      join(repoRoot(), 'collector', 'overlays', 'langfuse.yaml'),
    ],
    env: collectorEnv(stateDir, p),
    cwd: join(stateDir, 'collector'),
    logFile: join(stateDir, 'logs', 'collector.log'),
    health: { kind: 'http', url: `http://127.0.0.1:${p.collectorHealth}/` },
    startTimeoutS: 60,
  };
}

export function jaegerSpec(stateDir: string, p: StackPorts, binary: string): ServiceSpec {
  const dir = join(stateDir, 'jaeger');
  mkdirSync(dir, { recursive: true });
  return {
    name: 'jaeger',
    command: binary,
    args: ['--config', join(assetsDir(), 'jaeger', 'config.yaml')],
    env: {
      JAEGER_HEALTH_PORT: String(p.jaegerHealth),
      JAEGER_QUERY_PORT: String(p.jaegerQuery),
      JAEGER_QUERY_GRPC_PORT: String(p.jaegerQueryGrpc),
      JAEGER_OTLP_GRPC_PORT: String(p.jaegerOtlpGrpc),
      JAEGER_OTLP_HTTP_PORT: String(p.jaegerOtlpHttp),
    },
    cwd: dir,
    logFile: join(stateDir, 'logs', 'jaeger.log'),
    health: { kind: 'http', url: `http://127.0.0.1:${p.jaegerHealth}/status` },
    startTimeoutS: 60,
  };
}

/** Prometheus rule files shipped in alerts/ (loaded so the contract tests evaluate them for real). */
function ruleFiles(): string[] {
  const dir = join(repoRoot(), 'alerts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.rules\.ya?ml$/.test(f))
    .map((f) => join(dir, f));
}

const processorTargetsFile = (stateDir: string) => join(stateDir, 'prometheus', 'processors.json');

type TargetGroup = { targets: string[] };

/** Rewrites the file_sd target list atomically (Prometheus must never read half a file). */
function updateProcessorTargets(stateDir: string, change: (groups: TargetGroup[]) => TargetGroup[]): void {
  const file = processorTargetsFile(stateDir);
  const groups = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TargetGroup[]) : [];
  writeFileSync(`${file}.tmp`, JSON.stringify(change(groups)));
  renameSync(`${file}.tmp`, file);
}

/** Adds a processor's `host:port` to the stack's Prometheus scrape targets (picked up within seconds). */
export function registerProcessorTarget(stateDir: string, hostPort: string): void {
  updateProcessorTargets(stateDir, (groups) =>
    groups.some((g) => g.targets.includes(hostPort)) ? groups : [...groups, { targets: [hostPort] }],
  );
}

/** Removes a processor's `host:port` from the scrape targets. */
export function unregisterProcessorTarget(stateDir: string, hostPort: string): void {
  updateProcessorTargets(stateDir, (groups) =>
    groups.map((g) => ({ targets: g.targets.filter((t) => t !== hostPort) })).filter((g) => g.targets.length),
  );
}

export interface PrometheusTargets {
  /** host:port of processors to scrape (`/metrics`). */
  processors?: string[];
  /** Scrape and evaluation interval. Default 1s (tests want data quickly). */
  interval?: string;
}

export function prometheusSpec(
  stateDir: string,
  p: StackPorts,
  binary: string,
  targets: PrometheusTargets = {},
): ServiceSpec {
  const dir = join(stateDir, 'prometheus');
  mkdirSync(dir, { recursive: true });
  const interval = targets.interval ?? '1s';
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: ruleFiles(),
    scrape_configs: [
      // honor_labels: job and instance come from the emitting service (service.name), not the collector.
      {
        job_name: 'genops-collector',
        honor_labels: true,
        static_configs: [{ targets: [`127.0.0.1:${p.collectorPrometheus}`] }],
      },
      { job_name: 'otel-collector', static_configs: [{ targets: [`127.0.0.1:${p.collectorTelemetry}`] }] },
      // Processors started after the stack register through this file (`registerProcessorTarget`).
      {
        job_name: 'genops-processor',
        static_configs: targets.processors?.length ? [{ targets: targets.processors }] : [],
        file_sd_configs: [{ files: [processorTargetsFile(stateDir)], refresh_interval: '5s' }],
      },
    ],
  };
  if (!existsSync(processorTargetsFile(stateDir))) writeFileSync(processorTargetsFile(stateDir), '[]\n');
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, toYaml(config));
  return {
    name: 'prometheus',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${p.prometheus}`,
      '--web.enable-lifecycle',
    ],
    env: {},
    cwd: dir,
    logFile: join(stateDir, 'logs', 'prometheus.log'),
    health: { kind: 'http', url: `http://127.0.0.1:${p.prometheus}/-/ready` },
    startTimeoutS: 60,
  };
}

export function saasIntakeSpec(stateDir: string, p: StackPorts): ServiceSpec {
  // Always the compiled entry point, also when this module runs from source (vitest).
  const main = join(repoRoot(), 'packages', 'fakes', 'dist', 'saas-intake-main.js');
  return {
    name: 'saas-intake',
    command: process.execPath,
    args: [main],
    env: {
      FAKE_HONEYCOMB_PORT: String(p.fakeHoneycomb),
      FAKE_DATADOG_PORT: String(p.fakeDatadog),
      FAKE_CONTROL_PORT: String(p.fakeControl),
    },
    cwd: stateDir,
    logFile: join(stateDir, 'logs', 'saas-intake.log'),
    health: { kind: 'http', url: `http://127.0.0.1:${p.fakeControl}/healthz` },
    startTimeoutS: 20,
  };
}
