// Installs Prometheus 3 (prometheus, promtool) and Alertmanager's amtool from the Go module proxy: the versions
// users run today, where Debian bookworm ships Prometheus 2.42. Both modules have no replace directive, so
// `go install module/cmd/x@version` builds them as published. Without the `builtinassets` tag the web UI is not
// embedded (the API, /-/ready and everything the stack and tests use are); with `remove_all_sd` the service
// discoveries of clouds and orchestrators (Kubernetes, AWS, Azure, GCE… — most of a cold build's time) are left
// out, keeping static and file-based targets, the only ones the stack's and the compose stand-in's configs use.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import { goBuildEnv } from './go-env.js';

/** The Go module version of the Prometheus 3.16.0 release (3.x tags are published as v0.3xx module versions). */
export const PROMETHEUS_MODULE_VERSION = 'v0.316.0';
export const PROMETHEUS_VERSION = '3.16.0';
export const ALERTMANAGER_VERSION = 'v0.35.0';

export interface PrometheusTools {
  prometheus: string;
  promtool: string;
  amtool: string;
  /** The folder holding all three, to put first on PATH. */
  binDir: string;
}

export function prometheusBinDir(): string {
  return join(cacheDir(), 'prometheus', `${PROMETHEUS_MODULE_VERSION}-am${ALERTMANAGER_VERSION}`);
}

let building: Promise<PrometheusTools> | undefined;

/** The tools, built once into the cache (a cold build takes several minutes on 2 cores). */
export function ensurePrometheusTools(progress: Progress): Promise<PrometheusTools> {
  building ??= build(progress).finally(() => (building = undefined));
  return building;
}

async function build(progress: Progress): Promise<PrometheusTools> {
  const binDir = prometheusBinDir();
  const tools = {
    prometheus: join(binDir, 'prometheus'),
    promtool: join(binDir, 'promtool'),
    amtool: join(binDir, 'amtool'),
    binDir,
  };
  const env = { ...goBuildEnv(), GOBIN: binDir };
  const targets: [keyof Omit<PrometheusTools, 'binDir'>, string, string][] = [
    [
      'prometheus',
      `github.com/prometheus/prometheus/cmd/prometheus@${PROMETHEUS_MODULE_VERSION}`,
      PROMETHEUS_VERSION,
    ],
    [
      'promtool',
      `github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_MODULE_VERSION}`,
      PROMETHEUS_VERSION,
    ],
    [
      'amtool',
      `github.com/prometheus/alertmanager/cmd/amtool@${ALERTMANAGER_VERSION}`,
      ALERTMANAGER_VERSION.slice(1),
    ],
  ];
  for (const [name, target, version] of targets) {
    if (existsSync(tools[name])) continue;
    progress(`${name}: building ${target} from the Go module proxy (once; cached in ${binDir})`);
    // The release version goes in as the official builds set it, so `--version` says what runs.
    const ldflags = `-s -w -X github.com/prometheus/common/version.Version=${version}`;
    await runCommand('go', ['install', '-trimpath', '-tags=remove_all_sd', `-ldflags=${ldflags}`, target], {
      env,
    });
  }
  return tools;
}

/** PATH with the Prometheus tools first, for tests and scripts that run `promtool` / `amtool` by name. */
export function pathWithPrometheusTools(tools: PrometheusTools, path = process.env.PATH ?? ''): string {
  return `${tools.binDir}${delimiter}${path}`;
}
