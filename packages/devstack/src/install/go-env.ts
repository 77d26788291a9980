// Environment for Go builds: the local toolchain only, caches outside the repo, checksum DB off for these builds.
import { join } from 'node:path';
import { cacheDir } from '../paths.js';

/**
 * GOSUMDB is off only for our own build commands: some datadog-agent pseudo-versions pulled in by the Datadog
 * exporter are not in the public checksum database. Modules still come from the Go module proxy.
 */
export function goBuildEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: 'local',
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod -buildvcs=false',
    GOBIN: join(cacheDir(), 'bin'),
  };
}
