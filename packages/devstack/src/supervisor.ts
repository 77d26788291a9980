// Starts services as detached process groups, records them, checks health, and stops exactly what it started.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

/** How to tell a service is ready. */
export type HealthCheck =
  { kind: 'http'; url: string; expectStatus?: number } | { kind: 'tcp'; port: number };

/** Everything needed to (re)start one service. Stored in the stack's state file. */
export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  health: HealthCheck;
  /** Seconds to wait for health. */
  startTimeoutS: number;
  /** Name the running process has, when `command` execs another program (e.g. setpriv). */
  processName?: string;
}

export interface RunningService extends ServiceSpec {
  pid: number;
}

export class ServiceStartError extends Error {
  readonly code = 'SERVICE_START_FAILED';
  constructor(service: string, reason: string, logTail: string) {
    super(
      `devstack: ${service} did not become healthy: ${reason}\n--- last lines of its log ---\n${logTail}`,
    );
    this.name = 'ServiceStartError';
  }
}

export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process still is the one we started (pids get reused): its command line names our command. */
function isOurs(service: RunningService): boolean {
  try {
    const cmdline = readFileSync(`/proc/${service.pid}/cmdline`, 'utf8');
    return cmdline.includes(service.processName ?? service.command.split('/').pop()!);
  } catch {
    return false;
  }
}

async function probe(health: HealthCheck): Promise<boolean> {
  if (health.kind === 'tcp') {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: health.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
  try {
    const response = await fetch(health.url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === (health.expectStatus ?? 200);
  } catch {
    return false;
  }
}

export async function waitHealthy(service: RunningService): Promise<void> {
  const deadline = Date.now() + service.startTimeoutS * 1000;
  while (Date.now() < deadline) {
    if (await probe(service.health)) return;
    if (!isAlive(service.pid))
      throw new ServiceStartError(service.name, 'the process exited', logTail(service.logFile));
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new ServiceStartError(
    service.name,
    `no health after ${service.startTimeoutS}s`,
    logTail(service.logFile),
  );
}

export function startProcess(spec: ServiceSpec): RunningService {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new ServiceStartError(spec.name, `cannot spawn ${spec.command}`, '');
    return { ...spec, pid: child.pid };
  } finally {
    closeSync(log);
  }
}

/** SIGTERM to the service's process group, SIGKILL after `graceS`. Leaves alone a pid that is no longer ours. */
export async function stopProcess(service: RunningService, graceS = 15): Promise<void> {
  if (!isAlive(service.pid) || !isOurs(service)) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-service.pid, signal);
    } catch {
      try {
        process.kill(service.pid, signal);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceS * 1000;
  while (isAlive(service.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(service.pid)) signalGroup('SIGKILL');
  while (isAlive(service.pid)) await new Promise((r) => setTimeout(r, 50));
}
