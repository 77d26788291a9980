// Builds our collector distribution from collector/builder-config.yaml with the OpenTelemetry Collector Builder.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cacheDir, repoRoot } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import { goBuildEnv } from './go-env.js';

interface Manifest {
  receivers?: { gomod: string }[];
  processors?: { gomod: string }[];
  exporters?: { gomod: string }[];
  extensions?: { gomod: string }[];
  providers?: { gomod: string }[];
  connectors?: { gomod: string }[];
}

/** Every `module version` the manifest names. */
export function manifestModules(manifestText: string): string[] {
  const manifest = parseYaml(manifestText) as Manifest;
  const kinds = ['receivers', 'processors', 'exporters', 'extensions', 'providers', 'connectors'] as const;
  return kinds.flatMap((kind) => (manifest[kind] ?? []).map((entry) => entry.gomod));
}

/** The collector core release the manifest is on (the builder must be the same release). */
export function coreVersion(manifestText: string): string {
  const otlp = manifestModules(manifestText).find((m) =>
    m.startsWith('go.opentelemetry.io/collector/receiver/otlpreceiver '),
  );
  if (!otlp)
    throw new Error('builder-config.yaml must include go.opentelemetry.io/collector/receiver/otlpreceiver');
  return otlp.split(' ')[1]!;
}

export function collectorManifestPath(): string {
  return join(repoRoot(), 'collector', 'builder-config.yaml');
}

/** collector/build.sh: the one build recipe, the image's and ours. */
export function collectorBuildScript(): string {
  return join(repoRoot(), 'collector', 'build.sh');
}

/** The Go build cache of the collector's compile alone: the compose test seeds the image build's from it. */
export function collectorGoCache(): string {
  return join(cacheDir(), 'otelcol', 'go-build');
}

/** Path of the built binary for the current manifest and recipe (content-addressed: a change to either rebuilds). */
export function collectorBinaryPath(): string {
  const hash = createHash('sha256')
    .update(readFileSync(collectorManifestPath(), 'utf8'))
    .update(readFileSync(collectorBuildScript(), 'utf8'))
    .digest('hex')
    .slice(0, 16);
  return join(cacheDir(), 'otelcol', hash, 'otelcol-genops');
}

/**
 * Builds the collector unless the cached binary for this manifest and recipe exists: collector/build.sh, as
 * collector/Dockerfile runs it, with the builder of the manifest's release and the collector's own Go build cache.
 */
export async function ensureCollector(progress: Progress): Promise<string> {
  const binary = collectorBinaryPath();
  if (existsSync(binary)) return binary;
  const manifestText = readFileSync(collectorManifestPath(), 'utf8');
  const version = coreVersion(manifestText);
  const env = goBuildEnv();
  const builder = join(env.GOBIN!, `builder-${version}`);
  if (!existsSync(builder)) {
    progress(`installing the OpenTelemetry Collector Builder ${version}`);
    await runCommand('go', ['install', `go.opentelemetry.io/collector/cmd/builder@${version}`], { env });
    renameSync(join(env.GOBIN!, 'builder'), builder);
  }
  const work = `${binary}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    writeFileSync(join(work, 'builder-config.yaml'), manifestText);
    progress('collector: collector/build.sh (generate, go mod tidy, compile: 10-15 minutes cold on 2 cores)');
    await runCommand('sh', [collectorBuildScript(), work, join(work, 'otelcol-genops')], {
      env: { ...env, OCB: builder, GOCACHE: collectorGoCache() },
    });
    renameSync(join(work, 'otelcol-genops'), binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}
