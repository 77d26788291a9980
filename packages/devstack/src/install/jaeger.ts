// Installs Jaeger v2 from its Go module.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import { goBuildEnv } from './go-env.js';

/**
 * Jaeger v1.76.0 is the module version of the v2.13.0 release (v2 tags are not valid Go module versions). Its
 * go.mod has a replace directive, so `go install …@v1.76.0` refuses it; we download the module and build
 * ./cmd/jaeger inside it, where the module is the main module and its replace applies.
 */
export const JAEGER_MODULE_VERSION = 'v1.76.0';

export function jaegerBinaryPath(): string {
  return join(cacheDir(), 'jaeger', JAEGER_MODULE_VERSION, 'jaeger');
}

export async function ensureJaeger(progress: Progress): Promise<string> {
  const binary = jaegerBinaryPath();
  if (existsSync(binary)) return binary;
  const env = goBuildEnv();
  progress(`jaeger: downloading module ${JAEGER_MODULE_VERSION}`);
  const info = JSON.parse(
    await runCommand(
      'go',
      ['mod', 'download', '-json', `github.com/jaegertracing/jaeger@${JAEGER_MODULE_VERSION}`],
      { env },
    ),
  ) as { Dir: string };
  progress('jaeger: compiling (a cold build takes about 10 minutes on 2 cores)');
  mkdirSync(dirname(binary), { recursive: true });
  const tmp = `${binary}.tmp-${process.pid}`;
  await runCommand('go', ['build', '-o', tmp, './cmd/jaeger'], { cwd: info.Dir, env });
  renameSync(tmp, binary);
  return binary;
}
