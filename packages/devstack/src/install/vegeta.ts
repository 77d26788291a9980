// Installs Vegeta, the fixed-rate HTTP load generator the benchmarks drive servers with (an open model: requests
// leave on schedule whatever the server's latency, so no coordinated omission).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import { goBuildEnv } from './go-env.js';

export const VEGETA_VERSION = 'v12.13.0';

export async function ensureVegeta(progress: Progress): Promise<string> {
  const dir = join(cacheDir(), 'vegeta', VEGETA_VERSION);
  const binary = join(dir, 'vegeta');
  if (existsSync(binary)) return binary;
  progress(`vegeta: building ${VEGETA_VERSION} from the Go module proxy`);
  await runCommand('go', ['install', `github.com/tsenart/vegeta/v12@${VEGETA_VERSION}`], {
    env: { ...goBuildEnv(), GOBIN: dir },
  });
  return binary;
}
