// The local stack: installs and runs Kafka, the GenOps collector, Jaeger, Prometheus and PostgreSQL (and `genops
// serve` as a child process) for tests and the demo. The fake SaaS endpoints are @genops/fakes.
export {
  up,
  down,
  status,
  readState,
  startService,
  stopService,
  StackError,
  SERVICE_NAMES,
} from './stack.js';
export type { StackState, UpOptions, ServiceName, ServiceStatus } from './stack.js';
export { DEFAULT_PORTS, endpointsFor } from './endpoints.js';
export type { StackEndpoints, StackPorts } from './endpoints.js';
export { collectorBinaryPath, ensureCollector } from './install/collector.js';
export { ensureVegeta, VEGETA_VERSION } from './install/vegeta.js';
export {
  ensureKubernetesTools,
  HELM_VERSION,
  KUBERNETES_VERSION,
  PROMETHEUS_OPERATOR_VERSION,
} from './install/kubernetes.js';
export type { KubernetesTools } from './install/kubernetes.js';
export { controlPlaneBinaries, ensureControlPlane, STAGING_VERSION } from './install/kube-apiserver.js';
export type { ControlPlaneBinaries } from './install/kube-apiserver.js';
export { KubeCluster, startKubernetes } from './services/kubernetes.js';
export type { KubeResponse } from './services/kubernetes.js';
export {
  ensurePrometheusTools,
  pathWithPrometheusTools,
  PROMETHEUS_MODULE_VERSION,
  PROMETHEUS_VERSION,
  ALERTMANAGER_VERSION,
} from './install/prometheus.js';
export type { PrometheusTools } from './install/prometheus.js';
export {
  chromiumPath,
  ensureSystemPackages,
  missingSystemTools,
  MissingToolError,
} from './install/system-tools.js';
export {
  FAKE_DATADOG_KEY,
  FAKE_LANGFUSE_PUBLIC_KEY,
  FAKE_LANGFUSE_SECRET_KEY,
  FAKE_HONEYCOMB_KEY,
  FAKE_HONEYCOMB_METRICS_DATASET,
  collectorEnv,
  registerProcessorTarget,
  unregisterProcessorTarget,
} from './services/telemetry.js';
export { STACK_TOPICS } from './services/kafka.js';
export { defaultStateDir, repoRoot, cacheDir } from './paths.js';
export { stderrProgress } from './progress.js';
export { ProcessorProcess, freePort } from './processor-process.js';
export { COMPOSE_VERSION, ensureComposePlugin, startDockerDaemon } from './compose/docker.js';
export { ensureLocalImages } from './compose/stand-in-images.js';
export type { DockerRun } from './compose/docker.js';
