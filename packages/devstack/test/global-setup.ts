// Vitest global setup for the `stack` project: one real local stack for the whole run, on random ports.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { down, readState, repoRoot, stderrProgress, up, type StackEndpoints } from '../src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { stateDir: string; endpoints: StackEndpoints };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // GENOPS_TEST_STACK_DIR reuses a stack started with `devstack --dir … up --random-ports` (fast local loops).
  const reuse = process.env.GENOPS_TEST_STACK_DIR;
  const reused = reuse ? readState(reuse) : undefined;
  if (reuse && reused && reused.services.length) {
    project.provide('stack', { stateDir: reuse, endpoints: reused.endpoints });
    return async () => {};
  }
  const stateDir = join(repoRoot(), '.devstack', `vitest-${process.pid}`);
  const state = await up({ stateDir, randomPorts: true, progress: stderrProgress });
  project.provide('stack', { stateDir, endpoints: state.endpoints });
  return async () => {
    await down(stateDir, { removeData: true });
  };
}
