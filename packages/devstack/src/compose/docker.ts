// A Docker engine of our own for the compose test: Debian's dockerd on a private socket (its data root in the cache,
// so built images survive between runs) and the Compose v2 CLI plugin built from the Go module proxy. The images
// compose would pull: stand-in-images.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { goBuildEnv } from '../install/go-env.js';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';

export const COMPOSE_VERSION = 'v2.40.3';

/** A DOCKER_CONFIG folder whose cli-plugins hold `docker-compose`, built once into the cache. */
export async function ensureComposePlugin(progress: Progress): Promise<string> {
  const config = join(cacheDir(), 'compose', COMPOSE_VERSION, 'docker-config');
  const plugin = join(config, 'cli-plugins', 'docker-compose');
  if (existsSync(plugin)) return config;
  const binary = join(cacheDir(), 'compose', COMPOSE_VERSION, 'docker-compose');
  progress(
    `docker compose: building github.com/docker/compose/v2 ${COMPOSE_VERSION} from the Go module proxy (once)`,
  );
  // Its go.mod has exclude directives, so `go install …@version` refuses it: build ./cmd inside the module (as Jaeger).
  const env = goBuildEnv();
  const info = JSON.parse(
    await runCommand('go', ['mod', 'download', '-json', `github.com/docker/compose/v2@${COMPOSE_VERSION}`], {
      env,
    }),
  ) as { Dir: string };
  const tmp = `${binary}.tmp-${process.pid}`;
  mkdirSync(dirname(binary), { recursive: true });
  await runCommand(
    'go',
    [
      'build',
      '-trimpath',
      `-ldflags=-s -w -X github.com/docker/compose/v2/internal.Version=${COMPOSE_VERSION}`,
      '-o',
      tmp,
      './cmd',
    ],
    { cwd: info.Dir, env },
  );
  renameSync(tmp, binary);
  mkdirSync(join(config, 'cli-plugins'), { recursive: true });
  symlinkSync(binary, plugin);
  return config;
}

export interface DockerRun {
  /** Environment for `docker` commands against this daemon. */
  env: NodeJS.ProcessEnv;
  docker(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
  stop(): Promise<void>;
}

/** Starts dockerd on a private socket; the data root is shared with earlier runs (one daemon at a time). */
export async function startDockerDaemon(progress: Progress, dockerConfig: string): Promise<DockerRun> {
  if (process.getuid?.() !== 0) throw new Error('the compose test starts its own dockerd, which needs root');
  const dataRoot = join(cacheDir(), 'docker', 'data');
  const runDir = mkdtempSync(join(tmpdir(), 'genops-dockerd-'));
  mkdirSync(dataRoot, { recursive: true });
  const pidFile = join(cacheDir(), 'docker', 'dockerd.pid');
  await stopLeftoverDaemon(pidFile, progress);
  const socket = join(runDir, 'docker.sock');
  const logFile = join(runDir, 'dockerd.log');
  progress(`dockerd: starting on ${socket} (data root ${dataRoot})`);
  const daemon: ChildProcess = spawn(
    'sh',
    [
      '-c',
      `exec dockerd --data-root '${dataRoot}' --exec-root '${join(runDir, 'exec')}' -H 'unix://${socket}' --pidfile '${pidFile}' --iptables=false --bridge=none --storage-driver=overlay2 > '${logFile}' 2>&1`,
    ],
    { stdio: 'ignore' },
  );
  const env = {
    ...process.env,
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_CONFIG: dockerConfig,
    DOCKER_BUILDKIT: '0',
  };
  const docker = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    runCommand('docker', args, { cwd: options.cwd, env: { ...env, ...options.env } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await docker(['version', '--format', '{{.Server.Version}}']);
      break;
    } catch (error) {
      if (daemon.exitCode !== null || Date.now() > deadline)
        throw new Error(`dockerd did not start:\n${safeRead(logFile).slice(-2000)}`, { cause: error });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    env,
    docker,
    async stop() {
      if (daemon.exitCode === null) {
        const exited = new Promise((r) => daemon.once('exit', r));
        daemon.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
        if (daemon.exitCode === null) daemon.kill('SIGKILL');
      }
      // dockerd can leave its exec root's mounts (network namespaces) behind: lazily unmount, then remove.
      const mounts = readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[1] ?? '')
        .filter((mount) => mount.startsWith(runDir))
        .sort((a, b) => b.length - a.length);
      for (const mount of mounts) await runCommand('umount', ['-l', mount]).catch(() => '');
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** A daemon a killed run left on our data root would hold it: stop it first (the pid file names it). */
async function stopLeftoverDaemon(pidFile: string, progress: Progress): Promise<void> {
  const pid = Number(safeRead(pidFile).trim());
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  progress(`dockerd: stopping the daemon a previous run left (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 120 && alive(); i++) await new Promise((r) => setTimeout(r, 250));
  if (alive()) process.kill(pid, 'SIGKILL');
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
