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

/** Path of the built binary for the current manifest (content-addressed: a changed manifest rebuilds). */
export function collectorBinaryPath(): string {
  const manifest = readFileSync(collectorManifestPath(), 'utf8');
  const hash = createHash('sha256').update(manifest).digest('hex').slice(0, 16);
  return join(cacheDir(), 'otelcol', hash, 'otelcol-genops');
}

/**
 * Builds the collector unless the cached binary for this manifest exists. The builder generates the sources;
 * we write go.mod ourselves and run `go mod tidy -e`, because the builder's strict `go mod tidy` also resolves
 * the test-only dependencies of every component, some of which the module proxy does not serve.
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
    progress('collector: generating sources');
    await runCommand(
      builder,
      ['--config', 'builder-config.yaml', '--skip-compilation', '--skip-get-modules'],
      {
        cwd: work,
        env,
      },
    );
    const src = join(work, 'build');
    const requires = [...manifestModules(manifestText), `go.opentelemetry.io/collector/otelcol ${version}`];
    writeFileSync(
      join(src, 'go.mod'),
      `module github.com/genops/otelcol-genops\n\ngo 1.25.0\n\nrequire (\n${requires.map((r) => `\t${r}\n`).join('')})\n`,
    );
    progress('collector: resolving modules (go mod tidy)');
    await runCommand('go', ['mod', 'tidy', '-e'], { cwd: src, env });
    progress('collector: compiling (a cold build takes 10-15 minutes on 2 cores)');
    await runCommand(
      'go',
      ['build', '-trimpath', '-ldflags=-s -w', '-o', join(work, 'otelcol-genops'), '.'],
      {
        cwd: src,
        env,
      },
    );
    renameSync(join(work, 'otelcol-genops'), binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}
