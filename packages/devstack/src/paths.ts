// Where the devstack keeps installed tools (shared, cached) and a running stack's state (one folder per stack).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the folder holding `collector/` and `packages/`. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'collector', 'config.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('devstack: cannot find the repository root (collector/config.yaml)');
    dir = parent;
  }
  return dir;
}

/** Package assets (Kafka pom, Jaeger config, …). */
export function assetsDir(): string {
  return join(repoRoot(), 'packages', 'devstack', 'assets');
}

/** Cache of installed tools, outside the repo so clean clones and CI runs reuse it. Env: GENOPS_CACHE_DIR. */
export function cacheDir(): string {
  return resolve(process.env.GENOPS_CACHE_DIR ?? join(homedir(), '.cache', 'genops'));
}

/** Default folder of the stack the CLI manages. Env: GENOPS_DEVSTACK_DIR. */
export function defaultStateDir(): string {
  return resolve(process.env.GENOPS_DEVSTACK_DIR ?? join(repoRoot(), '.devstack', 'default'));
}
