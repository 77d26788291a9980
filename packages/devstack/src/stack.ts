// The local stack: install (cached), start on loopback, wait for health, stop exactly what was started.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, endpointsFor, type StackEndpoints, type StackPorts } from './endpoints.js';
import { ensureCollector } from './install/collector.js';
import { ensureJaeger } from './install/jaeger.js';
import { ensureKafka } from './install/kafka.js';
import { ensurePrometheusTools } from './install/prometheus.js';
import { ensureSystemPackages, findSystemTools } from './install/system-tools.js';
import { freePorts } from './ports.js';
import { silentProgress, type Progress } from './progress.js';
import { createStackTopics, prepareKafka } from './services/kafka.js';
import { createGenopsDatabase, preparePostgres } from './services/postgres.js';
import {
  collectorSpec,
  jaegerSpec,
  prometheusSpec,
  saasIntakeSpec,
  type PrometheusTargets,
} from './services/telemetry.js';
import {
  isAlive,
  startProcess,
  stopProcess,
  waitHealthy,
  type RunningService,
  type ServiceSpec,
} from './supervisor.js';

export const SERVICE_NAMES = [
  'postgres',
  'kafka',
  'jaeger',
  'saas-intake',
  'collector',
  'prometheus',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What `stack.json` in the state folder holds. */
export interface StackState {
  stateDir: string;
  ports: StackPorts;
  endpoints: StackEndpoints;
  services: RunningService[];
}

export interface UpOptions {
  /** Folder for this stack's data, logs and state. */
  stateDir: string;
  /** Ports to use; unset ones are DESIGN.md's defaults, or free random ports with `randomPorts`. */
  ports?: Partial<StackPorts>;
  /** Pick free ports for everything not given (tests: two runs never collide). */
  randomPorts?: boolean;
  /** Extra Prometheus scrape targets (the processor). */
  prometheus?: PrometheusTargets;
  progress?: Progress;
}

export class StackError extends Error {
  readonly code = 'STACK_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'StackError';
  }
}

const stateFile = (stateDir: string) => join(stateDir, 'stack.json');

export function readState(stateDir: string): StackState | undefined {
  const file = stateFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StackState;
}

function writeState(state: StackState): void {
  writeFileSync(stateFile(state.stateDir), JSON.stringify(state, null, 2));
}

async function resolvePorts(options: UpOptions): Promise<StackPorts> {
  const names = Object.keys(DEFAULT_PORTS) as (keyof StackPorts)[];
  const given = options.ports ?? {};
  if (!options.randomPorts) return { ...DEFAULT_PORTS, ...given };
  const random = await freePorts(names.length);
  const ports = {} as StackPorts;
  names.forEach((name, i) => (ports[name] = given[name] ?? random[i]!));
  return ports;
}

export interface InstalledTools {
  tools: ReturnType<typeof findSystemTools> & { prometheus: string };
  kafkaLibs: string;
  collector: string;
  jaeger: string;
}

/** Installs what is missing into the cache (Kafka jars, our collector, Jaeger, Prometheus 3); idempotent. */
export async function install(progress: Progress = silentProgress): Promise<InstalledTools> {
  await ensureSystemPackages(progress);
  const system = findSystemTools();
  progress('installing (cached after the first run)');
  const started = Date.now();
  const kafkaLibs = await ensureKafka(progress);
  const collector = await ensureCollector(progress);
  const jaeger = await ensureJaeger(progress);
  const { prometheus } = await ensurePrometheusTools(progress);
  progress(`installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { tools: { ...system, prometheus }, kafkaLibs, collector, jaeger };
}

/** Installs what is missing (cached across runs), then starts every service and waits for its health. */
export async function up(options: UpOptions): Promise<StackState> {
  const progress = options.progress ?? silentProgress;
  const stateDir = options.stateDir;
  const existing = readState(stateDir);
  if (existing && existing.services.some((s) => isAlive(s.pid))) {
    throw new StackError(`a stack is already running from ${stateDir}; run \`devstack down\` first`);
  }
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  // PostgreSQL runs as its own system user, which must be able to reach its data folder inside ours.
  chmodSync(stateDir, 0o755);

  const { tools, kafkaLibs, collector, jaeger } = await install(progress);

  const ports = await resolvePorts(options);
  const state: StackState = { stateDir, ports, endpoints: endpointsFor(ports), services: [] };
  const launch = async (spec: ServiceSpec) => {
    progress(`starting ${spec.name}`);
    const running = startProcess(spec);
    state.services.push(running);
    writeState(state);
    await waitHealthy(running);
    progress(`${spec.name} is healthy`);
  };
  try {
    const kafkaSpec = await prepareKafka(stateDir, ports, kafkaLibs, tools.java);
    const postgresSpec = await preparePostgres(stateDir, ports, tools);
    await Promise.all([
      launch(postgresSpec).then(() => createGenopsDatabase(ports.postgres, tools.postgres)),
      launch(kafkaSpec).then(() => createStackTopics(state.endpoints.kafkaBrokers)),
      launch(jaegerSpec(stateDir, ports, jaeger)),
      launch(saasIntakeSpec(stateDir, ports)),
    ]);
    await launch(collectorSpec(stateDir, ports, collector));
    await launch(prometheusSpec(stateDir, ports, tools.prometheus, options.prometheus));
  } catch (error) {
    await down(stateDir);
    throw error;
  }
  progress('stack is up');
  return state;
}

/** Stops every process this stack started (and nothing else), newest first. */
export async function down(stateDir: string, options: { removeData?: boolean } = {}): Promise<void> {
  const state = readState(stateDir);
  if (state) {
    for (const service of [...state.services].reverse()) await stopProcess(service);
    state.services = [];
    writeState(state);
  }
  if (options.removeData) rmSync(stateDir, { recursive: true, force: true });
}

export interface ServiceStatus {
  name: string;
  pid: number;
  running: boolean;
  logFile: string;
}

export function status(stateDir: string): { state: StackState; services: ServiceStatus[] } | undefined {
  const state = readState(stateDir);
  if (!state) return undefined;
  return {
    state,
    services: state.services.map((s) => ({
      name: s.name,
      pid: s.pid,
      running: isAlive(s.pid),
      logFile: s.logFile,
    })),
  };
}

function findService(state: StackState, name: string): RunningService {
  const service = state.services.find((s) => s.name === name);
  if (!service) throw new StackError(`no service "${name}" in the stack at ${state.stateDir}`);
  return service;
}

/** Stops one service (for failure tests); `graceS: 0` kills it outright. */
export async function stopService(stateDir: string, name: ServiceName, graceS = 15): Promise<void> {
  const state = readState(stateDir);
  if (!state) throw new StackError(`no stack at ${stateDir}`);
  await stopProcess(findService(state, name), graceS);
}

/** Starts a stopped service again with the same spec, ports and data, and waits for its health. */
export async function startService(stateDir: string, name: ServiceName): Promise<void> {
  const state = readState(stateDir);
  if (!state) throw new StackError(`no stack at ${stateDir}`);
  const old = findService(state, name);
  if (isAlive(old.pid)) throw new StackError(`${name} is already running (pid ${old.pid})`);
  const { pid: _pid, ...spec } = old;
  const running = startProcess(spec);
  state.services = state.services.map((s) => (s.name === name ? running : s));
  writeState(state);
  await waitHealthy(running);
}
